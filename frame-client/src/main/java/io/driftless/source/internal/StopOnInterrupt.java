package io.driftless.source.internal;

import io.driftless.source.KafkaLink;
import io.driftless.source.ReportSettings;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C during a run: stops the run, then holds the JVM's shutdown for up to a grace period
 * so the run can drain its answers and print its summary. Closing it says the summary is out.
 */
public final class StopOnInterrupt implements AutoCloseable {

    /** Covers flushing, closing the clients and printing, after the drain. */
    private static final Duration SHUTDOWN_SLACK = Duration.ofSeconds(5);

    private final CountDownLatch printed = new CountDownLatch(1);
    private final Thread hook;

    private StopOnInterrupt(Runnable stop, Duration grace) {
        this.hook = new Thread(() -> {
            stop.run();
            try {
                printed.await(grace.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "driftless-source-shutdown");
    }

    /**
     * Installs the shutdown hook of a run that talks over {@code link} and reports as {@code
     * report}; close it once the run's summary is printed.
     */
    public static StopOnInterrupt install(Runnable stop, KafkaLink link, ReportSettings report) {
        // A stop can find the run still waiting for its consumer (two connect timeouts); the
        // drain and the summary come after that.
        Duration grace = link.connectTimeout().multipliedBy(2).plus(report.drainTimeout())
                .plus(SHUTDOWN_SLACK);
        StopOnInterrupt handler = new StopOnInterrupt(stop, grace);
        Runtime.getRuntime().addShutdownHook(handler.hook);
        return handler;
    }

    @Override
    public void close() {
        printed.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shutdownInProgress) {
            // The hook is running: it returns once the summary is printed.
        }
    }
}
