package io.driftless.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

class ThrottledLogTest {

    private final RecordingLogger logger = new RecordingLogger();
    private long now = 1_000;

    @Test
    void writesTheFirstWarningAtOnce() {
        ThrottledLog log = new ThrottledLog(logger, 10_000, () -> now);

        log.warn("frame {} of session {} is invalid", 7, "s1");

        assertThat(logger.lines).containsExactly("WARN frame 7 of session s1 is invalid");
    }

    @Test
    void holdsBackWarningsWithinTheIntervalAndCountsThemInTheNextLine() {
        ThrottledLog log = new ThrottledLog(logger, 10_000, () -> now);
        log.warn("bad frame {}", 1);
        now += TimeUnit.SECONDS.toNanos(5);
        log.warn("bad frame {}", 2);
        log.warn("bad frame {}", 3);
        now += TimeUnit.SECONDS.toNanos(5);
        log.warn("bad frame {}", 4);
        now += TimeUnit.SECONDS.toNanos(10);
        log.warn("bad frame {}", 5);

        assertThat(logger.lines).containsExactly(
                "WARN bad frame 1",
                "WARN (2 similar messages suppressed) bad frame 4",
                "WARN bad frame 5");
    }

    @Test
    void refusesANegativeInterval() {
        assertThatThrownBy(() -> new ThrottledLog(logger, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("intervalMillis must be 0 or more, was -1");
    }

    /** Keeps each line as its level and formatted message. */
    private static final class RecordingLogger extends LegacyAbstractLogger {

        final List<String> lines = new ArrayList<>();

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String format, Object[] args,
                Throwable throwable) {
            lines.add(level + " " + MessageFormatter.basicArrayFormat(format, args));
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        public boolean isTraceEnabled() {
            return true;
        }

        @Override
        public boolean isDebugEnabled() {
            return true;
        }

        @Override
        public boolean isInfoEnabled() {
            return true;
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }
    }
}
