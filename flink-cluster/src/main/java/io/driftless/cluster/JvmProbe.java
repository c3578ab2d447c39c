package io.driftless.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a JVM of the cluster holds, read from outside as an operator would: {@code jcmd} for
 * garbage collection, class histograms and metaspace, {@code /proc} for CPU time and mapped
 * native libraries. Linux only.
 */
public final class JvmProbe {

    private static final Pattern METASPACE_USED = Pattern.compile("Metaspace\\s+used\\s+(\\d+)K");
    /** USER_HZ: the unit of utime and stime in /proc/PID/stat on Linux. */
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    private final long pid;

    public JvmProbe(long pid) {
        this.pid = pid;
    }

    /** {@code jcmd PID COMMAND…}; its output. */
    public String jcmd(String... command) {
        List<String> line = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), String.valueOf(pid)));
        line.addAll(List.of(command));
        try {
            Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", line) + " failed: "
                        + new String(output, StandardCharsets.UTF_8));
            }
            return new String(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running jcmd", e);
        }
    }

    /**
     * What the JVM holds once everything unreachable is gone: a full garbage collection, the
     * finalizers it made due (an object waiting for finalization keeps what it references, a
     * job's classloader among them, through the next collection), a class histogram (itself after
     * a full collection), one more full collection, which frees the metaspace of the classloaders
     * the ones before unloaded, and the heap info. All in one {@code jcmd PID -f FILE}: each jcmd
     * is a JVM start, about a second on a busy machine.
     */
    public AfterFullGc afterFullGc() {
        try {
            Path commands = Files.createTempFile("jcmd-", ".txt");
            try {
                Files.write(commands, List.of("GC.run", "GC.run_finalization", "GC.class_histogram", "GC.run",
                        "GC.heap_info"));
                return new AfterFullGc(jcmd("-f", commands.toString()));
            } finally {
                Files.delete(commands);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What {@link #afterFullGc()} printed: a class histogram and the heap info. */
    public record AfterFullGc(String output) {

        /** Live instances of {@code className}, from the class histogram. */
        public long instancesOf(String className) {
            for (String row : output.split("\n")) {
                String[] cells = row.trim().split("\\s+");
                if (cells.length >= 4 && cells[3].equals(className)) {
                    return Long.parseLong(cells[1]);
                }
            }
            return 0;
        }

        /** Metaspace in use, in bytes, from the heap info. */
        public long metaspaceUsedBytes() {
            Matcher used = METASPACE_USED.matcher(output);
            if (!used.find()) {
                throw new IllegalStateException("no 'Metaspace used' in the heap info:\n" + output);
            }
            return Long.parseLong(used.group(1)) * 1024;
        }
    }

    /** Distinct files mapped into the process whose path contains {@code name} ({@code /proc/PID/maps}). */
    public long mappedFiles(String name) {
        try (Stream<String> maps = Files.lines(Path.of("/proc", String.valueOf(pid), "maps"))) {
            return maps.map(l -> l.split("\\s+", 6))
                    .filter(cells -> cells.length == 6 && cells[5].contains(name))
                    .map(cells -> cells[5])
                    .distinct()
                    .count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** CPU time the process has used, user plus system, in microseconds ({@code /proc/PID/stat}). */
    public long cpuMicros() {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            // the command name may hold spaces: fields count from the last ')'
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            return ticks * 1_000_000 / CLOCK_TICKS_PER_SECOND;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Files under {@code dir}, at any depth, whose name contains {@code name}. */
    public static long filesNamed(Path dir, String name) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.getFileName().toString().contains(name)).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
