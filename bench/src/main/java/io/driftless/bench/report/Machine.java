package io.driftless.bench.report;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * What the figures were measured on: cores, memory, JVM, OS, and how loaded the machine was
 * (its one-minute load average, which counts other people's work too).
 */
public record Machine(
        int cores,
        long memoryBytes,
        long maxHeapBytes,
        String jvm,
        List<String> garbageCollectors,
        String os,
        double loadAverageAtStart,
        double loadAverageAtEnd) {

    /** The machine now; the load average at the end is filled in by {@link #ended()}. */
    public static Machine now() {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        return new Machine(
                Runtime.getRuntime().availableProcessors(),
                os.getTotalMemorySize(),
                Runtime.getRuntime().maxMemory(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName).toList(),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"),
                os.getSystemLoadAverage(),
                Double.NaN);
    }

    public Machine ended() {
        return new Machine(cores, memoryBytes, maxHeapBytes, jvm, garbageCollectors, os, loadAverageAtStart,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
}
