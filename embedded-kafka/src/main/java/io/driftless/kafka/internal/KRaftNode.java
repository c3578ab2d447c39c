package io.driftless.kafka.internal;

import kafka.server.BrokerServer;
import kafka.server.ControllerServer;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.server.SharedServer;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.raft.QuorumConfig;
import org.apache.kafka.server.ServerSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import scala.Tuple2;

/**
 * One run of a combined-mode KRaft node: controller and broker sharing one Raft log.
 *
 * <p>This is what {@code kafka.server.KafkaRaftServer} assembles, less its JVM-wide side effects:
 * the socket factory and fault handlers are ours, and no JMX app-info bean is registered, so two
 * nodes can share a JVM. A stopped node cannot start again; make a new one on the same data.
 */
public final class KRaftNode {

    private static final Logger LOG = LoggerFactory.getLogger(KRaftNode.class);

    private final ControllerServer controller;
    private final BrokerServer broker;

    private KRaftNode(ControllerServer controller, BrokerServer broker) {
        this.controller = controller;
        this.broker = broker;
    }

    /**
     * Starts a node on formatted storage; returns once the broker is unfenced and accepts clients.
     * On failure everything started is shut down again before the exception leaves.
     */
    public static KRaftNode start(KafkaConfig config, ServerSocketFactory sockets,
            RecordingFaultHandlers faults, Duration shutdownTimeout) {
        Tuple2<MetaPropertiesEnsemble, BootstrapMetadata> storage =
                KafkaRaftServer.initializeLogDirs(config, LOG, "");
        SharedServer shared = new SharedServer(
                config,
                storage._1(),
                Time.SYSTEM,
                new Metrics(),
                CompletableFuture.completedFuture(
                        QuorumConfig.parseVoterConnections(config.quorumConfig().voters())),
                QuorumConfig.parseBootstrapServers(config.quorumConfig().bootstrapServers()),
                faults,
                sockets);
        KRaftNode node = new KRaftNode(
                new ControllerServer(shared, KafkaRaftServer.configSchema(), storage._2()),
                new BrokerServer(shared));
        try {
            // the controller first: the broker finds the quorum through the controller's endpoints
            node.controller.startup();
            node.broker.startup();
        } catch (Throwable e) {
            try {
                node.shutdown(shutdownTimeout);
            } catch (Throwable shutdownFailure) {
                e.addSuppressed(shutdownFailure);
            }
            throw e;
        }
        return node;
    }

    /** Whether the broker leads the partition and has its log open, so clients can use it now. */
    public boolean hostsOnlinePartition(TopicPartition partition) {
        return broker.replicaManager().onlinePartition(partition).isDefined();
    }

    /**
     * Shuts down broker then controller (the broker's controlled shutdown needs the controller).
     *
     * @param timeout bounds the broker's wait for the controller to approve its controlled shutdown
     */
    public void shutdown(Duration timeout) {
        broker.shutdown(timeout);
        controller.shutdown();
        broker.awaitShutdown();
        controller.awaitShutdown();
    }
}
