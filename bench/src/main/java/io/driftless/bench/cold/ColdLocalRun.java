package io.driftless.bench.cold;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftless.bench.system.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code bin/driftless-local} in a JVM of its own, started cold and given no warm-up (nor
 * pre-roll, unless the options ask for one): what a user's first run sees, second by second. The
 * run has its own broker, Flink and users on free ports, and neither web gateway nor metrics
 * endpoint.
 */
public final class ColdLocalRun {

    /** What bin/driftless-local starts its JVM with. */
    private static final List<String> JVM_OPTIONS =
            List.of("-Xms1g", "-Xmx3g", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=10");
    /** Starting Kafka and the job (a cluster's JVMs too), a pre-roll when asked for, draining and shutting down. */
    private static final Duration START_AND_STOP = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Frames sent and answered on time per second of one kind of user; index 0 is the first second. */
    public record Seconds(long[] sent, long[] onTime) {

        /** On-time share of the frames captured from second {@code from} (0-based) up to {@code to}, exclusive. */
        public double onTimeRatio(int from, int to) {
            long frames = 0;
            long answered = 0;
            for (int s = Math.max(0, from); s < Math.min(to, sent.length); s++) {
                frames += sent[s];
                answered += onTime[s];
            }
            return frames == 0 ? Double.NaN : (double) answered / frames;
        }

        public int length() {
            return sent.length;
        }

        public long frames() {
            long frames = 0;
            for (long n : sent) {
                frames += n;
            }
            return frames;
        }

        static Seconds of(JsonNode summary) {
            JsonNode sent = summary.get("sent_by_second");
            JsonNode onTime = summary.get("on_time_by_second");
            if (sent == null || onTime == null || sent.size() != onTime.size()) {
                throw new IllegalStateException("the run's summary has no per-second books: " + summary);
            }
            long[] s = new long[sent.size()];
            long[] o = new long[sent.size()];
            for (int i = 0; i < s.length; i++) {
                s[i] = sent.get(i).asLong();
                o[i] = onTime.get(i).asLong();
            }
            return new Seconds(s, o);
        }
    }

    /**
     * The landmark users' seconds, the JPEG users' (null when there were none), how long the
     * pre-roll before them streamed (-1 when the run had none) and whether it ended warm.
     */
    public record Result(Seconds landmarks, Seconds jpeg, long preRollSeconds, boolean preRollWarm) {}

    private ColdLocalRun() {}

    /**
     * Runs {@code LocalDriftless} with {@code options} (users, shape) for {@code duration} in a
     * fresh JVM with this JVM's class path, its output in {@code log}.
     *
     * @throws IllegalStateException when the run fails or does not end in time; the log says why
     */
    public static Result run(List<String> options, Duration duration, Path log) throws IOException, InterruptedException {
        Path summary = Files.createTempFile("driftless-cold-", ".json");
        try {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(JVM_OPTIONS);
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add("io.driftless.local.LocalDriftless");
            if (!options.contains("--pre-roll")) {
                command.addAll(List.of("--pre-roll", "0s"));
            }
            command.addAll(List.of("--duration", duration.toSeconds() + "s", "--warm-up-run", "0s",
                    "--kafka-port", Integer.toString(FreePorts.pick()), "--web-port", Integer.toString(FreePorts.pick()),
                    "--prometheus-port", "0", "--gateway-port", "0", "--summary-json", summary.toString()));
            command.addAll(options);
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            try {
                if (!process.waitFor(duration.plus(START_AND_STOP).toSeconds(), TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the cold run did not end within "
                            + duration.plus(START_AND_STOP).toSeconds() + " s; its log: " + log);
                }
                if (process.exitValue() != 0) {
                    throw new IllegalStateException("the cold run exited with " + process.exitValue() + "; its log: "
                            + log);
                }
            } finally {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
            return resultOf(Files.readString(summary));
        } finally {
            Files.deleteIfExists(summary);
        }
    }

    /** The books of a summary that {@code --summary-json} wrote. */
    public static Result resultOf(String summaryJson) throws IOException {
        JsonNode root = JSON.readTree(summaryJson);
        JsonNode jpeg = root.get("jpeg_users");
        JsonNode preRoll = root.get("pre_roll");
        return new Result(Seconds.of(root), jpeg == null ? null : Seconds.of(jpeg),
                preRoll == null ? -1 : preRoll.path("seconds").asLong(),
                preRoll != null && preRoll.path("warm").asBoolean());
    }

}
