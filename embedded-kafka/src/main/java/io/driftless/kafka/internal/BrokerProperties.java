package io.driftless.kafka.internal;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.internals.BrokerSecurityConfigs;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.coordinator.group.GroupCoordinatorConfig;
import org.apache.kafka.coordinator.share.ShareCoordinatorConfig;
import org.apache.kafka.coordinator.transaction.TransactionLogConfig;
import org.apache.kafka.network.SocketServerConfigs;
import org.apache.kafka.raft.MetadataLogConfig;
import org.apache.kafka.raft.QuorumConfig;
import org.apache.kafka.server.config.KRaftConfigs;
import org.apache.kafka.server.config.ReplicationConfigs;
import org.apache.kafka.server.config.ServerConfigs;
import org.apache.kafka.server.config.ServerLogConfigs;
import org.apache.kafka.storage.internals.log.CleanerConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The broker configuration of a single-node combined-mode KRaft cluster on the loopback address. */
public final class BrokerProperties {

    public static final String HOST = "127.0.0.1";
    public static final String BROKER_LISTENER = "BROKER";
    public static final String CONTROLLER_LISTENER = "CONTROLLER";
    public static final int NODE_ID = 1;

    /**
     * Keys derived from the builder, each with the builder method to use instead. The identity,
     * quorum, listeners and storage have to agree with each other and with the formatted data.
     */
    private static final Map<String, String> RESERVED = Map.ofEntries(
            Map.entry(KRaftConfigs.PROCESS_ROLES_CONFIG, "none: the broker always runs as broker and controller"),
            Map.entry(KRaftConfigs.NODE_ID_CONFIG, "none: the single node always has id " + NODE_ID),
            Map.entry(ServerConfigs.BROKER_ID_CONFIG, "none: the single node always has id " + NODE_ID),
            Map.entry(KRaftConfigs.CONTROLLER_LISTENER_NAMES_CONFIG, "controllerPort(int)"),
            Map.entry(QuorumConfig.QUORUM_VOTERS_CONFIG, "controllerPort(int)"),
            Map.entry(QuorumConfig.QUORUM_BOOTSTRAP_SERVERS_CONFIG, "controllerPort(int)"),
            Map.entry(SocketServerConfigs.LISTENERS_CONFIG, "brokerPort(int) and controllerPort(int)"),
            Map.entry(SocketServerConfigs.ADVERTISED_LISTENERS_CONFIG, "brokerPort(int)"),
            Map.entry(SocketServerConfigs.LISTENER_SECURITY_PROTOCOL_MAP_CONFIG,
                    "tls(...) and saslScram(Map) for a TLS or SASL broker listener"),
            Map.entry(BrokerSecurityConfigs.SASL_ENABLED_MECHANISMS_CONFIG, "saslScram(Map)"),
            Map.entry(BrokerSecurityConfigs.SASL_MECHANISM_INTER_BROKER_PROTOCOL_CONFIG, "saslScram(Map)"),
            Map.entry(ReplicationConfigs.INTER_BROKER_LISTENER_NAME_CONFIG, "brokerPort(int)"),
            Map.entry(ServerLogConfigs.LOG_DIRS_CONFIG, "dataDirectory(Path)"),
            Map.entry(ServerLogConfigs.LOG_DIR_CONFIG, "dataDirectory(Path)"),
            Map.entry(MetadataLogConfig.METADATA_LOG_DIR_CONFIG, "dataDirectory(Path)"),
            Map.entry(ServerLogConfigs.NUM_PARTITIONS_CONFIG, "defaultPartitions(int)"),
            Map.entry(ServerLogConfigs.AUTO_CREATE_TOPICS_ENABLE_CONFIG, "autoCreateTopics(boolean)"),
            Map.entry(KRaftConfigs.SERVER_MAX_STARTUP_TIME_MS_CONFIG, "timeout(Duration)"));

    /**
     * Defaults for tests and local runs, each overridable: a single replica everywhere, no delay
     * before a new group's first rebalance, one partition for the internal topics (the default 50
     * make the first consumer group or transaction wait for 50 logs), 16 MiB segments so that a
     * retention limit frees space in small steps (retention deletes whole segments), and a small
     * log-cleaner buffer (the default takes 128 MiB of heap per broker).
     */
    private static final Map<String, String> TEST_FRIENDLY_DEFAULTS = Map.ofEntries(
            Map.entry(GroupCoordinatorConfig.GROUP_INITIAL_REBALANCE_DELAY_MS_CONFIG, "0"),
            Map.entry(GroupCoordinatorConfig.OFFSETS_TOPIC_REPLICATION_FACTOR_CONFIG, "1"),
            Map.entry(GroupCoordinatorConfig.OFFSETS_TOPIC_PARTITIONS_CONFIG, "1"),
            Map.entry(TransactionLogConfig.TRANSACTIONS_TOPIC_REPLICATION_FACTOR_CONFIG, "1"),
            Map.entry(TransactionLogConfig.TRANSACTIONS_TOPIC_MIN_ISR_CONFIG, "1"),
            Map.entry(TransactionLogConfig.TRANSACTIONS_TOPIC_PARTITIONS_CONFIG, "1"),
            Map.entry(ShareCoordinatorConfig.STATE_TOPIC_REPLICATION_FACTOR_CONFIG, "1"),
            Map.entry(ShareCoordinatorConfig.STATE_TOPIC_MIN_ISR_CONFIG, "1"),
            Map.entry(ShareCoordinatorConfig.STATE_TOPIC_NUM_PARTITIONS_CONFIG, "1"),
            Map.entry(ReplicationConfigs.DEFAULT_REPLICATION_FACTOR_CONFIG, "1"),
            Map.entry(ServerLogConfigs.MIN_IN_SYNC_REPLICAS_CONFIG, "1"),
            Map.entry(ServerLogConfigs.LOG_SEGMENT_BYTES_CONFIG, String.valueOf(16 * 1024 * 1024)),
            Map.entry(CleanerConfig.LOG_CLEANER_DEDUPE_BUFFER_SIZE_PROP, String.valueOf(2 * 1024 * 1024)));

