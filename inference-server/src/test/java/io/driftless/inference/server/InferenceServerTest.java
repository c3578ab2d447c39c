package io.driftless.inference.server;

import static io.driftless.inference.server.PoseRequests.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.common.util.concurrent.ListenableFuture;
import io.driftless.inference.testutils.RunningServer;
import com.google.protobuf.ByteString;
import io.driftless.proto.Box;
import io.driftless.proto.DropReason;
import io.driftless.proto.Image;
import io.driftless.proto.Frame;
import io.driftless.proto.InferRequest;
import io.driftless.proto.InferResponse;
import io.driftless.proto.InferenceServiceGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The inference server over a real local port, through its gRPC contract. */
class InferenceServerTest {

    private static final long GENEROUS = 5_000_000;

    private RunningServer server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        server = RunningServer.start();
        channel = Grpc.newChannelBuilder(server.target(), InsecureChannelCredentials.create()).build();
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.close();
    }

    private InferResponse infer(InferRequest request) {
        return InferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS).infer(request);
    }

    @Test
    void answersManyFramesOfManySessionsOverOneStreamMatchedByRequestId() throws Exception {
        Map<Long, InferResponse> answers = new ConcurrentHashMap<>();
        CompletableFuture<Void> ended = new CompletableFuture<>();
        StreamObserver<InferRequest> requests = InferenceServiceGrpc.newStub(channel)
                .withDeadlineAfter(60, TimeUnit.SECONDS)
                .inferStream(AnswerCollector.into(answers, ended));
        for (long id = 1; id <= 300; id++) {
            requests.onNext(request(id, "session-" + id % 10, GENEROUS));
        }
        // a model the server lacks fails that frame alone, as a failed inference: the frame is fine
        requests.onNext(request(301, "session-1", GENEROUS).toBuilder().setModel("yolo-v11").build());
        requests.onCompleted();

        ended.get(60, TimeUnit.SECONDS);
        assertThat(answers).hasSize(301);
        InferResponse unknown = answers.remove(301L);
        assertThat(unknown.getDropped().getReason()).isEqualTo(DropReason.INFERENCE_FAILED);
        assertThat(unknown.getDropped().getDetail())
                .isEqualTo("unknown model 'yolo-v11': this server serves [pose-v1, blazeface-short-range]");
        answers.forEach((id, response) -> {
            assertThat(response.hasCoordinates()).as("answer %s", id).isTrue();
            assertThat(response.getCoordinates().getSequence()).isEqualTo(id);
            assertThat(response.getCoordinates().getSessionId()).isEqualTo("session-" + id % 10);
            assertThat(response.getCoordinates().getPose().getYawDeg()).isCloseTo(id % 40 - 20,
                    org.assertj.core.data.Offset.offset(3f));
            assertThat(response.getBatchSize()).isPositive();
        });
    }

    @Test
    void refusesARequestWhoseBudgetIsSpentBeforeItCostsCompute() {
        infer(request(1, "warm", GENEROUS));
        long computedBefore = server.histogramCount("driftless_server_compute_seconds");

        InferResponse response = infer(request(2, "late-user", 0));

        assertThat(response.getRequestId()).isEqualTo(2);
        assertThat(response.getDropped().getReason()).isEqualTo(DropReason.LATE_ON_ARRIVAL);
        assertThat(response.getDropped().getDetail()).contains("before the server received the request");
        assertThat(response.getBatchSize()).isZero();
        assertThat(server.histogramCount("driftless_server_compute_seconds")).isEqualTo(computedBefore);
        assertThat(server.counter("driftless_server_rejected", "model", "pose-v1", "reason", "expired")).isEqualTo(1);
    }

    @Test
    void servesTheFaceModelAnAnnotatedFrameWithTheFirstFacesCoordinates() throws Exception {
        byte[] photo;
        try (java.io.InputStream in = InferenceServerTest.class.getResourceAsStream("/faces/astronaut.jpg")) {
            photo = in.readAllBytes();
        }
        InferRequest face = InferRequest.newBuilder()
                .setRequestId(7)
                .setModel("blazeface-short-range")
                .setRemainingBudgetUs(GENEROUS)
                .setFrame(Frame.newBuilder().setSessionId("alice").setSequence(7).setImage(Image.newBuilder()
                        .setJpeg(ByteString.copyFrom(photo)).setWidth(512).setHeight(512)))
                .build();

        InferResponse answer = infer(face);

        assertThat(answer.hasAnnotated()).as("answer: %s", answer.getDropped().getDetail()).isTrue();
        assertThat(answer.getAnnotated().getDetectionsCount()).isEqualTo(1);
        Box box = answer.getAnnotated().getDetections(0).getBox();
        // the face is at about (183, 82) to (268, 177) in the photo
        assertThat(box.getXMin()).isBetween(165f, 200f);
        assertThat(box.getYMax()).isBetween(160f, 195f);
        assertThat(answer.getAnnotated().getDetections(0).getKeypointsCount()).isEqualTo(6);
        assertThat(answer.getAnnotated().getJpeg().size()).isGreaterThan(1_000);
        assertThat(answer.hasFaceCoordinates()).isTrue();
        assertThat(answer.getFaceCoordinates().getSequence()).isEqualTo(7);
        assertThat(answer.getFaceCoordinates().getConfidence()).isPositive();

        InferResponse lies = infer(face.toBuilder().setFrame(face.getFrame().toBuilder()
                .setImage(face.getFrame().getImage().toBuilder().setWidth(640))).build());
        assertThat(lies.getDropped().getReason()).isEqualTo(DropReason.INVALID);
        assertThat(lies.getDropped().getDetail()).isEqualTo("JPEG is 512x512 but the frame declares 640x512");
    }

    @Test
    void answersUnusableInputWithAnInvalidDropAndAnUnknownModelWithNotFound() {
        InferRequest fivePoints = request(3, "bad", GENEROUS).toBuilder()
                .setFrame(request(3, "bad", GENEROUS).getFrame().toBuilder()
                        .setLandmarks(request(3, "bad", GENEROUS).getFrame().getLandmarks().toBuilder().removeKeypoints(5)))
                .build();
        InferResponse invalid = infer(fivePoints);
        assertThat(invalid.getDropped().getReason()).isEqualTo(DropReason.INVALID);
        assertThat(invalid.getDropped().getDetail()).isEqualTo("expected 6 keypoints for BLAZEFACE_SIX, got 5 of scheme BLAZEFACE_SIX");

        assertThatThrownBy(() -> infer(request(4, "user", GENEROUS).toBuilder().setModel("yolo-v11").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
                    assertThat(e.getStatus().getDescription())
                            .isEqualTo("unknown model 'yolo-v11': this server serves [pose-v1, blazeface-short-range]");
                });
        assertThat(server.counter("driftless_server_rejected", "reason", "invalid")).isEqualTo(1);
        assertThat(server.counter("driftless_server_rejected", "reason", "unknown_model")).isEqualTo(1);
    }

    @Test
    void reportsItselfServingOnTheStandardHealthServiceAndListsItsServicesByReflection() throws Exception {
        HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
        assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus()).isEqualTo(ServingStatus.SERVING);
        assertThat(health.check(HealthCheckRequest.newBuilder().setService(InferenceServiceGrpc.SERVICE_NAME).build())
                .getStatus()).isEqualTo(ServingStatus.SERVING);

        CompletableFuture<List<String>> services = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> reflection = ServerReflectionGrpc.newStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse response) {
                        services.complete(response.getListServicesResponse().getServiceList().stream()
                                .map(ServiceResponse::getName).toList());
                    }

                    @Override
                    public void onError(Throwable error) {
                        services.completeExceptionally(error);
                    }

                    @Override
                    public void onCompleted() {}
                });
        reflection.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        reflection.onCompleted();
        assertThat(services.get(10, TimeUnit.SECONDS))
                .contains("driftless.v1.InferenceService", "grpc.health.v1.Health");
    }

    @Test
    void servesItsMetricsInPrometheusTextFormat() throws Exception {
        for (long id = 1; id <= 5; id++) {
            infer(request(id, "user", GENEROUS));
        }
        infer(request(6, "late", 0));
        String text;
        try (HTTPServer http = server.metrics.serve(0)) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + http.getPort() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            text = response.body();
        }
        assertThat(text)
                .contains("driftless_server_requests_total{model=\"pose-v1\",outcome=\"ok\"} 5.0")
                .contains("driftless_server_requests_total{model=\"pose-v1\",outcome=\"late_on_arrival\"} 1.0")
                .contains("driftless_server_rejected_total{model=\"pose-v1\",reason=\"expired\"} 1.0")
                .contains("driftless_server_queue_depth{model=\"pose-v1\"} 0.0")
                .contains("driftless_server_in_flight{model=\"pose-v1\"} 0.0")
                .contains("driftless_server_batch_size_count{model=\"pose-v1\"} 5")
                .contains("driftless_server_compute_seconds_count{model=\"pose-v1\"} 5")
                .contains("driftless_server_queue_seconds_count{model=\"pose-v1\"} 5");
    }

    @Test
    void finishesTheCallsInFlightWhenStoppedGracefullyAndThenRefusesNewOnes() throws Exception {
        InferenceServiceGrpc.InferenceServiceFutureStub stub = InferenceServiceGrpc.newFutureStub(channel)
                .withDeadlineAfter(30, TimeUnit.SECONDS);
        infer(request(0, "warm", GENEROUS));
        List<ListenableFuture<InferResponse>> inFlight = new ArrayList<>();
        for (long id = 1; id <= 200; id++) {
            inFlight.add(stub.infer(request(id, "user", GENEROUS)));
        }
        // every call has reached the server once it has counted them all as received or answered
        awaitCounted(201, "the 200 calls and the warm-up reaching the server");

        assertThat(server.server.stop(java.time.Duration.ofSeconds(20))).isTrue();

        for (var call : inFlight) {
            assertThat(call.get(30, TimeUnit.SECONDS).hasCoordinates()).isTrue();
        }
        assertThatThrownBy(() -> infer(request(999, "user", GENEROUS)))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    }

    @Test
    void answersEveryFrameOfAHalfClosedStreamAndEndsItWhenStoppedGracefully() throws Exception {
        infer(request(0, "warm", GENEROUS));
        AnswerCollector.Answers stream = AnswerCollector.stream(channel, 200, "session-", GENEROUS);
        Map<Long, InferResponse> answers = stream.byId();
        CompletableFuture<Void> ended = stream.ended();
        // the stream has reached the server once it has counted one of its frames
        awaitCounted(2, "the stream's first frame and the warm-up reaching the server");

        assertThat(server.server.stop(java.time.Duration.ofSeconds(20))).isTrue();

        assertThat(ended).as("the stream, ended by the server").succeedsWithin(java.time.Duration.ofSeconds(30));
        assertThat(answers).hasSize(200).allSatisfy((id, response) ->
                assertThat(response.getCoordinates().getSequence()).as("answer %s", id).isEqualTo(id));
    }

    /** Polls until the server has counted {@code calls} as answered or in flight. */
    private void awaitCounted(int calls, String what) {
        await(what).atMost(java.time.Duration.ofSeconds(30)).pollInterval(java.time.Duration.ofMillis(1))
                .until(() -> server.counter("driftless_server_requests") + inFlightGauge(),
                        counted -> counted >= calls);
    }

    private double inFlightGauge() {
        for (var snapshot : server.metrics.registry().scrape()) {
            if (snapshot.getMetadata().getPrometheusName().equals("driftless_server_in_flight")) {
                return ((io.prometheus.metrics.model.snapshots.GaugeSnapshot) snapshot).getDataPoints().stream()
                        .mapToDouble(p -> p.getValue()).sum();
            }
        }
        return 0;
    }
}
