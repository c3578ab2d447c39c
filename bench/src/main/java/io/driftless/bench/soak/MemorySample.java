package io.driftless.bench.soak;

import java.util.Locale;

/**
 * The process's memory at one instant, in MiB.
 *
 * @param directMb NIO direct buffers (Kafka, Netty)
 * @param rssMb resident set of the whole process, ONNX Runtime's native allocations included
 * @param jvmCommittedMb what the JVM itself has committed (heap, metaspace, code, threads, its own
 *     mallocs) by Native Memory Tracking; NaN when the JVM runs without
 *     {@code -XX:NativeMemoryTracking=summary}. The resident set beyond it is mostly native
 *     libraries' memory: ONNX Runtime's.
 */
public record MemorySample(double elapsedS, double heapUsedMb, double nonHeapMb,
        double directMb, double rssMb, double jvmCommittedMb, int threads) {

    static final String CSV_HEADER = "elapsed_s,heap_used_mb,non_heap_mb,direct_mb,rss_mb,jvm_committed_mb,threads";

    String csv() {
        return String.format(Locale.ROOT, "%.1f,%.1f,%.1f,%.1f,%.1f,%s,%d",
                elapsedS, heapUsedMb, nonHeapMb, directMb, rssMb,
                Double.isNaN(jvmCommittedMb) ? "" : String.format(Locale.ROOT, "%.1f", jvmCommittedMb), threads);
    }
}
