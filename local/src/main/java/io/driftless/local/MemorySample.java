package io.driftless.local;

import java.util.Locale;

/**
 * The process's memory at one instant, in MiB.
 *
 * @param directMb NIO direct buffers (Kafka, Netty)
 * @param rssMb resident set of the whole process, ONNX Runtime's native allocations included
 */
public record MemorySample(double elapsedS, double heapUsedMb, double nonHeapMb,
        double directMb, double rssMb, int threads) {

    static final String CSV_HEADER = "elapsed_s,heap_used_mb,non_heap_mb,direct_mb,rss_mb,threads";

    String csv() {
        return String.format(Locale.ROOT, "%.1f,%.1f,%.1f,%.1f,%.1f,%d",
                elapsedS, heapUsedMb, nonHeapMb, directMb, rssMb, threads);
    }
}
