package io.driftless.bench.load;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts the context switches of this process's threads over a window, from Linux's
 * {@code /proc/self/task/<tid>/status} (voluntary and involuntary together): each time a thread
 * hands a frame to another that sleeps, the sleeper is switched in, so switches per frame count the
 * hand-overs a frame costs and the cores it waited for. A thread that ends inside the window counts
 * up to its last sample; where {@code /proc} is not there, the count is unknown.
 */
final class ContextSwitches {

    private static final Path TASKS = Path.of("/proc/self/task");

    private final Map<String, Long> atStart;
    private final Map<String, Long> latest = new HashMap<>();

    ContextSwitches() {
        atStart = read();
    }

    /** Takes the threads' counts now; threads seen only here started inside the window. */
    synchronized void sample() {
        read().forEach((tid, n) -> latest.merge(tid, n, Math::max));
    }

    /** The switches since this was made, or -1 when the counts cannot be read. */
    synchronized long sinceStart() {
        sample();
        if (latest.isEmpty()) {
            return -1;
        }
        long total = 0;
        for (Map.Entry<String, Long> e : latest.entrySet()) {
            total += e.getValue() - atStart.getOrDefault(e.getKey(), 0L);
        }
        return total;
    }

    private static Map<String, Long> read() {
        Map<String, Long> counts = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (Path task : tasks) {
                long n = switches(task.resolve("status"));
                if (n >= 0) {
                    counts.put(task.getFileName().toString(), n);
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /proc here: the count stays unknown
        }
        return counts;
    }

    /** The thread's voluntary plus involuntary switches, or -1 if it ended before it was read. */
    private static long switches(Path status) {
        try {
            List<String> lines = Files.readAllLines(status);
            long total = 0;
            for (String line : lines) {
                if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
                    total += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            return total;
        } catch (IOException e) {
            return -1;
        }
    }
}
