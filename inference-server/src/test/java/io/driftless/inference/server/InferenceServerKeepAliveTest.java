package io.driftless.inference.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.driftless.inference.testutils.RunningServer;
import io.driftless.proto.InferRequest;
import io.driftless.proto.InferResponse;
import io.driftless.proto.InferenceServiceGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * A client that keeps its connection warm with pings keeps its streams: gRPC's default server
 * policy would end the connection with GOAWAY (too_many_pings) at the third ping.
 *
 * <p>Three pings take 30 s, gRPC's shortest client keepalive being 10 s; the test waits on them
 * beside the module's other test classes, on a server of its own.
 */
@Execution(ExecutionMode.CONCURRENT)
class InferenceServerKeepAliveTest {

    private static final long BUDGET_MICROS = 5_000_000;

    @Test
    void keepsAStreamOpenWhileItsClientPingsTheQuietConnectionEveryTenSeconds() throws Exception {
        try (RunningServer server = RunningServer.start()) {
            ManagedChannel channel = Grpc.newChannelBuilder(server.target(), InsecureChannelCredentials.create())
                    .keepAliveTime(InferenceServer.PERMITTED_KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS)
                    .build();
            try {
                Map<Long, InferResponse> answers = new ConcurrentHashMap<>();
                CompletableFuture<Void> ended = new CompletableFuture<>();
                StreamObserver<InferRequest> requests = InferenceServiceGrpc.newStub(channel)
                        .inferStream(AnswerCollector.into(answers, ended));
                requests.onNext(PoseRequests.request(1, "quiet", BUDGET_MICROS));
                awaitAnswer(answers, 1, ended);

                // quiet for three pings and a half: the default policy ends the connection at the third
                try {
                    ended.get(35, TimeUnit.SECONDS);
                } catch (TimeoutException stillOpen) {
                    // what should happen
                }
                assertThat(ended).as("the stream after 35 s of pings every 10 s").isNotDone();

                requests.onNext(PoseRequests.request(2, "quiet", BUDGET_MICROS));
                awaitAnswer(answers, 2, ended);
                assertThat(answers.get(2L).hasCoordinates()).isTrue();
                requests.onCompleted();
                ended.get(10, TimeUnit.SECONDS);
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    private static void awaitAnswer(Map<Long, InferResponse> answers, long id, CompletableFuture<Void> ended) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .until(() -> answers.containsKey(id) || ended.isDone());
        assertThat(answers).as("answer to request %d (stream ended: %s)", id, ended).containsKey(id);
    }
}