    private BrokerProperties() {}

    /** The protocol of the broker listener: TLS, SASL, both, or neither. */
    public static SecurityProtocol securityProtocol(Optional<TlsStores> tls, Optional<ScramUsers> sasl) {
        if (sasl.isPresent()) {
            return tls.isPresent() ? SecurityProtocol.SASL_SSL : SecurityProtocol.SASL_PLAINTEXT;
        }
        return tls.isPresent() ? SecurityProtocol.SSL : SecurityProtocol.PLAINTEXT;
    }

    /** What the broker's own clients (its admin client) set to reach the broker listener. */
    public static Map<String, String> ownClientProperties(Optional<TlsStores> tls, Optional<ScramUsers> sasl) {
        Map<String, String> props = new HashMap<>();
        tls.ifPresent(stores -> props.putAll(stores.clientProperties()));
        sasl.ifPresent(users -> props.putAll(users.brokerClientProperties()));
        props.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, securityProtocol(tls, sasl).name);
        return props;
    }

    /** The builder method that sets a reserved key, if the key is reserved. */
    public static Optional<String> reservedKeyHint(String key) {
        return Optional.ofNullable(RESERVED.get(key));
    }

    /**
     * The full broker configuration: test-friendly defaults, then the extra properties, then the
     * keys this class owns.
     */
    public static Map<String, String> of(
            int brokerPort,
            int controllerPort,
            Path dataDirectory,
            int defaultPartitions,
            boolean autoCreateTopics,
            Duration startTimeout,
            Optional<TlsStores> tls,
            Optional<ScramUsers> sasl,
            Map<String, String> extraProperties) {
        Map<String, String> props = new HashMap<>(TEST_FRIENDLY_DEFAULTS);
        props.putAll(extraProperties);
        props.put(KRaftConfigs.PROCESS_ROLES_CONFIG, "broker,controller");
        props.put(KRaftConfigs.NODE_ID_CONFIG, String.valueOf(NODE_ID));
        props.put(QuorumConfig.QUORUM_VOTERS_CONFIG, NODE_ID + "@" + HOST + ":" + controllerPort);
        props.put(KRaftConfigs.CONTROLLER_LISTENER_NAMES_CONFIG, CONTROLLER_LISTENER);
        props.put(SocketServerConfigs.LISTENERS_CONFIG,
                BROKER_LISTENER + "://" + HOST + ":" + brokerPort + ","
                        + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
        props.put(SocketServerConfigs.ADVERTISED_LISTENERS_CONFIG,
                BROKER_LISTENER + "://" + HOST + ":" + brokerPort);
        props.put(SocketServerConfigs.LISTENER_SECURITY_PROTOCOL_MAP_CONFIG,
                BROKER_LISTENER + ":" + securityProtocol(tls, sasl) + ","
                        + CONTROLLER_LISTENER + ":PLAINTEXT");
        // the broker is also a client of its own listener, so it presents and trusts the same stores
        tls.ifPresent(stores -> props.putAll(stores.clientProperties()));
        props.remove(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG);
        sasl.ifPresent(users -> props.putAll(users.brokerProperties(BROKER_LISTENER)));
        props.put(ReplicationConfigs.INTER_BROKER_LISTENER_NAME_CONFIG, BROKER_LISTENER);
        props.put(ServerLogConfigs.LOG_DIRS_CONFIG, dataDirectory.toAbsolutePath().toString());
        props.put(ServerLogConfigs.NUM_PARTITIONS_CONFIG, String.valueOf(defaultPartitions));
        props.put(ServerLogConfigs.AUTO_CREATE_TOPICS_ENABLE_CONFIG, String.valueOf(autoCreateTopics));
        // bounds every wait inside broker start-up, which would otherwise wait forever
        props.put(KRaftConfigs.SERVER_MAX_STARTUP_TIME_MS_CONFIG, String.valueOf(startTimeout.toMillis()));
        return props;
    }
}
