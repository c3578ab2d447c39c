package io.driftless.inference.server;

import static io.driftless.inference.server.PoseRequests.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.driftless.inference.MicroClock;
import io.driftless.inference.onnx.RunnerOptions;
import io.driftless.inference.pose.PoseModelAdapter;
import io.driftless.proto.DropReason;
import io.driftless.proto.InferRequest;
import io.driftless.proto.InferResponse;
import io.driftless.proto.InferenceServiceGrpc;
import io.grpc.ForwardingServerCall;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Inbound flow control on {@code InferStream}: a client that stops reading its answers soon finds
 * the server reading none of its frames, while other clients are served as before; when it reads
 * again, its stream resumes and every frame it sent is answered. And a write to a stream whose
 * answers are not going out never holds a call handler thread: gRPC buffers it.
 *
 * <p>What the server takes from a client that reads nothing is bounded by the stream window plus
 * the answers the transports hold on the way: the client's HTTP/2 receive window (set small here,
 * so the bound is clear) and the bytes gRPC buffers for a stream before it calls it not ready.
 */
class InferenceServerFlowControlTest {

    private static final long GENEROUS = 5_000_000;
    private static final int HANDLER_THREADS = 2;
    private static final int WINDOW = 16;
    /** The HTTP/2 default receive window, fixed for the clients that read nothing (no automatic growth). */
    private static final int CLIENT_WINDOW = 65_535;
    /** Bytes gRPC queues for a stream before it calls it not ready (grpc-java's default on-ready threshold). */
    private static final int ON_READY_THRESHOLD = 32 * 1024;
    /** gRPC's prefix of every message on the wire: a flag byte and a 4-byte length. */
    private static final int MESSAGE_PREFIX = 5;
    /** Many times what the window and the transports' buffers take before the server stops reading. */
    private static final int UNREAD_FRAMES = 5_000;

    private final ServerMetrics metrics = new ServerMetrics();
    /** Calls that wrote an answer while their stream was not ready, and got control back. */
    private final Set<ServerCall<?, ?>> returnedFromWriteWhileNotReady = ConcurrentHashMap.newKeySet();
    private final List<ManagedChannel> channels = new ArrayList<>();
    private InferenceServer server;

    @BeforeEach
    void start() throws Exception {
        MicroClock clock = MicroClock.system();
        ModelCatalog models = ModelCatalog.of(
                new ServedPoseModel(PoseModelAdapter.bundledModel(), RunnerOptions.DEFAULTS, clock, metrics));
        server = new InferenceServer(Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                .intercept(new WritesWhileNotReady()), models, metrics, HANDLER_THREADS, WINDOW, clock).start();
    }

    @AfterEach
    void stop() throws Exception {
        for (ManagedChannel channel : channels) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        server.stop(Duration.ofSeconds(5));
    }

    @Test
    void stopsReadingAStreamWhoseClientReadsNoAnswersAndResumesItWhenTheClientReadsAgain() throws Exception {
        UnreadStream unread = UnreadStream.open(channel(CLIENT_WINDOW));
        // the client keeps sending: what its transport cannot send yet, it buffers
        for (long id = 1; id <= UNREAD_FRAMES; id++) {
            unread.requests.onNext(request(id, "unread-" + id % 10, GENEROUS));
        }
        unread.requests.onCompleted();
        double takenBeforeOthers = awaitUnreadStreamsStopped(1);
        assertThat(takenBeforeOthers).as("frames the server took from a client that reads none of its answers")
                .isLessThan(UNREAD_FRAMES / 2);

        ManagedChannel otherChannel = channel(0);
        AnswerCollector.Answers other = AnswerCollector.stream(otherChannel, 200, "other-", GENEROUS);
        Map<Long, InferResponse> others = other.byId();
        CompletableFuture<Void> othersEnded = other.ended();
        InferResponse unary = InferenceServiceGrpc.newBlockingStub(otherChannel)
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .infer(request(201, "unary", GENEROUS));
        assertThat(othersEnded).as("another client's stream while the first reads nothing")
                .succeedsWithin(Duration.ofSeconds(60));
        assertThat(others).hasSize(200).allSatisfy((id, response) ->
                assertThat(response.getCoordinates().getSequence()).as("answer %s", id).isEqualTo(id));
        assertThat(unary.getCoordinates().getSessionId()).isEqualTo("unary");
        double takenAfterOthers = awaitUnreadStreamsStopped(1) - 201;
        assertThat(unread.answers).as("answers the client that reads nothing has read").isEmpty();

        unread.requests.request(Integer.MAX_VALUE);
        assertThat(unread.ended).as("the stream of the client that reads at last")
                .succeedsWithin(Duration.ofSeconds(60));
        assertThat(unread.answers).hasSize(UNREAD_FRAMES).allSatisfy((id, response) -> {
            if (response.hasDropped()) {
                assertThat(response.getDropped().getReason()).as("answer %s", id)
                        .isNotEqualTo(DropReason.DROP_REASON_UNSPECIFIED);
                assertThat(response.getDropped().getDetail()).as("answer %s", id).isNotBlank();
            } else {
                assertThat(response.getCoordinates().getSequence()).as("answer %s", id).isEqualTo(id);
            }
        });
        int smallestAnswer = unread.answers.values().stream()
                .mapToInt(answer -> answer.getSerializedSize() + MESSAGE_PREFIX).min().orElseThrow();
        int bound = WINDOW + (CLIENT_WINDOW + ON_READY_THRESHOLD) / smallestAnswer + 1;
        assertThat(List.of(takenBeforeOthers, takenAfterOthers)).as("frames the server took from a client that reads"
                        + " nothing, before and after serving another: the window plus the answers of %s-byte"
                        + " messages its transport and the client's hold", smallestAnswer)
                .allSatisfy(taken -> assertThat(taken).isLessThanOrEqualTo(bound));
        awaitUntil(() -> streamsWaitingOnClient() == 0, () -> "no stream waiting on its client once all ended");
    }

