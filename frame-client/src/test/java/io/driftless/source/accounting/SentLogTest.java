package io.driftless.source.accounting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftless.source.FrameSourceException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SentLogTest {

    @Test
    void readsBackWhatItWrote(@TempDir Path dir) {
        Path file = dir.resolve("sent.log");
        try (SentLog log = SentLog.create(file)) {
            log.record("run-u0000", 1);
            log.record("run-u0001", 1);
            log.record("run-u0000", 2);
        }
        FrameLedger ledger = new FrameLedger();
        SentLog.readInto(file, ledger);

        assertThat(ledger.sessionIds()).containsExactlyInAnyOrder("run-u0000", "run-u0001");
        assertThat(ledger.outstanding()).isEqualTo(3);
    }

    @Test
    void skipsCommentsAndBlankLines(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("sent.log"), "# from a phone\n\ns\t7\n");
        FrameLedger ledger = new FrameLedger();
        SentLog.readInto(file, ledger);

        assertThat(ledger.outstanding()).isEqualTo(1);
    }

    @Test
    void namesTheLineThatIsNotSessionTabSequence(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("sent.log"), "s\t1\ns 2\n");

        assertThatThrownBy(() -> SentLog.readInto(file, new FrameLedger()))
                .isInstanceOf(FrameSourceException.class)
                .hasMessage("line 2 of the sent log " + file + " is not 'session<TAB>sequence': 's 2'");
    }
}
