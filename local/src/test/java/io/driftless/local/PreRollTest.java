package io.driftless.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftless.source.SyntheticRun;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

/** The ramp and its ends, with users whose answers are as on time as each test says, a second a millisecond. */
class PreRollTest {

    private static final Duration TICK = Duration.ofMillis(1);
    private static final Duration LIMIT = Duration.ofSeconds(120);

    /** Users who settle 100 frames a second, of which the share {@code onTime(users)} on time. */
    private static class ScriptedUsers implements PreRoll.Users {
        final int count;
        final double onTimeShare;
        final CountDownLatch stopped = new CountDownLatch(1);
        volatile boolean closed;
        long settled;
        long onTime;

        ScriptedUsers(int count, double onTimeShare) {
            this.count = count;
            this.onTimeShare = onTimeShare;
        }

        @Override
        public void run() {
            try {
                if (!stopped.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("never stopped");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void stop() {
            stopped.countDown();
        }

        @Override
        public synchronized SyntheticRun.Progress progress() {
            settled += 100;
            onTime += Math.round(100 * onTimeShare);
            return new SyntheticRun.Progress(settled, settled, 0, 0, onTime);
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private final List<ScriptedUsers> landmarkSteps = new CopyOnWriteArrayList<>();
    private final List<ScriptedUsers> jpegSteps = new CopyOnWriteArrayList<>();
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    private PreRoll preRoll(int users, IntToDoubleFunction landmarksOnTime, int jpegUsers, double jpegOnTime,
            Duration limit) {
        return new PreRoll(n -> {
            ScriptedUsers step = new ScriptedUsers(n, landmarksOnTime.applyAsDouble(n));
            landmarkSteps.add(step);
            return step;
        }, n -> {
            ScriptedUsers step = new ScriptedUsers(n, jpegOnTime);
            jpegSteps.add(step);
            return step;
        }, users, jpegUsers, limit, new PrintStream(printed, true, StandardCharsets.UTF_8), TICK);
    }

    @Test
    void rampsFromAQuarterOfTheLoadToAllOfItAndEndsWarm() {
        PreRoll.Outcome outcome = preRoll(200, n -> 1.0, 0, 0, LIMIT).run();

        assertThat(landmarkSteps).extracting(s -> s.count).containsExactly(50, 100, 200);
        assertThat(outcome.warm()).isTrue();
        assertThat(outcome.seconds()).as("three steps, each warm after its window")
                .isEqualTo(3L * PreRoll.WINDOW_SECONDS);
        assertThat(outcome.landmarksOnTime()).isEqualTo(1.0);
        assertThat(outcome.jpegOnTime()).isNaN();
        assertThat(landmarkSteps).allSatisfy(step -> {
            assertThat(step.stopped.getCount()).isZero();
            assertThat(step.closed).isTrue();
        });
        assertThat(jpegSteps).isEmpty();
    }

    @Test
    void movesOnFromAStepThatStaysColdAtTheStepsLimit() {
        PreRoll.Outcome outcome = preRoll(200, n -> n == 50 ? 0.5 : 1.0, 0, 0, LIMIT).run();

        assertThat(landmarkSteps).extracting(s -> s.count).containsExactly(50, 100, 200);
        assertThat(outcome.warm()).isTrue();
        assertThat(outcome.seconds()).isEqualTo(PreRoll.STEP_LIMIT_SECONDS + 2L * PreRoll.WINDOW_SECONDS);
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("pre-roll  20 s, 50 of 200 users: 50.0% on time over the last 10 s");
    }

    @Test
    void endsAtItsLimitWhenTheWholeLoadStaysUnderTheBar() {
        PreRoll.Outcome outcome = preRoll(200, n -> n == 200 ? 0.98 : 1.0, 0, 0, Duration.ofSeconds(45)).run();

        assertThat(outcome.warm()).isFalse();
        assertThat(outcome.seconds()).isEqualTo(45);
        assertThat(outcome.landmarksOnTime()).isEqualTo(0.98);
    }

    @Test
    void aLimitSpentBeforeTheWholeLoadEndsItColdWithoutTheStepsItDidNotReach() {
        PreRoll.Outcome outcome = preRoll(200, n -> 0.5, 0, 0, Duration.ofSeconds(15)).run();

        assertThat(landmarkSteps).extracting(s -> s.count).containsExactly(50);
        assertThat(outcome.warm()).isFalse();
        assertThat(outcome.seconds()).isEqualTo(15);
        assertThat(outcome.landmarksOnTime()).isEqualTo(0.5);
    }

    @Test
    void aPartOfTheLoadOnTimeIsNotWarm() {
        PreRoll.Outcome outcome = preRoll(200, n -> n == 200 ? 0.5 : 1.0, 0, 0, Duration.ofSeconds(10)).run();

        assertThat(landmarkSteps).extracting(s -> s.count).containsExactly(50);
        assertThat(outcome.warm()).as("a quarter of the load on time, the limit spent").isFalse();
        assertThat(outcome.landmarksOnTime()).isEqualTo(1.0);
    }

    @Test
    void aLoadTooSmallToRampIsOneStep() {
        PreRoll.Outcome outcome = preRoll(1, n -> 1.0, 0, 0, LIMIT).run();

        assertThat(landmarkSteps).extracting(s -> s.count).containsExactly(1);
        assertThat(outcome.warm()).isTrue();
        assertThat(outcome.seconds()).isEqualTo(PreRoll.WINDOW_SECONDS);
    }

    @Test
    void jpegUsersRampBesideTheLandmarkUsersAndMeetTheirOwnBar() {
        PreRoll.Outcome warm = preRoll(40, n -> 1.0, 3, 0.96, LIMIT).run();

        assertThat(landmarkSteps).extracting(s -> s.count).containsExactly(10, 20, 40);
        assertThat(jpegSteps).extracting(s -> s.count).containsExactly(1, 2, 3);
        assertThat(warm.warm()).as("96 %% of JPEG frames clear their 95 %% bar").isTrue();
        assertThat(warm.jpegOnTime()).isEqualTo(0.96);

        landmarkSteps.clear();
        jpegSteps.clear();
        PreRoll.Outcome cold = preRoll(40, n -> 1.0, 3, 0.9, Duration.ofSeconds(60)).run();
        assertThat(cold.warm()).as("90 %% of JPEG frames do not").isFalse();
        assertThat(cold.seconds()).isEqualTo(60);
    }

    @Test
    void stopEndsItColdFromAnotherThread() throws Exception {
        PreRoll preRoll = new PreRoll(n -> new ScriptedUsers(n, 0), n -> new ScriptedUsers(n, 0), 200, 0, LIMIT,
                new PrintStream(printed, true, StandardCharsets.UTF_8), Duration.ofMillis(50));
        Thread stopper = new Thread(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            preRoll.stop();
        });
        stopper.start();

        PreRoll.Outcome outcome = preRoll.run();
        stopper.join();

        assertThat(outcome.warm()).isFalse();
        assertThat(outcome.seconds()).as("stopped in its first step").isLessThan(PreRoll.STEP_LIMIT_SECONDS);
    }

    @Test
    void aStepWhoseUsersFailFailsThePreRoll() {
        PreRoll preRoll = new PreRoll(n -> new ScriptedUsers(n, 1.0) {
            @Override
            public void run() {
                throw new IllegalStateException("Kafka is not reachable");
            }
        }, n -> null, 200, 0, LIMIT, new PrintStream(printed, true, StandardCharsets.UTF_8), TICK);

        assertThatThrownBy(preRoll::run).isInstanceOf(IllegalStateException.class)
                .hasMessage("Kafka is not reachable");
    }
}
