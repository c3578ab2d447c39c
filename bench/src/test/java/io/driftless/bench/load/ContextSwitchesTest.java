package io.driftless.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ContextSwitchesTest {

    @Test
    void countsTheHandOversBetweenTwoThreads() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux's /proc");
        ContextSwitches switches = new ContextSwitches();
        SynchronousQueue<Integer> there = new SynchronousQueue<>();
        SynchronousQueue<Integer> back = new SynchronousQueue<>();
        Thread echo = new Thread(() -> {
            try {
                for (int i = 0; i < 1_000; i++) {
                    back.put(there.take());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "echo");
        echo.start();
        for (int i = 0; i < 1_000; i++) {
            there.put(i);
            assertThat(back.poll(10, TimeUnit.SECONDS)).isEqualTo(i);
        }
        echo.join();

        // each of 2,000 hand-overs finds its receiver asleep at least some of the time; the echo
        // thread ended before the count and is counted up to its last sample, which is none here
        assertThat(switches.sinceStart()).isGreaterThanOrEqualTo(500);
    }
}
