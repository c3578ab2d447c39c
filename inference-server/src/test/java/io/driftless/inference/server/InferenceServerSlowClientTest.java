package io.driftless.inference.server;

import static io.driftless.inference.server.PoseRequests.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.util.concurrent.ListenableFuture;
import io.driftless.inference.MicroClock;
import io.driftless.inference.onnx.RunnerOptions;
import io.driftless.inference.pose.PoseModelAdapter;
import io.driftless.proto.InferRequest;
import io.driftless.proto.InferResponse;
import io.driftless.proto.InferenceServiceGrpc;
import io.grpc.ForwardingServerCall;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client whose answers are slow to go out does not hold the model: the server builds and
 * writes answers on its call handler threads, never on the model's runner thread, so the model
 * every client shares goes on serving the others meanwhile.
 *
 * <p>A write that does not return stands in for one that is slow (a large answer to serialize; a
 * congested transport never holds a write, it buffers: {@link InferenceServerFlowControlTest}):
 * the server's transport is real, with an interceptor in front of it that
 * holds the writes of the calls that ask for it until the test lets them through, and notes which
 * thread wrote every answer.
 */
class InferenceServerSlowClientTest {

    private static final long GENEROUS = 5_000_000;
    private static final int HANDLER_THREADS = 2;
    private static final Metadata.Key<String> HOLD_WRITES =
            Metadata.Key.of("x-hold-writes", Metadata.ASCII_STRING_MARSHALLER);

    private final ServerMetrics metrics = new ServerMetrics();
    /** Names of the threads that wrote an answer. */
    private final Set<String> writers = ConcurrentHashMap.newKeySet();
    /** Counted down once a held write has begun: from then on that writer is stuck. */
    private final CountDownLatch holding = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private InferenceServer server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        MicroClock clock = MicroClock.system();
        ModelCatalog models = ModelCatalog.of(
                new ServedPoseModel(PoseModelAdapter.bundledModel(), RunnerOptions.DEFAULTS, clock, metrics));
        server = new InferenceServer(Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                .intercept(new HeldWrites()), models, metrics, HANDLER_THREADS, clock).start();
        channel = Grpc.newChannelBuilder("localhost:" + server.port(), InsecureChannelCredentials.create()).build();
    }

    @AfterEach
    void stop() throws Exception {
        release.countDown();
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.stop(Duration.ofSeconds(5));
    }

    @Test
    void answersOtherClientsWhileOneClientsAnswersAreStuckOnTheWayOut() throws Exception {
        Map<Long, InferResponse> heldAnswers = new ConcurrentHashMap<>();
        CompletableFuture<Void> heldStreamEnded = new CompletableFuture<>();
        Metadata hold = new Metadata();
        hold.put(HOLD_WRITES, "yes");
        StreamObserver<InferRequest> held = InferenceServiceGrpc.newStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(hold))
                .withDeadlineAfter(60, TimeUnit.SECONDS)
                .inferStream(AnswerCollector.into(heldAnswers, heldStreamEnded));
        for (long id = 1; id <= 10; id++) {
            held.onNext(request(id, "held-" + id, GENEROUS));
        }
        held.onCompleted();
        assertThat(holding.await(30, TimeUnit.SECONDS)).as("the held stream's first answer reaches its write").isTrue();

        // the model is needed again: it must not be the thread stuck in the held write
        InferenceServiceGrpc.InferenceServiceFutureStub other =
                InferenceServiceGrpc.newFutureStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
        List<ListenableFuture<InferResponse>> others = new ArrayList<>();
        for (long id = 101; id <= 105; id++) {
            others.add(other.infer(request(id, "other", GENEROUS)));
        }
        for (ListenableFuture<InferResponse> answer : others) {
            assertThat(answer).as("another client's frame, answered while the held stream's write is stuck")
                    .succeedsWithin(Duration.ofSeconds(30))
                    .satisfies(response -> assertThat(response.hasCoordinates()).isTrue());
        }
        assertThat(heldAnswers).as("answers of the held stream written before it was let through").isEmpty();

        release.countDown();
        assertThat(heldStreamEnded).as("the held stream, let through").succeedsWithin(Duration.ofSeconds(30));
        assertThat(heldAnswers).hasSize(10).allSatisfy((id, response) -> {
            assertThat(response.hasCoordinates()).as("answer %s", id).isTrue();
            assertThat(response.getCoordinates().getSessionId()).isEqualTo("held-" + id);
        });
    }

    @Test
    void writesEveryAnswerOnACallHandlerThreadNeverOnTheModelsOwn() throws Exception {
        AnswerCollector.Answers stream = AnswerCollector.stream(channel, 300, "session-", GENEROUS);
        Map<Long, InferResponse> answers = stream.byId();
        CompletableFuture<Void> ended = stream.ended();
        InferenceServiceGrpc.InferenceServiceFutureStub unary =
                InferenceServiceGrpc.newFutureStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
        List<ListenableFuture<InferResponse>> calls = new ArrayList<>();
        for (long id = 301; id <= 320; id++) {
            calls.add(unary.infer(request(id, "unary", GENEROUS)));
        }

        assertThat(ended).as("the stream of 300 frames").succeedsWithin(Duration.ofSeconds(60));
        assertThat(answers).hasSize(300).allSatisfy((id, response) ->
                assertThat(response.getCoordinates().getSequence()).as("answer %s", id).isEqualTo(id));
        for (ListenableFuture<InferResponse> call : calls) {
            assertThat(call).succeedsWithin(Duration.ofSeconds(30))
                    .satisfies(response -> assertThat(response.hasCoordinates()).isTrue());
        }
        assertThat(writers).as("threads that wrote answers").isNotEmpty()
                .allSatisfy(name -> assertThat(name).startsWith("inference-server-"));
    }

    /** Notes the thread of every answer written, and holds those of calls sent with {@link #HOLD_WRITES}. */
    private final class HeldWrites implements ServerInterceptor {
        @Override
        public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
                ServerCallHandler<Q, A> next) {
            boolean held = headers.containsKey(HOLD_WRITES);
            return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
                @Override
                public void sendMessage(A message) {
                    writers.add(Thread.currentThread().getName());
                    if (held) {
                        holding.countDown();
                        awaitRelease();
                    }
                    super.sendMessage(message);
                }
            }, headers);
        }

        private void awaitRelease() {
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
