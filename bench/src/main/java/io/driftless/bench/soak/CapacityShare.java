package io.driftless.bench.soak;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A load set as a share of the capacity the benchmark measured on this machine, read from the
 * {@code capacity} object of its report.json ({@code bin/driftless-bench --scenarios capacity}).
 * The capacity is a rate of frames, so the share holds at whatever frame rate the users send:
 * users = round(share × capacity frames/s ÷ fps).
 *
 * <p>A capacity search that did not bracket its answer reports a lower bound. A share of it is
 * still taken: the load is then at most that share of the true capacity, which keeps a soak
 * below overload, its point; the description and memory.json say so.
 *
 * @param report the report.json it came from
 * @param capacityUsers the most users the benchmark served within its targets
 * @param capacityFps the frame rate of the benchmark's users
 * @param capacityFramesPerS the capacity as a rate of frames
 * @param lowerBound whether the capacity is only a lower bound
 * @param share the share of the capacity to offer, in (0, 1]
 */
record CapacityShare(
        Path report, int capacityUsers, int capacityFps, double capacityFramesPerS, boolean lowerBound,
        double share) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HOW_TO_MEASURE = "run bin/driftless-bench --scenarios capacity on this machine"
            + " (it writes bench/target/report-quick/report.json)";

    CapacityShare {
        checkShare(share);
    }

    private static void checkShare(double share) {
        if (!(share > 0 && share <= 1)) {
            throw new IllegalArgumentException("--capacity-share must be above 0 and at most 1, got " + share);
        }
    }

    /** Reads the measured capacity of a benchmark report; every problem is an error that says what to do. */
    static CapacityShare read(Path report, double share) {
        checkShare(share);
        if (!Files.isRegularFile(report)) {
            throw new IllegalArgumentException("--load-from-capacity: there is no file " + report + "; "
                    + HOW_TO_MEASURE);
        }
        JsonNode root;
        try {
            root = JSON.readTree(report.toFile());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("--load-from-capacity: " + report + " is not a benchmark report.json ("
                    + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new IllegalArgumentException("--load-from-capacity: cannot read " + report + " (" + e.getMessage()
                    + ")");
        }
        JsonNode capacity = root == null ? null : root.get("capacity");
        if (capacity == null || capacity.isNull()) {
            throw new IllegalArgumentException("--load-from-capacity: " + report + " holds no measured capacity"
                    + " (its run left out the capacity scenario, or predates the capacity object); "
                    + HOW_TO_MEASURE);
        }
        int users = whole(capacity, "users", 0, report);
        int fps = whole(capacity, "fps", 1, report);
        if (users == 0) {
            throw new IllegalArgumentException("--load-from-capacity: the benchmark in " + report + " found no load"
                    + " it tried that met its targets (p99 under the deadline, 99.9% on time), so there is no capacity"
                    + " to take a share of; run the benchmark again on a quieter machine, or give --users");
        }
        JsonNode bracketed = capacity.get("bracketed");
        if (bracketed == null || !bracketed.isBoolean()) {
            throw new IllegalArgumentException("--load-from-capacity: " + report + " has no capacity.bracketed"
                    + " true or false; " + HOW_TO_MEASURE);
        }
        return new CapacityShare(report, users, fps, (double) users * fps, !bracketed.booleanValue(), share);
    }

    private static int whole(JsonNode capacity, String field, int least, Path report) {
        JsonNode value = capacity.get(field);
        if (value == null || !value.canConvertToInt() || !value.isIntegralNumber() || value.intValue() < least) {
            throw new IllegalArgumentException("--load-from-capacity: " + report + " has no capacity." + field
                    + " as a whole number of at least " + least + " (found " + value + "); " + HOW_TO_MEASURE);
        }
        return value.intValue();
    }

    /** The users that offer the share at {@code fps} frames per second each: at least one. */
    int users(int fps) {
        if (fps < 1) {
            throw new IllegalArgumentException("--fps must be at least 1, got " + fps);
        }
        long users = Math.round(share * capacityFramesPerS / fps);
        if (users < 1) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%.0f%% of the measured capacity of %,.0f"
                    + " frames/s is less than one user at %d fps; raise --capacity-share or lower --fps",
                    100 * share, capacityFramesPerS, fps));
        }
        return (int) Math.min(Integer.MAX_VALUE, users);
    }

    /** One line for the start of a run: the derived load and where it came from. */
    String describe(int fps) {
        int users = users(fps);
        return String.format(Locale.ROOT, "%.0f%% of the capacity measured in %s, %,.0f frames/s (%d users × %d"
                        + " fps)%s: %d users at %d fps, %,d frames/s", 100 * share, report, capacityFramesPerS,
                capacityUsers, capacityFps,
                lowerBound ? ", a lower bound (the capacity search did not bracket it), so at most that share of"
                        + " the true capacity" : "",
                users, fps, (long) users * fps);
    }

    /** The derivation, as memory.json records it. */
    void writeTo(ObjectNode node) {
        node.put("report", report.toString());
        node.put("capacity_users", capacityUsers);
        node.put("capacity_fps", capacityFps);
        node.put("capacity_frames_per_s", capacityFramesPerS);
        node.put("capacity_is_lower_bound", lowerBound);
        node.put("share", share);
    }
}
