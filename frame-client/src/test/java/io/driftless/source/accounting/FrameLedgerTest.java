package io.driftless.source.accounting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftless.proto.DropReason;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FrameLedgerTest {

    private final FrameLedger ledger = new FrameLedger();

    private void sent(String session, long from, long to) {
        for (long sequence = from; sequence <= to; sequence++) {
            ledger.sent(session, sequence);
        }
    }

    private SessionAccount account(String session) {
        return ledger.report().sessions().stream()
                .filter(s -> s.sessionId().equals(session)).findFirst().orElseThrow();
    }

    @Test
    void balancesWhenEveryFrameIsAnsweredOrDropped() {
        sent("a", 1, 10);
        for (long sequence = 1; sequence <= 7; sequence++) {
            ledger.responded("a", sequence);
        }
        ledger.dropped("a", 8, DropReason.LATE_ON_ARRIVAL);
        ledger.dropped("a", 9, DropReason.LATE_ON_ARRIVAL);
        ledger.dropped("a", 10, DropReason.STALE);

        SessionAccount a = account("a");
        assertThat(a.sent()).isEqualTo(10);
        assertThat(a.answered()).isEqualTo(7);
        assertThat(a.dropped()).isEqualTo(Map.of(DropReason.LATE_ON_ARRIVAL, 2L, DropReason.STALE, 1L));
        assertThat(a.unaccounted()).isZero();
        assertThat(a.duplicated()).isZero();
        assertThat(ledger.outstanding()).isZero();
        assertThat(ledger.report().balanced()).isTrue();
    }

    @Test
    void countsFramesWithNoAnswerAsUnaccounted() {
        sent("a", 1, 5);
        ledger.responded("a", 1);
        ledger.dropped("a", 3, DropReason.OVERLOADED);

        assertThat(account("a").unaccounted()).isEqualTo(3);
        assertThat(ledger.outstanding()).isEqualTo(3);
        assertThat(ledger.report().balanced()).isFalse();
        assertThat(ledger.report().toTable(10)).contains("3 frames have no answer");
    }

    @Test
    void flagsARedeliveredFrameAsDuplicatedAndCountsItOnce() {
        sent("a", 1, 3);
        ledger.responded("a", 1);
        ledger.responded("a", 1);
        ledger.responded("a", 2);
        // replayed after a restart, now too old: the earlier response still stands
        ledger.dropped("a", 2, DropReason.LATE_ON_ARRIVAL);
        ledger.dropped("a", 3, DropReason.DEADLINE_EXCEEDED);
        ledger.responded("a", 3);

        SessionAccount a = account("a");
        assertThat(a.answered()).isEqualTo(3);
        assertThat(a.droppedTotal()).isZero();
        assertThat(a.duplicated()).isEqualTo(3);
        assertThat(a.unaccounted()).isZero();
    }

    @Test
    void countsAnAnnotatedFrameAndItsCoordinatesAsOneAnswerInEitherOrder() {
        sent("a", 1, 3);
        ledger.annotated("a", 1);
        ledger.responded("a", 1);
        ledger.responded("a", 2);
        ledger.annotated("a", 2);
        // an image without a face: the annotated frame alone
        ledger.annotated("a", 3);

        SessionAccount a = account("a");
        assertThat(a.answered()).isEqualTo(3);
        assertThat(a.duplicated()).isZero();
        assertThat(a.unaccounted()).isZero();
        assertThat(ledger.outstanding()).isZero();
        assertThat(ledger.report().balanced()).isTrue();
    }

    @Test
    void flagsASecondAnnotatedFrameOrADropAfterOneAsDuplicated() {
        sent("a", 1, 2);
        ledger.annotated("a", 1);
        ledger.responded("a", 1);
        ledger.annotated("a", 1);
        ledger.annotated("a", 2);
        ledger.dropped("a", 2, DropReason.STALE);

        SessionAccount a = account("a");
        assertThat(a.answered()).isEqualTo(2);
        assertThat(a.droppedTotal()).isZero();
        assertThat(a.duplicated()).isEqualTo(2);
    }

    @Test
    void keepsTheFirstDropReasonOfAFrameDroppedTwice() {
        sent("a", 1, 1);
        ledger.dropped("a", 1, DropReason.DEADLINE_EXCEEDED);
        ledger.dropped("a", 1, DropReason.LATE_ON_ARRIVAL);

        assertThat(account("a").dropped()).isEqualTo(Map.of(DropReason.DEADLINE_EXCEEDED, 1L));
        assertThat(account("a").duplicated()).isEqualTo(1);
    }

    @Test
    void separatesAnswersToUnsentFramesAndToOtherSessions() {
        sent("a", 5, 6);
        ledger.responded("a", 4);
        ledger.responded("a", 7);
        ledger.dropped("a", 1_000, DropReason.STALE);
        ledger.responded("someone-else", 5);

        assertThat(account("a").unexpected()).isEqualTo(3);
        assertThat(account("a").unaccounted()).isEqualTo(2);
        assertThat(ledger.report().foreignAnswers()).isEqualTo(1);
    }

    @Test
    void acceptsSequencesInAnyOrderAndBelowTheFirst() {
        ledger.sent("a", 100);
        ledger.sent("a", 40);
        ledger.sent("a", 1_000);
        ledger.sent("a", 40);
        ledger.responded("a", 40);
        ledger.responded("a", 1_000);

        SessionAccount a = account("a");
        assertThat(a.sent()).isEqualTo(3);
        assertThat(a.answered()).isEqualTo(2);
        assertThat(a.unaccounted()).isEqualTo(1);
    }

    @Test
    void refusesASessionWhoseSequencesSpanMoreThanItCanHold() {
        ledger.sent("a", 1);

        assertThatThrownBy(() -> ledger.sent("a", FrameLedger.MAX_SPAN + 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("session 'a' sent sequence " + (FrameLedger.MAX_SPAN + 1));
    }

    @Test
    void addsUpEverySessionInTheTotal() {
        sent("a", 1, 4);
        sent("b", 1, 2);
        ledger.responded("a", 1);
        ledger.dropped("b", 2, DropReason.INVALID);

        SessionAccount total = ledger.report().total();
        assertThat(total.sent()).isEqualTo(6);
        assertThat(total.answered()).isEqualTo(1);
        assertThat(total.dropped(DropReason.INVALID)).isEqualTo(1);
        assertThat(total.unaccounted()).isEqualTo(4);
        assertThat(total.sent()).isEqualTo(total.answered() + total.droppedTotal() + total.unaccounted());
    }
}
