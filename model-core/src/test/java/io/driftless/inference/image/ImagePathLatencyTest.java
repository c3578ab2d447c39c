package io.driftless.inference.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftless.inference.Inference;
import io.driftless.inference.InferenceStatus;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ImagePathLatencyTest {

    private final AtomicLong now = new AtomicLong(0);
    /** Two image threads, 10 ms assumed before the first frame. */
    private final ImagePathLatency path = new ImagePathLatency(2, 10_000, now::get);

    private void serve(long... serviceMicros) {
        for (long micros : serviceMicros) {
            now.addAndGet(1_000);
            path.enter(() -> true);
            path.left(served(), worked(micros));
        }
    }

    /** Answered 50 ms after it entered: the estimate counts the frame's work, not its waits. */
    private static Inference<String> served() {
        return Inference.ok("answer", 1_000_000, 1_050_000, 1);
    }

    private static WorkTime worked(long micros) {
        WorkTime work = new WorkTime();
        work.add(micros / 2);
        work.add(micros - micros / 2);
        return work;
    }

    @Test
    void aFrameTheImageThreadsRefuseIsNotCounted() {
        assertThat(path.enter(() -> false)).isFalse();

        assertThat(path.inPath()).isZero();
        assertThat(path.expectedMicros()).isEqualTo(10_000);
    }

    @Test
    void startsFromThePrior() {
        assertThat(path.expectedMicros()).isEqualTo(10_000);
    }

    @Test
    void anEmptyPathExpectsTheMedianWorkNotTheSlowestFrames() {
        serve(4_000, 5_000, 6_000, 30_000, 40_000);

        assertThat(path.inPath()).isZero();
        assertThat(path.expectedMicros()).isEqualTo(6_000);
    }

    @Test
    void addsTheFramesAheadSpreadOverTheThreadsAndForgetsThemAsTheyLeave() {
        serve(8_000);
        for (int i = 0; i < 4; i++) {
            assertThat(path.enter(() -> true)).isTrue();
        }
        assertThat(path.expectedMicros()).as("own 8 ms, then 4 frames of 8 ms on 2 threads").isEqualTo(24_000);

        path.left(Inference.notRun(InferenceStatus.EXPIRED, "deadline passed"), worked(1_000));
        path.left(Inference.notRun(InferenceStatus.OVERLOADED, "image queue full"), worked(1_000));
        assertThat(path.expectedMicros()).isEqualTo(16_000);

        path.left(served(), worked(8_000));
        path.left(served(), worked(8_000));
        assertThat(path.inPath()).isZero();
        assertThat(path.expectedMicros()).as("the backlog cleared: the estimate with it").isEqualTo(8_000);
    }
}
