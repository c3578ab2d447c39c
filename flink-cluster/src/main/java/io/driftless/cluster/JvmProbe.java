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

    /** A full garbage collection ({@code jcmd PID GC.run}), so that what is unreachable goes. */
    public void fullGc() {
        jcmd("GC.run");
    }

    /** Live instances of {@code className} ({@code GC.class_histogram}, itself after a full GC). */
    public long instancesOf(String className) {
        for (String row : jcmd("GC.class_histogram").split("\n")) {
            String[] cells = row.trim().split("\\s+");
            if (cells.length >= 4 && cells[3].equals(className)) {
                return Long.parseLong(cells[1]);
            }
        }
        return 0;
    }

    /** Metaspace in use, in bytes ({@code GC.heap_info}). */
    public long metaspaceUsedBytes() {
        Matcher used = METASPACE_USED.matcher(jcmd("GC.heap_info"));
        if (!used.find()) {
            throw new IllegalStateException("no 'Metaspace used' in jcmd " + pid + " GC.heap_info");
        }
        return Long.parseLong(used.group(1)) * 1024;
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