    @Test
    void writesToStreamsWhoseClientsReadNothingNeverHoldAHandlerThread() throws Exception {
        int stuckStreams = 3 * HANDLER_THREADS;
        List<UnreadStream> unread = new ArrayList<>();
        for (int stream = 0; stream < stuckStreams; stream++) {
            UnreadStream client = UnreadStream.open(channel(CLIENT_WINDOW));
            for (long id = 1; id <= UNREAD_FRAMES / 2; id++) {
                client.requests.onNext(request(id, "unread-" + stream, GENEROUS));
            }
            client.requests.onCompleted();
            unread.add(client);
        }
        awaitUnreadStreamsStopped(stuckStreams);
        assertThat(returnedFromWriteWhileNotReady).as("streams whose answers were written while they were not ready,"
                + " each write returning").hasSize(stuckStreams);
        awaitUntil(InferenceServerFlowControlTest::everyHandlerThreadIsIdle,
                () -> "every call handler thread back in its pool: " + handlerThreadStacks());

        Map<Long, InferResponse> others = new ConcurrentHashMap<>();
        CompletableFuture<Void> othersEnded = new CompletableFuture<>();
        StreamObserver<InferRequest> other = InferenceServiceGrpc.newStub(channel(0))
                .withDeadlineAfter(60, TimeUnit.SECONDS)
                .inferStream(AnswerCollector.into(others, othersEnded));
        for (long id = 1; id <= 100; id++) {
            other.onNext(request(id, "other", GENEROUS));
        }
        other.onCompleted();
        assertThat(othersEnded).as("another client's stream, with more streams stuck than handler threads")
                .succeedsWithin(Duration.ofSeconds(60));
        assertThat(others).hasSize(100).allSatisfy((id, response) -> assertThat(response.hasCoordinates()).isTrue());

        for (UnreadStream client : unread) {
            client.requests.request(Integer.MAX_VALUE);
        }
        for (UnreadStream client : unread) {
            assertThat(client.ended).succeedsWithin(Duration.ofSeconds(60));
            assertThat(client.answers).hasSize(UNREAD_FRAMES / 2);
        }
    }

    /** A channel of its own (one connection); {@code receiveWindow} 0 keeps gRPC's default. */
    private ManagedChannel channel(int receiveWindow) {
        NettyChannelBuilder builder = NettyChannelBuilder.forTarget("localhost:" + server.port())
                .usePlaintext();
        if (receiveWindow > 0) {
            builder.flowControlWindow(receiveWindow);
        }
        ManagedChannel channel = builder.build();
        channels.add(channel);
        return channel;
    }

