package io.driftless.kafka;

import io.driftless.kafka.internal.BrokerProperties;
import io.driftless.kafka.internal.KRaftNode;
import io.driftless.kafka.internal.PreboundSockets;
import io.driftless.kafka.internal.RecordingFaultHandlers;
import io.driftless.kafka.internal.ScramUsers;
import io.driftless.kafka.internal.Storage;
import io.driftless.kafka.internal.TlsStores;

import kafka.server.KafkaConfig;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.server.fault.FaultHandlerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real single-node Kafka broker running in this JVM: one KRaft node that is both broker and
 * controller, listening on {@code 127.0.0.1}, started from the Kafka jars on the classpath.
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().defaultPartitions(4).build()) {
 *     kafka.start();
 *     kafka.createTopic("frames", 4, Map.of(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime"));
 *     Properties producerConfig = new Properties();
 *     producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
 *     // produce and consume, then stop() and start() again to test a broker restart
 * }
 * }</pre>
 *
 * <p>Clients connect in plaintext, or over TLS ({@link Builder#tls}), SASL/SCRAM ({@link
 * Builder#saslScram}) or both.
 *
 * <p>Life cycle: {@link #start()}, then any number of {@link #stop()} / {@link #start()} pairs on the
 * same ports and data, then {@link #close()}. Ports asked as 0 are picked on the first start and kept
 * for later starts, so clients keep one bootstrap address across a restart. A temporary data
 * directory is deleted by {@code close()}; a given one is kept. All methods may be called from any
 * thread; they take turns.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    private enum State { NEW, RUNNING, STOPPED, CLOSED }

    private final Path givenDataDirectory;
    private final int defaultPartitions;
    private final boolean autoCreateTopics;
    private final Map<String, String> extraProperties;
    private final Duration timeout;
    private final Optional<TlsStores> tls;
    private final Optional<ScramUsers> sasl;

    private State state = State.NEW;
    private int brokerPort;
    private int controllerPort;
    private Path dataDirectory;
    private KRaftNode node;
    private RecordingFaultHandlers faults;
    private boolean formattedData;

    EmbeddedKafkaBroker(Builder builder) {
        this.brokerPort = builder.brokerPort;
        this.controllerPort = builder.controllerPort;
        this.givenDataDirectory = builder.dataDirectory;
        this.dataDirectory = builder.dataDirectory;
        this.defaultPartitions = builder.defaultPartitions;
        this.autoCreateTopics = builder.autoCreateTopics;
        this.extraProperties = Map.copyOf(builder.brokerProperties);
        this.timeout = builder.timeout;
        this.tls = Optional.ofNullable(builder.tls);
        this.sasl = Optional.ofNullable(builder.sasl);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the broker and returns once it answers clients.
     *
     * @throws EmbeddedKafkaException if a port is taken, the data directory is unusable, or the
     *     broker does not answer within the timeout; nothing is left running then
     * @throws IllegalStateException if the broker is running or closed
     */
    public synchronized void start() {
        if (state == State.RUNNING) {
            throw new IllegalStateException("The Kafka broker at " + address() + " is already running.");
        }
        if (state == State.CLOSED) {
            throw new IllegalStateException(
                    "The Kafka broker is closed; build a new EmbeddedKafkaBroker to start another.");
        }
        long startedAt = System.nanoTime();
        PreboundSockets sockets = bindListeners();
        brokerPort = sockets.port(BrokerProperties.BROKER_LISTENER);
        controllerPort = sockets.port(BrokerProperties.CONTROLLER_LISTENER);
        RecordingFaultHandlers startFaults = new RecordingFaultHandlers();
        KRaftNode started = null;
        try {
            if (dataDirectory == null) {
                dataDirectory = Files.createTempDirectory("driftless-kafka-");
            }
            List<String> scramArguments = sasl.map(ScramUsers::scramArguments).orElse(List.of());
            if (Storage.formatIfNeeded(dataDirectory, scramArguments)) {
                formattedData = true;
                LOG.debug("Formatted the Kafka data directory {}", dataDirectory);
            } else if (sasl.isPresent() && !formattedData) {
                throw new IllegalStateException("a SASL broker writes its users into the data directory when it "
                        + "formats it, and this one was formatted by another broker, whose users it keeps: "
                        + "give saslScram(...) an empty or new dataDirectory");
            }
            KafkaConfig config = new KafkaConfig(brokerProperties(brokerPort, controllerPort, dataDirectory), false);
            started = KRaftNode.start(config, sockets, startFaults, timeout);
            awaitAnswer(startFaults);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            shutDownQuietly(started, e);
            throw new EmbeddedKafkaException("Cannot start the Kafka broker at " + address()
                    + " (data directory " + dataDirectory + "): " + describe(e), e);
        } finally {
            sockets.close();
        }
        node = started;
        faults = startFaults;
        state = State.RUNNING;
        LOG.info("Kafka broker started at {} in {} ms (data directory {})",
                address(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt), dataDirectory);
    }

    /**
     * The address clients bootstrap from, {@code 127.0.0.1:PORT}; the same across restarts.
     *
     * @throws IllegalStateException before the first start, if the port is to be picked then
     */
    public synchronized String bootstrapServers() {
        if (brokerPort == 0) {
            throw new IllegalStateException("The Kafka broker picks its free port on the first start(): "
                    + "call start() before bootstrapServers(), or set a fixed brokerPort.");
        }
        return address();
    }

    /**
     * The directory holding the broker's data.
     *
     * @throws IllegalStateException before the first start, if a temporary directory is to be made then
     */
    public synchronized Path dataDirectory() {
        if (dataDirectory == null) {
            throw new IllegalStateException("The temporary data directory is made on the first start(): "
                    + "call start() before dataDirectory(), or set a dataDirectory.");
        }
        return dataDirectory;
    }

    public synchronized boolean isRunning() {
        return state == State.RUNNING;
    }

    /** Creates a topic with one replica and the broker's default configuration. */
    public void createTopic(String name, int partitions) {
        createTopic(name, partitions, Map.of());
    }

    /**
     * Creates a topic with one replica and returns once every partition is ready for clients.
     *
     * @param configs topic configuration, such as {@code message.timestamp.type=LogAppendTime}
     */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("topic name must not be blank, got " + name);
        }
        if (partitions < 1) {
            throw new IllegalArgumentException(
                    "partitions of topic " + name + " must be at least 1, got " + partitions);
        }
        Objects.requireNonNull(configs, "configs of topic " + name);
        createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs)));
    }

    /**
     * Creates topics and returns once every partition of each has a leader with its log open, so
     * that clients can produce and fetch at once.
     *
     * @throws EmbeddedKafkaException if the broker refuses a topic (it exists, a bad config) or the
     *     topics are not ready within the timeout
     * @throws IllegalStateException if the broker is not running
     */
    public synchronized void createTopics(Collection<NewTopic> topics) {
        Objects.requireNonNull(topics, "topics");
        if (state != State.RUNNING) {
            throw new IllegalStateException(
                    "The Kafka broker at " + address() + " is not running: call start() before creating topics.");
        }
        List<String> names = topics.stream().map(NewTopic::name).toList();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = newAdmin()) {
            CreateTopicsResult result = admin.createTopics(topics);
            result.all().get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
            List<TopicPartition> partitions = new ArrayList<>();
            for (String name : names) {
                int count = result.numPartitions(name).get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
                for (int partition = 0; partition < count; partition++) {
                    partitions.add(new TopicPartition(name, partition));
                }
            }
            awaitOnline(partitions, deadline);
        } catch (ExecutionException e) {
            throw new EmbeddedKafkaException("Cannot create topics " + names + " on the Kafka broker at "
                    + address() + ": " + describe(e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            throw new EmbeddedKafkaException("Topics " + names + " on the Kafka broker at " + address()
                    + " were not ready within " + timeout + "; a larger timeout(Duration) helps on a busy machine.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedKafkaException("Interrupted while creating topics " + names, e);
        }
    }

    /**
     * Shuts the broker down and keeps its data and ports for a later {@link #start()}. Does nothing
     * unless the broker is running.
     *
     * @throws EmbeddedKafkaException after shutting down, if the broker had a fatal fault while it ran
     */
    public synchronized void stop() {
        if (state != State.RUNNING) {
            return;
        }
        Optional<FaultHandlerException> fault = faults.firstFatalFault();
        long stoppingAt = System.nanoTime();
        try {
            node.shutdown(timeout);
        } finally {
            node = null;
            faults = null;
            state = State.STOPPED;
        }
        LOG.info("Kafka broker at {} stopped in {} ms",
                address(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppingAt));
        if (fault.isPresent()) {
            throw new EmbeddedKafkaException("The Kafka broker at " + address()
                    + " had a fatal fault while running: " + fault.get().getMessage(), fault.get());
        }
    }

    /**
     * Stops the broker and deletes its data directory if it is a temporary one. Idempotent, and safe
     * to call from a shutdown hook.
     */
    @Override
    public synchronized void close() {
        if (state == State.CLOSED) {
            return;
        }
        try {
            stop();
        } finally {
            state = State.CLOSED;
            deleteTemporaryDataDirectory();
        }
    }

    private PreboundSockets bindListeners() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put(BrokerProperties.BROKER_LISTENER, brokerPort);
        ports.put(BrokerProperties.CONTROLLER_LISTENER, controllerPort);
        try {
            return PreboundSockets.bind(InetAddress.getByName(BrokerProperties.HOST), ports, Map.of(
                    BrokerProperties.BROKER_LISTENER, "Kafka broker",
                    BrokerProperties.CONTROLLER_LISTENER, "Kafka controller"));
        } catch (PreboundSockets.PortUnavailableException e) {
            throw new EmbeddedKafkaException(e.getMessage(), e);
        } catch (IOException e) {
            throw new EmbeddedKafkaException("Cannot resolve " + BrokerProperties.HOST + ": " + e.getMessage(), e);
        }
    }

    private Map<String, String> brokerProperties(int brokerPort, int controllerPort, Path dataDirectory) {
        return BrokerProperties.of(brokerPort, controllerPort, dataDirectory, defaultPartitions,
                autoCreateTopics, timeout, tls, sasl, extraProperties);
    }

    /** Waits for a describeCluster answer: the proof that a client can bootstrap from the address. */
    private void awaitAnswer(RecordingFaultHandlers faults) throws Exception {
        try (Admin admin = newAdmin()) {
            admin.describeCluster().clusterId().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            TimeoutException unanswered =
                    new TimeoutException("it did not answer a describeCluster request within " + timeout);
            unanswered.initCause(e);
            throw unanswered;
        }
        Optional<FaultHandlerException> fault = faults.firstFatalFault();
        if (fault.isPresent()) {
            throw fault.get();
        }
    }

    private void awaitOnline(List<TopicPartition> partitions, long deadline)
            throws TimeoutException, InterruptedException {
        for (TopicPartition partition : partitions) {
            while (!node.hostsOnlinePartition(partition)) {
                if (System.nanoTime() - deadline >= 0) {
                    throw new TimeoutException(partition + " has no online leader");
                }
                // the broker applies new metadata within milliseconds, and nothing announces it
                Thread.sleep(5);
            }
        }
    }

    private Admin newAdmin() {
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        Map<String, Object> settings = new HashMap<>(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, address(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs));
        settings.putAll(BrokerProperties.ownClientProperties(tls, sasl));
        return Admin.create(settings);
    }

    private void shutDownQuietly(KRaftNode started, Exception failure) {
        if (started == null) {
            return;
        }
        try {
            started.shutdown(timeout);
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    private void deleteTemporaryDataDirectory() {
        if (givenDataDirectory != null || dataDirectory == null) {
            return;
        }
        try {
            Utils.delete(dataDirectory.toFile());
        } catch (IOException e) {
            throw new EmbeddedKafkaException("Cannot delete the temporary Kafka data directory " + dataDirectory, e);
        }
    }

    private String address() {
        return BrokerProperties.HOST + ":" + brokerPort;
    }

    private static long remainingMillis(long deadlineNanos) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    }

    private static String describe(Throwable e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    /**
     * Settings of an {@link EmbeddedKafkaBroker}. Each setter checks its argument at once; {@link
     * #build()} checks the whole broker configuration the way Kafka will.
     */
    public static final class Builder {
        private int brokerPort;
        private int controllerPort;
        private Path dataDirectory;
        private int defaultPartitions = 1;
        private boolean autoCreateTopics = true;
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();
        private Duration timeout = Duration.ofSeconds(60);
        private TlsStores tls;
        private ScramUsers sasl;

        Builder() {}

        /** The port clients connect to on 127.0.0.1; 0 (the default) picks a free one. */
        public Builder brokerPort(int port) {
            checkPort("brokerPort", port);
            if (port != 0 && port == controllerPort) {
                throw new IllegalArgumentException("brokerPort " + port + " is already the controllerPort; "
                        + "the broker and controller listeners need different ports.");
            }
            this.brokerPort = port;
            return this;
        }

        /** The port of the KRaft controller listener on 127.0.0.1; 0 (the default) picks a free one. */
        public Builder controllerPort(int port) {
            checkPort("controllerPort", port);
            if (port != 0 && port == brokerPort) {
                throw new IllegalArgumentException("controllerPort " + port + " is already the brokerPort; "
                        + "the broker and controller listeners need different ports.");
            }
            this.controllerPort = port;
            return this;
        }

        /**
         * A directory for the broker's data, kept by {@link EmbeddedKafkaBroker#close()} and reused
         * by a later broker. It must be missing, empty, or used by an embedded broker before. By
         * default the broker uses a fresh temporary directory that {@code close()} deletes.
         */
        public Builder dataDirectory(Path directory) {
            Objects.requireNonNull(directory, "dataDirectory");
            if (Files.exists(directory) && !Files.isDirectory(directory)) {
                throw new IllegalArgumentException("dataDirectory " + directory + " exists and is not a directory.");
            }
            this.dataDirectory = directory;
            return this;
        }

        /** The partition count of topics the broker creates on first use (default 1). */
        public Builder defaultPartitions(int partitions) {
            if (partitions < 1) {
                throw new IllegalArgumentException("defaultPartitions must be at least 1, got " + partitions);
            }
            this.defaultPartitions = partitions;
            return this;
        }

        /** Whether producing to or fetching from an unknown topic creates it (default true). */
        public Builder autoCreateTopics(boolean enabled) {
            this.autoCreateTopics = enabled;
            return this;
        }

        /**
         * Any further broker property, which also overrides the test-friendly defaults (one
         * replica, no initial rebalance delay, one partition for internal topics, 16 MiB segments).
         * Properties that the other setters control are refused, with the setter to use.
         */
        public Builder brokerProperty(String key, String value) {
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("brokerProperty key must not be blank, got " + key);
            }
            Objects.requireNonNull(value, "value of brokerProperty " + key);
            Optional<String> hint = BrokerProperties.reservedKeyHint(key);
            if (hint.isPresent()) {
                throw new IllegalArgumentException("brokerProperty " + key
                        + " is set by the embedded broker itself; use " + hint.get() + ".");
            }
            brokerProperties.put(key, value);
            return this;
        }

        /** Several {@link #brokerProperty(String, String)} at once. */
        public Builder brokerProperties(Map<String, String> properties) {
            Objects.requireNonNull(properties, "brokerProperties");
            properties.forEach(this::brokerProperty);
            return this;
        }

        /**
         * Serves clients over TLS instead of plaintext. The broker presents the key in {@code
         * keyStore} and trusts the certificates in {@code trustStore}; both are PKCS12. The broker is
         * a client of its own listener, so the trust store must hold its own certificate too; with
         * {@code brokerProperty("ssl.client.auth", "required")} it also decides which clients get in.
         */
        public Builder tls(Path keyStore, String keyStorePassword, Path trustStore, String trustStorePassword) {
            for (Path store : new Path[] {keyStore, trustStore}) {
                Objects.requireNonNull(store, "tls store");
                if (!Files.isReadable(store)) {
                    throw new IllegalArgumentException("tls store " + store + " is not a readable file.");
                }
            }
            Objects.requireNonNull(keyStorePassword, "keyStorePassword");
            Objects.requireNonNull(trustStorePassword, "trustStorePassword");
            this.tls = new TlsStores(keyStore, keyStorePassword, trustStore, trustStorePassword);
            return this;
        }

        /**
         * Requires clients to authenticate with SASL SCRAM-SHA-512 as one of {@code users} (user
         * name to password): the listener speaks SASL_PLAINTEXT, or SASL_SSL together with {@link
         * #tls}. A client logs in with the standard settings {@code security.protocol}, {@code
         * sasl.mechanism=SCRAM-SHA-512} and {@code sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule
         * required username="..." password="...";}.
         *
         * <p>As in any KRaft cluster, the credentials live in the cluster metadata, written when the
         * data directory is formatted; so a SASL broker starts on an empty data directory (restarts of
         * the same broker keep theirs).
         */
        public Builder saslScram(Map<String, String> users) {
            this.sasl = ScramUsers.of(users);
            return this;
        }

        /** Bounds start-up, shutdown and topic creation (default 60 s). */
        public Builder timeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, got " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * @throws IllegalArgumentException if Kafka would refuse the broker properties
         */
        public EmbeddedKafkaBroker build() {
            EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(this);
            // ports and directory are not known yet; any valid stand-ins let Kafka check the rest
            Path directory = dataDirectory != null ? dataDirectory : Path.of("data");
            try {
                new KafkaConfig(broker.brokerProperties(
                        brokerPort != 0 ? brokerPort : otherThan(controllerPort, 9092),
                        controllerPort != 0 ? controllerPort : otherThan(brokerPort, 9093),
                        directory), false);
            } catch (ConfigException e) {
                throw new IllegalArgumentException(
                        "brokerProperties are not a valid Kafka broker configuration: " + e.getMessage(), e);
            }
            return broker;
        }

        private static int otherThan(int taken, int preferred) {
            return taken == preferred ? preferred + 2 : preferred;
        }

        private static void checkPort(String field, int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException(field + " must be 0 (any free port) or 1-65535, got " + port);
            }
        }
    }
}
