package io.driftless.job.kafka;

import java.util.List;

/**
 * Kafka client classes that a producer's or consumer's network thread loads only while it closes.
 * On cancel Flink closes the job's classloader first, so that lazy load failed with an ERROR
 * ({@code NoClassDefFoundError: org/apache/kafka/common/network/Selector$CloseMode}) on every
 * cancellation, a harmless one that users read as a failure. The job's Kafka schemas load them in
 * their {@code open}, in each TaskManager, while the classloader is still open.
 */
final class KafkaClientClasses {

    /** Loaded by {@code Selector#close} and nowhere before it. */
    static final List<String> LOADED_ON_CLOSE = List.of("org.apache.kafka.common.network.Selector$CloseMode");

    private KafkaClientClasses() {}

    static void preload() {
        for (String name : LOADED_ON_CLOSE) {
            try {
                Class.forName(name, true, KafkaClientClasses.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(name + " is gone from the Kafka clients: check what Selector#close"
                        + " loads now and update " + KafkaClientClasses.class.getName(), e);
            }
        }
    }
}
