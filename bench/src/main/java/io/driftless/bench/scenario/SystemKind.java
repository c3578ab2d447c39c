package io.driftless.bench.scenario;

/** The systems a scenario can ask for. */
public enum SystemKind {
    /** Producer, broker, a relaying consumer and producer, broker, consumer: no Flink. */
    KAFKA_FLOOR,
    /** The job's topology with a model that costs nothing. */
    TRANSPORT_FLOOR,
    /** The job as shipped, pose model in-process. */
    PIPELINE,
    /** The job calling the pose model on an inference server, within the client's adaptive in-flight limit. */
    REMOTE_PIPELINE,
    /** The same with the in-flight limit off: only HTTP/2 flow control bounds the frames in flight. */
    UNLIMITED_REMOTE_PIPELINE,
    /** The job as shipped with the Prometheus reporter on and scraped. */
    REPORTED_PIPELINE,
    /** The job jar on a standalone cluster: a JobManager and a TaskManager, each a JVM of its own. */
    CLUSTER_PIPELINE;

    /**
     * Whether the system's hot path runs in a JVM started with it, which a warm-up must bring
     * through JIT compilation as it brings the bench's own JVM the first time.
     */
    public boolean startsItsOwnJvm() {
        return this == CLUSTER_PIPELINE;
    }
}
