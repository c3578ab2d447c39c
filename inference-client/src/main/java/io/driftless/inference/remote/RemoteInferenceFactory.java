package io.driftless.inference.remote;

import io.driftless.inference.MicroClock;
import io.driftless.inference.service.FrameInference;
import io.driftless.inference.service.FrameInferenceFactory;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Builds {@link RemoteInference} where the job runs: one channel per TaskManager (shared through
 * {@code SharedInference}), balancing round robin over every address of the target, with
 * {@code streamsPerServer} streams for each address the target resolves to when the job starts.
 *
 * <p>The target is {@code host:port}, resolved by DNS to all its addresses (a headless
 * Kubernetes service gives every server pod), or {@code host1:port1,host2:port2,...}.
 */
public final class RemoteInferenceFactory implements FrameInferenceFactory {

    private static final long serialVersionUID = 1L;

    /** Unreachable answers in a row that open the circuit. */
    static final int FAILURES_TO_OPEN = 5;
    static final long MIN_OPEN_MICROS = 200_000;
    static final long MAX_OPEN_MICROS = 5_000_000;
    /** The round-trip estimate before the first answer: a small model plus a local network hop. */
    static final long INITIAL_LATENCY_MICROS = 3_000;

    /** Streams per server address: two, so one slow stream never holds up a server's share. */
    public static final int DEFAULT_STREAMS_PER_SERVER = 2;
    /**
     * How long a stream serves before a fresh one replaces it: short enough that servers added,
     * or back after a restart, get their share within it; long enough that opening it costs
     * nothing measurable.
     */
    static final long STREAM_MAX_AGE_MICROS = 30_000_000;

    /** Warm-up calls per client: enough for the JIT to compile the call path. */
    public static final int WARM_UP_CALLS = 3_000;
    static final int WARM_UP_CONCURRENCY = 32;
    static final long WARM_UP_LIMIT_MICROS = 15_000_000;

    private final List<HostAndPort> servers;
    private final String model;
    private final ClientTls tls;
    private final int warmUpCalls;
    private final int streamsPerServer;
    private final long streamMaxAgeMicros;
    private final InFlightLimitOptions inFlightLimit;

    private RemoteInferenceFactory(Builder builder) {
        this.servers = builder.servers;
        this.model = builder.model;
        this.tls = builder.tls;
        this.streamsPerServer = builder.streamsPerServer;
        this.warmUpCalls = builder.warmUpCalls;
        this.streamMaxAgeMicros = builder.streamMaxAgeMicros;
        this.inFlightLimit = builder.inFlightLimit;
    }

    /**
     * Starts a factory for {@code model} on the servers at {@code target}.
     *
     * <pre>{@code
     * RemoteInferenceFactory.builder("inference:50051", "pose-v1").tls(ClientTls.PLAINTEXT).build();
     * }</pre>
     *
     * @param target {@code host:port[,host:port...]}
     * @param model the model name the server knows, e.g. {@code pose-v1}
     */
    public static Builder builder(String target, String model) {
        return new Builder(target, model);
    }

    /** Settings of a {@link RemoteInferenceFactory}; each setter checks its value. */
    public static final class Builder {
        private final List<HostAndPort> servers;
        private final String model;
        private ClientTls tls = ClientTls.PLAINTEXT;
        private int streamsPerServer = DEFAULT_STREAMS_PER_SERVER;
        private int warmUpCalls = WARM_UP_CALLS;
        private long streamMaxAgeMicros = STREAM_MAX_AGE_MICROS;
        private InFlightLimitOptions inFlightLimit = InFlightLimitOptions.DEFAULTS;

        private Builder(String target, String model) {
            if (model == null || model.isBlank()) {
                throw new IllegalArgumentException("model must not be blank");
            }
            this.servers = HostAndPort.parseList(target);
            this.model = model;
        }

        /** How to reach the servers: plaintext (the default), TLS or mutual TLS. */
        public Builder tls(ClientTls tls) {
            if (tls == null) {
                throw new IllegalArgumentException("tls must be set; ClientTls.PLAINTEXT for none");
            }
            this.tls = tls;
            return this;
        }

