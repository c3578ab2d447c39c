package io.driftless.gateway;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Every setting of one web gateway instance, checked as it is set. {@link #builder()} starts
 * from the defaults; only the brokers and the token key have none.
 *
 * <pre>{@code
 * GatewayConfig config = GatewayConfig.builder()
 *         .bootstrapServers("localhost:9092")
 *         .tokenKey(TokenKey.fromFile(Path.of("gateway.key")))
 *         .port(8080)
 *         .build();
 * }</pre>
 */
public final class GatewayConfig {

    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,200}");
    /** The job's {@code driftless.deadline} default, which a frame without a deadline of its own gets. */
    private static final int JOB_DEFAULT_DEADLINE_MS = 33;

    public final String bindHost;
    /** 0: any free port. */
    public final int port;
    /** Where Prometheus scrapes {@code /metrics}: -1 serves none, 0 any free port. */
    public final int metricsPort;
    public final String bootstrapServers;
    public final String framesTopic;
    /** This instance's reply topics are {@code replyTopicPrefix + instanceId} plus the job's suffixes. */
    public final String replyTopicPrefix;
    public final String instanceId;
    public final int replyTopicPartitions;
    public final TokenKey tokenKey;
    public final Duration tokenLifetime;
    /** Largest camera message (a JPEG) the gateway takes; a larger one closes the socket with 1009. */
    public final int maxMessageBytes;
    /** Most frames per second one session may send; frames above it are refused, not produced. */
    public final int maxSessionFps;
    /** Sessions one client address may create per minute. */
    public final int sessionsPerMinutePerClient;
    /**
     * Whether the client's address and scheme come from the {@code Forwarded} and
     * {@code X-Forwarded-*} headers a reverse proxy or ingress in front sets: behind one, every
     * request would otherwise come from the proxy, and all clients would share one session limit.
     * Only where every request passes that proxy: a client that reaches the gateway directly could
     * name any address.
     */
    public final boolean trustForwardedHeaders;
    /** Origins a browser may open the sockets from; empty: only the gateway's own (same host). */
    public final List<String> allowedOrigins;
    /** The deadline each frame carries; 0: the job's default. */
    public final int deadlineMs;
    /**
     * A socket with no traffic either way for this long is closed; the gateway pings every open
     * socket three times as often, so a viewer waiting for frames or a paused camera stays.
     */
    public final Duration idleTimeout;
    /** PEM certificate chain and private key to serve HTTPS and WSS with; both null: plain HTTP. */
    public final Path tlsCertificate;
    public final Path tlsKey;

    private GatewayConfig(Builder b) {
        this.bindHost = b.bindHost;
        this.port = b.port;
        this.metricsPort = b.metricsPort;
        this.bootstrapServers = b.bootstrapServers;
        this.framesTopic = b.framesTopic;
        this.replyTopicPrefix = b.replyTopicPrefix;
        this.instanceId = b.instanceId;
        this.replyTopicPartitions = b.replyTopicPartitions;
        this.tokenKey = b.tokenKey;
        this.tokenLifetime = b.tokenLifetime;
        this.maxMessageBytes = b.maxMessageBytes;
        this.maxSessionFps = b.maxSessionFps;
        this.sessionsPerMinutePerClient = b.sessionsPerMinutePerClient;
        this.trustForwardedHeaders = b.trustForwardedHeaders;
        this.allowedOrigins = b.allowedOrigins;
        this.deadlineMs = b.deadlineMs;
        this.idleTimeout = b.idleTimeout;
        this.tlsCertificate = b.tlsCertificate;
        this.tlsKey = b.tlsKey;
    }

    /** Whether the gateway serves HTTPS and WSS (on {@link #port}) instead of HTTP and WS. */
    public boolean tls() {
        return tlsCertificate != null;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The deadline the job holds this instance's frames to: the configured one, else the job's default. */
    public int effectiveDeadlineMs() {
        return deadlineMs > 0 ? deadlineMs : JOB_DEFAULT_DEADLINE_MS;
    }

    /** What this instance puts in each frame's reply_to. */
    public String replyTo() {
        return replyTopicPrefix + instanceId;
    }

    /** Builds a {@link GatewayConfig}; each setter checks its argument and names the setting. */
    public static final class Builder {
        private String bindHost = "0.0.0.0";
        private int port = 8080;
        private int metricsPort = -1;
        private String bootstrapServers;
        private String framesTopic = "driftless.frames";
        private String replyTopicPrefix = "driftless.reply.";
        private String instanceId = "gw-" + UUID.randomUUID().toString().substring(0, 8);
        private int replyTopicPartitions = 1;
        private TokenKey tokenKey;
        private Duration tokenLifetime = Duration.ofHours(1);
        private int maxMessageBytes = 1 << 20;
        private int maxSessionFps = 40;
        private int sessionsPerMinutePerClient = 10;
        private boolean trustForwardedHeaders;
        private List<String> allowedOrigins = List.of();
        private int deadlineMs = 0;
        private Duration idleTimeout = Duration.ofSeconds(60);
        private Path tlsCertificate;
        private Path tlsKey;

        private Builder() {}

        public Builder bindHost(String bindHost) {
            this.bindHost = nonBlank("bind host", bindHost);
            return this;
        }

        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0 (any free port) to 65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /** The Prometheus endpoint's port on the bind host; -1 (the default) serves none, 0 any free port. */
        public Builder metricsPort(int port) {
            if (port < -1 || port > 65535) {
                throw new IllegalArgumentException("metrics port must be -1 (none), 0 (any free port) or up to 65535,"
                        + " got " + port);
            }
            this.metricsPort = port;
            return this;
        }

        public Builder bootstrapServers(String bootstrapServers) {
            this.bootstrapServers = nonBlank("bootstrap servers (the Kafka cluster the job reads, host:port)",
                    bootstrapServers);
            return this;
        }

        public Builder framesTopic(String framesTopic) {
            this.framesTopic = topic("frames topic", framesTopic);
            return this;
        }

        /** Must be one of the job's driftless.reply-to.allowed-prefixes, or the job drops every frame. */
        public Builder replyTopicPrefix(String replyTopicPrefix) {
            this.replyTopicPrefix = topic("reply topic prefix", replyTopicPrefix);
            return this;
        }

        /** Names this instance's reply topics: unique per instance, stable across its restarts if you like. */
        public Builder instanceId(String instanceId) {
            this.instanceId = topic("instance id", instanceId);
            return this;
        }

        public Builder replyTopicPartitions(int partitions) {
            this.replyTopicPartitions = atLeast("reply topic partitions", partitions, 1);
            return this;
        }

        public Builder tokenKey(TokenKey tokenKey) {
            this.tokenKey = Objects.requireNonNull(tokenKey, "token key");
            return this;
        }

        public Builder tokenLifetime(Duration lifetime) {
            if (lifetime.isNegative() || lifetime.isZero()) {
                throw new IllegalArgumentException("token lifetime must be positive, got " + lifetime);
            }
            this.tokenLifetime = lifetime;
            return this;
        }

        public Builder maxMessageBytes(int bytes) {
            this.maxMessageBytes = atLeast("max message bytes", bytes, 1024);
            return this;
        }

        public Builder maxSessionFps(int fps) {
            this.maxSessionFps = atLeast("max session fps", fps, 1);
            return this;
        }

        public Builder sessionsPerMinutePerClient(int sessions) {
            this.sessionsPerMinutePerClient = atLeast("sessions per minute per client", sessions, 1);
            return this;
        }

        /** See {@link GatewayConfig#trustForwardedHeaders}; off by default. */
        public Builder trustForwardedHeaders(boolean trust) {
            this.trustForwardedHeaders = trust;
            return this;
        }

        /** Origins such as {@code https://app.example.com}; empty: the gateway's own host only. */
        public Builder allowedOrigins(List<String> origins) {
            for (String origin : origins) {
                if (!origin.matches("https?://[^/\\s]+")) {
                    throw new IllegalArgumentException("allowed origin '" + origin + "' must be scheme://host[:port],"
                            + " e.g. https://app.example.com");
                }
            }
            this.allowedOrigins = List.copyOf(origins);
            return this;
        }

        public Builder deadlineMs(int deadlineMs) {
            this.deadlineMs = atLeast("deadline ms", deadlineMs, 0);
            return this;
        }

        /** How long a socket that answers no ping may stay silent (at least 1 s). */
        public Builder idleTimeout(Duration timeout) {
            if (timeout == null || timeout.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("idle timeout must be at least 1 s, got " + timeout);
            }
            this.idleTimeout = timeout;
            return this;
        }

        /**
         * Serves HTTPS and WSS with this PEM certificate chain (leaf first) and its unencrypted
         * private key; checked now, so that a wrong file fails the start with its name.
         */
        public Builder tls(Path certificateChain, Path privateKey) {
            if (certificateChain == null || privateKey == null) {
                throw new IllegalArgumentException("TLS needs both a certificate chain and its private key");
            }
            GatewayTls.fromPem(certificateChain, privateKey);
            this.tlsCertificate = certificateChain;
            this.tlsKey = privateKey;
            return this;
        }

        public GatewayConfig build() {
            if (bootstrapServers == null) {
                throw new IllegalArgumentException("bootstrap servers are required: the Kafka cluster the job reads,"
                        + " e.g. localhost:9092");
            }
            if (tokenKey == null) {
                throw new IllegalArgumentException("a token key is required: instances that share a key accept"
                        + " each other's tokens");
            }
            if ((replyTopicPrefix + instanceId).length() > 200) {
                throw new IllegalArgumentException("reply topic prefix plus instance id is longer than 200 characters");
            }
            return new GatewayConfig(this);
        }

        private static String nonBlank(String what, String value) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(what + " must not be blank");
            }
            return value;
        }

        private static String topic(String what, String value) {
            if (value == null || !TOPIC.matcher(value).matches()) {
                throw new IllegalArgumentException(what + " '" + value + "' is not usable in a Kafka topic name:"
                        + " use 1-200 characters of [A-Za-z0-9._-]");
            }
            return value;
        }

        private static int atLeast(String what, int value, int min) {
            if (value < min) {
                throw new IllegalArgumentException(what + " must be at least " + min + ", got " + value);
            }
            return value;
        }
    }
}
