package io.driftless.cluster.testutils;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Fresh topics and a fresh consumer group for one run of the job, and the job's arguments that
 * name them. The job creates the topics itself before it starts (two partitions each).
 */
public record JobTopics(String frames, String coordinates, String annotated, String dropped, String group) {

    public static JobTopics fresh() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        return new JobTopics("frames-" + run, "coordinates-" + run, "annotated-" + run, "dropped-" + run, "job-" + run);
    }

    /** The job's command line for these topics on {@code bootstrapServers}, then {@code more}. */
    public List<String> jobArgs(String bootstrapServers, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "--bootstrap-servers", bootstrapServers,
                "--frames-topic", frames,
                "--coordinates-topic-pattern", coordinates,
                "--annotated-topic-pattern", annotated,
                "--dropped-topic", dropped,
                "--group-id", group,
                "--topic-partitions", "2"));
        args.addAll(List.of(more));
        return args;
    }
}