        /** Streams for each server address (default {@value #DEFAULT_STREAMS_PER_SERVER}). */
        public Builder streamsPerServer(int streamsPerServer) {
            if (streamsPerServer < 1) {
                throw new IllegalArgumentException("streamsPerServer must be at least 1, got " + streamsPerServer);
            }
            this.streamsPerServer = streamsPerServer;
            return this;
        }

        /**
         * Frames sent to warm the call path up before the first real one (see
         * {@link RemoteInference#warmUp}); 0 for none, {@value #WARM_UP_CALLS} by default.
         */
        public Builder warmUpCalls(int warmUpCalls) {
            if (warmUpCalls < 0) {
                throw new IllegalArgumentException("warmUpCalls must not be negative, got " + warmUpCalls);
            }
            this.warmUpCalls = warmUpCalls;
            return this;
        }

        /** The adaptive limit on frames in flight, or {@link InFlightLimitOptions#OFF}. */
        public Builder inFlightLimit(InFlightLimitOptions inFlightLimit) {
            if (inFlightLimit == null) {
                throw new IllegalArgumentException("inFlightLimit must be set; InFlightLimitOptions.OFF for none");
            }
            this.inFlightLimit = inFlightLimit;
            return this;
        }

        /** How long a stream serves before a fresh one replaces it; for tests of the replacement. */
        Builder streamMaxAgeMicros(long streamMaxAgeMicros) {
            if (streamMaxAgeMicros <= 0) {
                throw new IllegalArgumentException("streamMaxAgeMicros must be positive, got " + streamMaxAgeMicros);
            }
            this.streamMaxAgeMicros = streamMaxAgeMicros;
            return this;
        }

        public RemoteInferenceFactory build() {
            return new RemoteInferenceFactory(this);
        }
    }

    @Override
    public String key() {
        return "remote|" + servers + "|" + model + "|" + tls + "|" + streamsPerServer + "|" + warmUpCalls + "|"
                + streamMaxAgeMicros + "|" + inFlightLimit;
    }

    /** The gRPC target for the servers: DNS for one name, the address list for several. */
    String grpcTarget() {
        return servers.size() == 1
                ? "dns:///" + servers.get(0)
                : AddressListResolverProvider.SCHEME + ":///" + String.join(",",
                        servers.stream().map(HostAndPort::toString).toList());
    }

    @Override
    public FrameInference create(MicroClock clock) {
        ManagedChannel channel = Grpc.newChannelBuilder(grpcTarget(), tls.credentials())
                .defaultLoadBalancingPolicy("round_robin")
                // keep the connection warm: a frame must never pay for a TCP and TLS handshake
                .keepAliveTime(30, TimeUnit.SECONDS)
                .idleTimeout(365, TimeUnit.DAYS)
                // answers only complete futures and the deadline timer's frames: no hop to another thread
                .directExecutor()
                .build();
        channel.getState(true);
        RemoteInference inference = new RemoteInference(channel, model, streamsPerServer * resolvedAddresses(),
                streamMaxAgeMicros, new CircuitBreaker(FAILURES_TO_OPEN, MIN_OPEN_MICROS, MAX_OPEN_MICROS, clock),
                inFlightLimit, INITIAL_LATENCY_MICROS, clock);
        if (warmUpCalls > 0) {
            try {
                inference.warmUp(warmUpCalls, WARM_UP_CONCURRENCY, WARM_UP_LIMIT_MICROS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return inference;
    }

    /** How many addresses the servers resolve to now; a name that does not resolve counts as one. */
    private int resolvedAddresses() {
        int addresses = 0;
        for (HostAndPort server : servers) {
            try {
                addresses += InetAddress.getAllByName(server.host()).length;
            } catch (UnknownHostException notYet) {
                // gRPC's resolver keeps trying; a stream for it is one to spread over what does resolve
                addresses++;
            }
        }
        return addresses;
    }
}
