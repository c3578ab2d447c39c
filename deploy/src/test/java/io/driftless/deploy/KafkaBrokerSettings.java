package io.driftless.deploy;

import java.util.Locale;
import java.util.Set;
import org.apache.kafka.server.config.AbstractKafkaConfig;

/** The broker settings Kafka knows, and how the apache/kafka image names them in its environment. */
final class KafkaBrokerSettings {

    /** KAFKA_* variables the image's scripts read for the JVM and tooling, not broker settings. */
    private static final Set<String> SCRIPT_VARIABLES = Set.of(
            "KAFKA_HEAP_OPTS", "KAFKA_OPTS", "KAFKA_JMX_OPTS", "KAFKA_JVM_PERFORMANCE_OPTS",
            "KAFKA_GC_LOG_OPTS", "KAFKA_LOG4J_OPTS", "KAFKA_LOG4J_ROOT_LOGLEVEL", "KAFKA_LOG4J_LOGGERS",
            "KAFKA_TOOLS_LOG4J_LOGLEVEL", "KAFKA_DEBUG", "KAFKA_VERSION");

    private KafkaBrokerSettings() {}

    static boolean isBrokerSetting(String variable) {
        return variable.startsWith("KAFKA_") && !SCRIPT_VARIABLES.contains(variable);
    }

    /**
     * The broker property an environment variable sets, by the image's rule: prefix dropped,
     * lower case, {@code ___} to {@code -}, {@code __} to {@code _}, {@code _} to {@code .}.
     */
    static String propertyOf(String variable) {
        return variable.substring("KAFKA_".length()).toLowerCase(Locale.ROOT)
                .replace("___", "-")
                .replace("__", "\u0000")
                .replace('_', '.')
                .replace('\u0000', '_');
    }

    static boolean knows(String property) {
        return AbstractKafkaConfig.CONFIG_DEF.names().contains(property);
    }
}
