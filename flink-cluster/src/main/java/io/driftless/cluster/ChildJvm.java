package io.driftless.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A Java process started by the harness: its output goes to a file, it dies with the JVM that
 * started it (a shutdown hook of its own), and {@link #kill()} is {@code kill -9}.
 */
public final class ChildJvm implements AutoCloseable {

    private static final Duration GRACE = Duration.ofSeconds(15);

    private final String name;
    private final Process process;
    private final Path output;
    private final Thread reaper;

    private ChildJvm(String name, Process process, Path output) {
        this.name = name;
        this.process = process;
        this.output = output;
        this.reaper = new Thread(process::destroyForcibly, "kill-" + name);
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /**
     * Starts {@code java [jvmOptions] -cp classpath mainClass [args]} with {@code environment}
     * added to this JVM's, stdout and stderr to {@code output}.
     */
    public static ChildJvm start(String name, List<String> jvmOptions, String classpath, String mainClass,
            List<String> args, Map<String, String> environment, Path output) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        command.addAll(args);
        try {
            Files.createDirectories(output.getParent());
            Files.writeString(output, String.join(" ", command) + System.lineSeparator(), StandardCharsets.UTF_8);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
            builder.environment().putAll(environment);
            return new ChildJvm(name, builder.start(), output);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name + " (" + mainClass + ")", e);
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The file its stdout and stderr go to. */
    public Path output() {
        return output;
    }

    /** {@code kill -9}: no shutdown hooks, no goodbye to the JobManager. */
    public void kill() {
        process.destroyForcibly();
        awaitExit(GRACE);
    }

    /** Waits for it to exit by itself and returns its exit code. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(name + " still runs after " + timeout + "; its output ends:\n"
                        + tail(output, 40));
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + name, e);
        }
    }

    /** Polls its output until a line matches, failing with the output's tail if it exits or time runs out. */
    public String awaitOutputLine(Predicate<String> line, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (String candidate : readLines(output)) {
                if (line.test(candidate)) {
                    return candidate;
                }
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue()
                        + " before it was ready; its output ends:\n" + tail(output, 40));
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(name + " not ready within " + timeout + "; its output ends:\n"
                        + tail(output, 40));
            }
            pause(200);
        }
    }

    /** Stops it as {@code kill} (SIGTERM) would, then forcibly if it lingers. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(reaper);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
    }

    /** The last {@code lines} lines of a log file, or a note that it is missing. */
    public static String tail(Path file, int lines) {
        List<String> all = readLines(file);
        if (all.isEmpty() && !Files.exists(file)) {
            return "(no file " + file + ")";
        }
        return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    private static List<String> readLines(Path file) {
        Objects.requireNonNull(file, "file");
        try {
            return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.ISO_8859_1) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}
