package io.driftless.bench;

import static io.driftless.source.SettingCheck.require;

import java.time.Duration;
import java.util.List;

/**
 * How big and how long a benchmark run is. {@link #quick()} takes a few minutes on a laptop;
 * {@link #full()} has the sizes the product is judged by.
 *
 * @param mode a name for the report
 * @param fps frames per second of every synthetic user
 * @param profileUsers the user counts of the latency profile, smallest first
 * @param referenceUsers the size the headline latency, the remote comparison and the skew case
 *     use; one of {@code profileUsers}
 * @param warmUp how long each system runs before anything is measured on it (not reported)
 * @param measure how long each measured run sends frames
 * @param searchStep how long each step of the capacity search sends frames
 * @param repeats measured runs per point; the report gives their median and spread
 * @param searchStartUsers where the capacity search starts
 * @param searchMaxUsers the most users the capacity search offers
 * @param searchSteps the most steps the capacity search takes
 * @param computeMeasure how long the bare model runs per batch size
 * @param computeBatch the batch size of the batched compute floor
 * @param scenarios the scenario ids to run, in order
 */
public record BenchPlan(
        String mode,
        int fps,
        List<Integer> profileUsers,
        int referenceUsers,
        Duration warmUp,
        Duration measure,
        Duration searchStep,
        int repeats,
        int searchStartUsers,
        int searchMaxUsers,
        int searchSteps,
        Duration computeMeasure,
        int computeBatch,
        List<String> scenarios) {

    /** Every scenario, in the order that keeps each system started once. */
    public static final List<String> ALL_SCENARIOS =
            List.of("cold-start", "latency-profile", "capacity", "drift", "overload", "session-skew", "remote-inference",
                    "jpeg-streams", "gateway", "metrics-overhead", "cluster-shape");

    public BenchPlan {
        require(fps >= 1 && fps <= 1_000, "fps must be between 1 and 1000, got %d", fps);
        require(profileUsers != null && !profileUsers.isEmpty(), "profileUsers must name at least one size");
        profileUsers = List.copyOf(profileUsers);
        for (int users : profileUsers) {
            require(users >= 1 && users <= 100_000, "profileUsers must be between 1 and 100,000, got %d", users);
        }
        require(profileUsers.contains(referenceUsers),
                "referenceUsers %d must be one of profileUsers %s", referenceUsers, profileUsers);
        positive("warmUp", warmUp);
        positive("measure", measure);
        positive("searchStep", searchStep);
        positive("computeMeasure", computeMeasure);
        require(repeats >= 1 && repeats <= 10, "repeats must be between 1 and 10, got %d", repeats);
        require(searchStartUsers >= 1 && searchStartUsers <= searchMaxUsers,
                "searchStartUsers must be between 1 and searchMaxUsers (%d), got %d", searchMaxUsers, searchStartUsers);
        require(searchSteps >= 1, "searchSteps must be at least 1, got %d", searchSteps);
        require(computeBatch >= 1, "computeBatch must be at least 1, got %d", computeBatch);
        scenarios = List.copyOf(scenarios);
        for (String id : scenarios) {
            require(ALL_SCENARIOS.contains(id), "unknown scenario '%s': choose from %s", id, ALL_SCENARIOS);
        }
    }

    /** A few minutes: smaller sizes, one run per point. */
    public static BenchPlan quick() {
        return new BenchPlan("quick", 30, List.of(50, 200, 500), 200, Duration.ofSeconds(20),
                Duration.ofSeconds(10), Duration.ofSeconds(8), 1, 100, 3_000, 8,
                Duration.ofSeconds(3), 64, ALL_SCENARIOS);
    }

    /**
     * The product's sizes, three runs per point, in about 20 minutes on two cores: runs of 10 s
     * (300,000 frames at 1,000 users) keep the whole plan short enough to run on every change
     * that matters; the capacity search starts at 100 users, about a two-core machine's capacity.
     */
    public static BenchPlan full() {
        return new BenchPlan("full", 30, List.of(200, 1_000, 3_000), 1_000, Duration.ofSeconds(30),
                Duration.ofSeconds(10), Duration.ofSeconds(10), 3, 100, 10_000, 9,
                Duration.ofSeconds(5), 64, ALL_SCENARIOS);
    }

    /** This plan with only {@code ids} run, in the suite's order. */
    public BenchPlan withScenarios(List<String> ids) {
        return new BenchPlan(mode, fps, profileUsers, referenceUsers, warmUp, measure, searchStep, repeats,
                searchStartUsers, searchMaxUsers, searchSteps, computeMeasure, computeBatch, ids);
    }

    public boolean runs(String scenario) {
        return scenarios.contains(scenario);
    }

    private static void positive(String field, Duration d) {
        require(d != null && !d.isNegative() && !d.isZero(), "%s must be positive, got %s", field, d);
    }
}
