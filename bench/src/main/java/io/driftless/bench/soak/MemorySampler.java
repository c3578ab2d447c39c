package io.driftless.bench.soak;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * Samples this process's memory at a fixed interval on a thread of its own: heap, direct
 * buffers, the JVM's own committed memory where Native Memory Tracking is on, and the resident
 * set from {@code /proc/self/status}, which is the only view that includes ONNX Runtime's native
 * allocations. At a longer interval, optionally, a {@link HeapCensus} of the live heap.
 */
final class MemorySampler implements AutoCloseable {

    private static final double MB = 1024 * 1024;

    private final long startNanos = System.nanoTime();
    private static final Pattern NMT_TOTAL = Pattern.compile("Total: reserved=\\d+KB, committed=(\\d+)KB");

    private final List<MemorySample> samples = new ArrayList<>();
    private final List<HeapCensus> censuses = new ArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "driftless-memory-sampler");
        thread.setDaemon(true);
        return thread;
    });

    private final Path censusDirectory;
    private final List<Path> censusFiles = new ArrayList<>();

    private MemorySampler(Path censusDirectory) {
        this.censusDirectory = censusDirectory;
    }

    /**
     * Samples every {@code interval}, and takes a census of the live heap every
     * {@code censusInterval} (each a full collection: a pause) unless that is zero. Each census's
     * class histogram goes to a file in {@code censusDirectory} and only its total stays in
     * memory, so that the censuses do not themselves grow the heap they measure.
     */
    static MemorySampler start(Duration interval, Duration censusInterval, Path censusDirectory) {
        MemorySampler sampler = new MemorySampler(censusDirectory);
        sampler.timer.scheduleAtFixedRate(sampler::sample, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        if (!censusInterval.isZero()) {
            sampler.timer.scheduleAtFixedRate(sampler::censusOrLog, censusInterval.toMillis(),
                    censusInterval.toMillis(), TimeUnit.MILLISECONDS);
        }
        return sampler;
    }

    /** What was sampled so far, oldest first. */
    synchronized List<MemorySample> samples() {
        return List.copyOf(samples);
    }

    /**
     * The censuses taken so far, oldest first, each with its total; the first after
     * {@code warmUp} and the last also with their class counts, read back from their files.
     */
    synchronized List<HeapCensus> censuses(Duration warmUp) throws IOException {
        List<HeapCensus> all = new ArrayList<>(censuses);
        int baseline = -1;
        for (int i = 0; i < all.size() && baseline < 0; i++) {
            baseline = all.get(i).elapsedS() >= warmUp.toSeconds() ? i : -1;
        }
        if (baseline >= 0) {
            for (int i : new int[] {baseline, all.size() - 1}) {
                all.set(i, HeapCensus.parse(all.get(i).elapsedS(), Files.readString(censusFiles.get(i))));
            }
        }
        return all;
    }

    /** Takes a census now, on the caller's thread. */
    void census() throws IOException {
        double elapsedS = (System.nanoTime() - startNanos) / 1e9;
        String histogram = HeapCensus.histogram();
        Files.createDirectories(censusDirectory);
        HeapCensus census = HeapCensus.parse(elapsedS, histogram).withoutClasses();
        synchronized (this) {
            Path file = censusDirectory.resolve(String.format(Locale.ROOT, "heap-census-%03d-at-%.0fs.txt",
                    censuses.size() + 1, elapsedS));
            Files.writeString(file, histogram, StandardCharsets.UTF_8);
            censuses.add(census);
            censusFiles.add(file);
        }
    }

    private void censusOrLog() {
        try {
            census();
        } catch (IOException | RuntimeException e) {
            // a failed census must not stop the sampling, whose timer would die with it
            System.err.println("driftless-bench soak: heap census failed: " + e.getMessage());
        }
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
                nonHeap / MB, direct / MB, residentSetBytes() / MB, jvmCommittedMb(),
                ManagementFactory.getThreadMXBean().getThreadCount());
        synchronized (this) {
            samples.add(sample);
        }
    }

    /** Native Memory Tracking's committed total, or NaN where it is off. */
    private static double jvmCommittedMb() {
        try {
            String summary = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
                    new Object[] {new String[] {"summary"}}, new String[] {String[].class.getName()});
            Matcher total = NMT_TOTAL.matcher(summary);
            return total.find() ? Long.parseLong(total.group(1)) / 1024.0 : Double.NaN;
        } catch (JMException e) {
            return Double.NaN;
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
