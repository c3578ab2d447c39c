package io.driftless.bench.load;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Measures how much CPU the load generator takes from the machine it loads: the thread CPU time
 * of its threads (the senders, the answer consumers and their Kafka clients' network threads)
 * over the CPU time of the whole process, both over the same window.
 *
 * <p>Threads are sampled every {@value #SAMPLE_MS} ms while the window is open, because a
 * thread's CPU time is gone once it ends: a generator thread's last sample interval before it
 * ends is missed, so the share is slightly low.
 */
final class GeneratorCpu implements AutoCloseable {

    static final long SAMPLE_MS = 250;
    /** Every generator thread's name contains this (the client ids of frame-source runs do). */
    private static final String GENERATOR_MARK = "driftless-source";

    /**
     * Generator CPU over the window, and the process's; and the process's context switches (-1
     * when unknown).
     */
    record Share(double generatorCpuS, double processCpuS, double wallS, long contextSwitches) {
        double share() {
            return processCpuS > 0 ? generatorCpuS / processCpuS : Double.NaN;
        }
    }

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final Set<Long> senderThreads = ConcurrentHashMap.newKeySet();
    private final Map<Long, Long> atStart = new HashMap<>();
    private final Map<Long, Long> latest = new ConcurrentHashMap<>();
    private final ContextSwitches switches = new ContextSwitches();
    private final long processStartNanos;
    private final long wallStartNanos;
    private final Thread sampler;
    private volatile boolean closed;

    private GeneratorCpu() {
        threads.setThreadCpuTimeEnabled(true);
        for (long id : threads.getAllThreadIds()) {
            atStart.put(id, Math.max(0, threads.getThreadCpuTime(id)));
        }
        processStartNanos = os.getProcessCpuTime();
        wallStartNanos = System.nanoTime();
        sampler = new Thread(this::sampleUntilClosed, "bench-cpu-sampler");
        sampler.setDaemon(true);
    }

    static GeneratorCpu open() {
        GeneratorCpu cpu = new GeneratorCpu();
        cpu.sampler.start();
        return cpu;
    }

    /** Counts {@code thread} (a sender that is not named as a generator thread) as the generator's. */
    void countSender(Thread thread) {
        senderThreads.add(thread.getId());
    }

    private void sampleUntilClosed() {
        while (!closed) {
            sample();
            try {
                Thread.sleep(SAMPLE_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void sample() {
        switches.sample();
        long[] ids = threads.getAllThreadIds();
        ThreadInfo[] infos = threads.getThreadInfo(ids);
        for (int i = 0; i < ids.length; i++) {
            ThreadInfo info = infos[i];
            if (info != null && (senderThreads.contains(ids[i]) || info.getThreadName().contains(GENERATOR_MARK))) {
                long cpu = threads.getThreadCpuTime(ids[i]);
                if (cpu >= 0) {
                    latest.merge(ids[i], cpu, Math::max);
                }
            }
        }
    }

    /** Closes the window and returns what was used in it. */
    Share stop() {
        sample();
        closed = true;
        sampler.interrupt();
        long processNanos = os.getProcessCpuTime() - processStartNanos;
        long wallNanos = System.nanoTime() - wallStartNanos;
        long generatorNanos = 0;
        for (Map.Entry<Long, Long> e : latest.entrySet()) {
            generatorNanos += e.getValue() - atStart.getOrDefault(e.getKey(), 0L);
        }
        return new Share(generatorNanos / 1e9, processNanos / 1e9, wallNanos / 1e9, switches.sinceStart());
    }

    @Override
    public void close() {
        closed = true;
        sampler.interrupt();
    }
}
