package io.driftless.inference.remote;

import static io.driftless.inference.remote.CircuitBreaker.Permit.CALL;
import static io.driftless.inference.remote.CircuitBreaker.Permit.PROBE;
import static io.driftless.inference.remote.CircuitBreaker.Permit.REFUSED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final CircuitBreaker breaker = new CircuitBreaker(3, 100_000, 400_000, now::get);

    private void failCalls(int count) {
        for (int i = 0; i < count; i++) {
            breaker.failed(breaker.acquire());
        }
    }

    @Test
    void letsCallsThroughUntilEnoughFailInARow() {
        failCalls(2);
        breaker.succeeded(breaker.acquire());
        failCalls(2);
        assertThat(breaker.acquire()).as("a success in between resets the count").isEqualTo(CALL);

        failCalls(1);
        assertThat(breaker.acquire()).isEqualTo(REFUSED);
        assertThat(breaker.isOpen()).isTrue();
        assertThat(breaker.refusal()).isEqualTo("inference server unreachable (circuit open); next probe in 100 ms");
    }

    @Test
    void sendsOneProbeOnceTheOpenTimeHasPassedAndClosesWhenItSucceeds() {
        failCalls(3);
        now.addAndGet(99_999);
        assertThat(breaker.acquire()).isEqualTo(REFUSED);
        now.addAndGet(1);

        assertThat(breaker.acquire()).isEqualTo(PROBE);
        assertThat(breaker.acquire()).as("only one probe at a time").isEqualTo(REFUSED);
        breaker.succeeded(PROBE);

        assertThat(breaker.isOpen()).isFalse();
        assertThat(breaker.acquire()).isEqualTo(CALL);
    }

    @Test
    void waitsTwiceAsLongAfterEachFailedProbeUpToItsMaximum() {
        failCalls(3);
        long[] expectedOpen = {200_000, 400_000, 400_000};
        now.addAndGet(100_000);
        assertThat(breaker.acquire()).isEqualTo(PROBE);
        for (long open : expectedOpen) {
            breaker.failed(PROBE);
            now.addAndGet(open - 1);
            assertThat(breaker.acquire()).isEqualTo(REFUSED);
            now.addAndGet(1);
            assertThat(breaker.acquire()).isEqualTo(PROBE);
        }
        breaker.succeeded(PROBE);
        failCalls(3);
        now.addAndGet(100_000);
        assertThat(breaker.acquire()).as("back to the shortest open time once closed").isEqualTo(PROBE);
    }

    @Test
    void ignoresLateFailuresOfCallsSentBeforeItOpened() {
        failCalls(3);
        breaker.failed(CALL);
        now.addAndGet(100_000);
        assertThat(breaker.acquire()).isEqualTo(PROBE);
    }

    @Test
    void rejectsSettingsThatCannotWork() {
        assertThatThrownBy(() -> new CircuitBreaker(0, 1, 1, now::get))
                .hasMessage("failureThreshold must be at least 1, got 0");
        assertThatThrownBy(() -> new CircuitBreaker(1, 10, 5, now::get))
                .hasMessage("open time must be positive and at most its maximum, got 10 us and 5 us");
    }
}
