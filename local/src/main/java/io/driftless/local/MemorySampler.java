package io.driftless.local;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples this process's memory at a fixed interval on a thread of its own: heap, direct buffers, and the resident set from {@code /proc/self/status}, which is the
 * only view that includes ONNX Runtime's native allocations.
 */
final class MemorySampler implements AutoCloseable {

    private static final double MB = 1024 * 1024;

    private final long startNanos = System.nanoTime();
    private final List<MemorySample> samples = new ArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "driftless-memory-sampler");
        thread.setDaemon(true);
        return thread;
    });

    private MemorySampler() {}

    static MemorySampler start(Duration interval) {
        MemorySampler sampler = new MemorySampler();
        sampler.timer.scheduleAtFixedRate(sampler::sample, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return sampler;
    }

    /** What was sampled so far, oldest first. */
    synchronized List<MemorySample> samples() {
        return List.copyOf(samples);
    }

    private void sample() {
        double heapUsed = 0;
        double nonHeap = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                heapUsed += pool.getUsage().getUsed();
            } else {
                nonHeap += pool.getUsage().getUsed();
            }
        }
        double direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(pool -> pool.getName().equals("direct"))
                .mapToLong(BufferPoolMXBean::getMemoryUsed)
                .sum();
        MemorySample sample = new MemorySample((System.nanoTime() - startNanos) / 1e9, heapUsed / MB,
                nonHeap / MB, direct / MB, residentSetBytes() / MB,
                ManagementFactory.getThreadMXBean().getThreadCount());
        synchronized (this) {
            samples.add(sample);
        }
    }

    /** VmRSS from /proc/self/status, or 0 where there is no /proc. */
    private static long residentSetBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
