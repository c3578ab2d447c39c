package io.driftless.inference.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;
import io.driftless.inference.remote.InFlightLimitOptions.Algorithm;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The adaptive limit on its own, on a clock the test drives: round trips of exactly the length
 * the test says, so the limit's course is the same on every run.
 */
class InFlightLimitOptionsTest {

    private static final long FAST_MICROS = 2_000;
    private static final long SLOW_MICROS = 20_000;

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @ParameterizedTest
    @EnumSource(value = Algorithm.class, names = {"VEGAS", "GRADIENT2"})
    void shrinksWhenRoundTripsGrowUnderLoadAndGrowsBackWhenTheyFall(Algorithm algorithm) {
        SimpleLimiter<Void> limiter = new InFlightLimitOptions(algorithm, 50, 2, 200).newLimiter(now::get);

        // the round trip the servers give when not queueing: the limit's reference
        roundTrips(limiter, FAST_MICROS, 2_000_000);
        int rested = limiter.getLimit();
        assertThat(rested).as("limit after round trips of %s us", FAST_MICROS).isGreaterThanOrEqualTo(50);

        // every place taken, and round trips ten times as long: frames queue at the servers
        roundTrips(limiter, SLOW_MICROS, 10_000_000);
        int shrunk = limiter.getLimit();
        assertThat(shrunk).as("limit after queueing, from %s", rested).isLessThan(rested / 2);

        roundTrips(limiter, FAST_MICROS, 5_000_000);
        assertThat(limiter.getLimit()).as("limit once round trips are fast again, from %s", shrunk)
                .isGreaterThan(2 * shrunk);
        assertThat(limiter.getInflight()).isZero();
    }

    @ParameterizedTest
    @EnumSource(value = Algorithm.class, names = {"VEGAS", "GRADIENT2"})
    void neverFallsBelowItsMinimumNorGrowsBeyondItsMaximum(Algorithm algorithm) {
        SimpleLimiter<Void> limiter = new InFlightLimitOptions(algorithm, 30, 25, 40).newLimiter(now::get);

        roundTrips(limiter, FAST_MICROS, 1_000_000);
        roundTrips(limiter, SLOW_MICROS * 10, 20_000_000);
        assertThat(limiter.getLimit()).isEqualTo(25);

        roundTrips(limiter, FAST_MICROS, 20_000_000);
        assertThat(limiter.getLimit()).isEqualTo(40);
    }

    @ParameterizedTest
    @EnumSource(value = Algorithm.class, names = {"VEGAS", "GRADIENT2"})
    void refusesAPlaceBeyondTheLimitUntilOneIsGivenBack(Algorithm algorithm) {
        SimpleLimiter<Void> limiter = new InFlightLimitOptions(algorithm, 20, 20, 200).newLimiter(now::get);
        List<Limiter.Listener> places = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            places.add(limiter.acquire(null).orElseThrow());
        }

        assertThat(limiter.acquire(null)).isEmpty();
        places.remove(0).onIgnore();
        assertThat(limiter.acquire(null)).isPresent();
        assertThat(limiter.getInflight()).isEqualTo(20);
    }

    @Test
    void offNeverRefuses() {
        SimpleLimiter<Void> limiter = InFlightLimitOptions.OFF.newLimiter(now::get);
        for (int i = 0; i < 10_000; i++) {
            assertThat(limiter.acquire(null)).isPresent();
        }
        assertThat(limiter.getInflight()).isEqualTo(10_000);
        assertThat(InFlightLimitOptions.OFF.enabled()).isFalse();
    }

    @Test
    void rejectsLimitsThatContradictEachOther() {
        assertThatThrownBy(() -> new InFlightLimitOptions(Algorithm.GRADIENT2, 20, 0, 200))
                .hasMessage("minLimit must be at least 1, got 0");
        assertThatThrownBy(() -> new InFlightLimitOptions(Algorithm.VEGAS, 20, 20, 10))
                .hasMessage("maxLimit (10) must be at least minLimit (20)");
        assertThatThrownBy(() -> new InFlightLimitOptions(Algorithm.GRADIENT2, 300, 20, 200))
                .hasMessage("initialLimit must be between minLimit (20) and maxLimit (200), got 300");
        assertThatThrownBy(() -> new InFlightLimitOptions(null, 20, 20, 200))
                .hasMessage("algorithm must be set: gradient2, vegas or off");
    }

    /**
     * Round trips of {@code micros} each for {@code forMicros} of the test's clock, with every place
     * the limit allows taken at once, so the limiter sees a client that wants more than it gets.
     */
    private void roundTrips(SimpleLimiter<Void> limiter, long micros, long forMicros) {
        long end = now.get() + forMicros;
        List<Limiter.Listener> places = new ArrayList<>();
        while (now.get() < end) {
            for (Optional<Limiter.Listener> place = limiter.acquire(null); place.isPresent();
                    place = limiter.acquire(null)) {
                places.add(place.get());
            }
            now.addAndGet(micros);
            places.forEach(Limiter.Listener::onSuccess);
            places.clear();
        }
    }
}