    /** A stream whose client reads none of its answers until it calls {@code requests.request}. */
    private record UnreadStream(ClientCallStreamObserver<InferRequest> requests,
            Map<Long, InferResponse> answers, CompletableFuture<Void> ended) {

        static UnreadStream open(ManagedChannel channel) {
            Map<Long, InferResponse> answers = new ConcurrentHashMap<>();
            CompletableFuture<Void> ended = new CompletableFuture<>();
            StreamObserver<InferResponse> collecting = AnswerCollector.into(answers, ended);
            ClientCallStreamObserver<InferRequest> requests = (ClientCallStreamObserver<InferRequest>)
                    InferenceServiceGrpc.newStub(channel).withDeadlineAfter(120, TimeUnit.SECONDS)
                            .inferStream(new ClientResponseObserver<InferRequest, InferResponse>() {
                                @Override
                                public void beforeStart(ClientCallStreamObserver<InferRequest> stream) {
                                    stream.disableAutoRequestWithInitial(0);
                                }

                                @Override
                                public void onNext(InferResponse response) {
                                    collecting.onNext(response);
                                }

                                @Override
                                public void onError(Throwable error) {
                                    collecting.onError(error);
                                }

                                @Override
                                public void onCompleted() {
                                    collecting.onCompleted();
                                }
                            });
            return new UnreadStream(requests, answers, ended);
        }
    }

    /**
     * Waits until {@code streams} streams wait on their clients with none of their frames in
     * flight, and returns the frames the server has received by then.
     */
    private double awaitUnreadStreamsStopped(int streams) {
        awaitUntil(() -> streamsWaitingOnClient() == streams && inFlight() == 0, () -> "the server to stop reading"
                + " the " + streams + " streams whose clients read nothing (took " + received() + " frames, "
                + streamsWaitingOnClient() + " streams waiting on their client, " + inFlight() + " in flight)");
        return received();
    }

    /** Frames the server has received: answered or still in flight. */
    private double received() {
        return sum("driftless_server_requests") + inFlight();
    }

    private double inFlight() {
        return sum("driftless_server_in_flight");
    }

    private double streamsWaitingOnClient() {
        return sum("driftless_server_streams_waiting_on_client");
    }

    private double sum(String metric) {
        double sum = 0;
        for (MetricSnapshot snapshot : metrics.registry().scrape()) {
            if (!snapshot.getMetadata().getPrometheusName().equals(metric)) {
                continue;
            }
            if (snapshot instanceof CounterSnapshot counter) {
                sum += counter.getDataPoints().stream().mapToDouble(p -> p.getValue()).sum();
            } else if (snapshot instanceof GaugeSnapshot gauge) {
                sum += gauge.getDataPoints().stream().mapToDouble(p -> p.getValue()).sum();
            }
        }
        return sum;
    }

    /** Polls every millisecond; {@code waitingFor} is asked only on failure, for the state it names. */
    private static void awaitUntil(BooleanSupplier condition, Supplier<String> waitingFor) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(1))
                .untilAsserted(() -> assertThat(condition.getAsBoolean()).as(waitingFor).isTrue());
    }

    private static boolean everyHandlerThreadIsIdle() {
        Map<Thread, StackTraceElement[]> handlers = handlerThreads();
        return !handlers.isEmpty() && handlers.entrySet().stream().allMatch(handler ->
                handler.getKey().getState() == Thread.State.WAITING
                        && Arrays.stream(handler.getValue()).anyMatch(frame -> frame.getMethodName().equals("getTask")));
    }

    private static String handlerThreadStacks() {
        StringBuilder stacks = new StringBuilder();
        handlerThreads().forEach((thread, stack) ->
                stacks.append('\n').append(thread.getName()).append(' ').append(thread.getState())
                        .append(Arrays.toString(Arrays.copyOf(stack, Math.min(stack.length, 8)))));
        return stacks.toString();
    }

    private static Map<Thread, StackTraceElement[]> handlerThreads() {
        Map<Thread, StackTraceElement[]> handlers = new HashMap<>();
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            if (thread.getName().matches("inference-server-\\d+")) {
                handlers.put(thread, stack);
            }
        });
        return handlers;
    }

    /** Notes each call that wrote an answer while its stream was not ready and got control back. */
    private final class WritesWhileNotReady implements ServerInterceptor {
        @Override
        public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
                ServerCallHandler<Q, A> next) {
            return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
                @Override
                public void sendMessage(A message) {
                    boolean ready = isReady();
                    super.sendMessage(message);
                    if (!ready) {
                        returnedFromWriteWhileNotReady.add(call);
                    }
                }
            }, headers);
        }
    }
}
