package io.driftless.inference.remote;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftless.inference.MicroClock;
import io.driftless.inference.service.FrameEnvelope;
import io.driftless.inference.service.InferenceOutcome;
import io.driftless.inference.service.OnnxPoseInference;
import io.driftless.inference.onnx.RunnerOptions;
import io.driftless.inference.pose.PoseModelAdapter;
import io.driftless.inference.testutils.Faces;
import io.driftless.inference.testutils.RunningServer;
import io.driftless.proto.DropReason;
import io.driftless.proto.InferRequest;
import io.driftless.proto.InferResponse;
import io.driftless.proto.InferenceServiceGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The job's remote backend against a real server on a local port. */
class RemoteInferenceTest {

    private static final MicroClock CLOCK = MicroClock.system();
    /** Functional checks: a budget no scheduling hiccup of a busy test machine can eat. */
    private static final long GENEROUS = 5_000_000;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closing(T resource) {
        toClose.add(resource);
        return resource;
    }

    /**
     * A server started after its client, closed after it all the same: a server's graceful stop
     * waits its whole grace for streams a client still holds open.
     */
    private RunningServer closingAfterTheClients(RunningServer server) {
        toClose.add(0, server);
        return server;
    }

    private RemoteInference client(String target) {
        // no warm-up: these tests count the server's answers
        return client(target, 0, CLOCK);
    }

    private RemoteInference client(String target, int warmUpCalls, MicroClock clock) {
        return closing((RemoteInference) RemoteInferenceFactory.builder(target, PoseModelAdapter.MODEL_NAME)
                .warmUpCalls(warmUpCalls)
                .build()
                .create(clock));
    }

    /** Sends a frame a poll until one is answered, as clients do once a server is back. */
    private static void awaitAnsweredAgain(RemoteInference remote) {
        Awaitility.await("an answer once the server is back").atMost(Duration.ofSeconds(30)).pollInSameThread()
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                .until(() -> await(remote.infer(Faces.frames(1, 4, 1_000_000).get(0))).succeeded());
    }

    private static InferenceOutcome await(CompletableFuture<InferenceOutcome> outcome) throws Exception {
        return outcome.get(30, TimeUnit.SECONDS);
    }

    @Test
    void answersEveryFrameExactlyAsInProcessInferenceDoes() throws Exception {
        RunningServer server = closing(RunningServer.start());
        RemoteInference remote = client(server.target());
        OnnxPoseInference local = closing(new OnnxPoseInference(
                PoseModelAdapter.bundledModel(), RunnerOptions.DEFAULTS, CLOCK));

        for (FrameEnvelope frame : Faces.frames(40, 11, GENEROUS)) {
            // one at a time on both sides: both run batches of one, so the numbers must agree exactly
            InferenceOutcome expected = await(local.infer(frame));
            InferenceOutcome actual = await(remote.infer(frame));

            assertThat(actual.succeeded()).as("remote outcome of %s: %s", frame.sequence, actual.detail).isTrue();
            assertThat(actual.frame).isSameAs(frame);
            assertThat(actual.model).isEqualTo(expected.model);
            assertThat(new float[] {actual.yawDeg, actual.pitchDeg, actual.rollDeg, actual.xM, actual.yM, actual.zM,
                            actual.confidence})
                    .containsExactly(expected.yawDeg, expected.pitchDeg, expected.rollDeg, expected.xM, expected.yM,
                            expected.zM, expected.confidence);
            assertThat(actual.batchSize).isEqualTo(1);
            assertThat(actual.inferenceStartUs).isPositive().isLessThanOrEqualTo(actual.inferenceEndUs);
        }
        assertThat(server.counter("driftless_server_requests", "model", "pose-v1", "outcome", "ok")).isEqualTo(40);
    }

    @Test
    void learnsItsExpectedLatencyFromRoundTrips() throws Exception {
        RunningServer server = closing(RunningServer.start());
        RemoteInference remote = client(server.target());
        assertThat(remote.expectedLatencyMicros()).isEqualTo(RemoteInferenceFactory.INITIAL_LATENCY_MICROS);

        long slowest = 0;
        for (FrameEnvelope frame : Faces.frames(20, 3, GENEROUS)) {
            long sent = CLOCK.nowMicros();
            await(remote.infer(frame));
            slowest = Math.max(slowest, CLOCK.nowMicros() - sent);
        }
        // a high percentile of the round trips it saw: never more than the slowest of them
        assertThat(remote.expectedLatencyMicros()).isPositive().isLessThanOrEqualTo(slowest);
    }

    @Test
    void fallsBackToItsInitialEstimateOnceNoAnswerCameForASecondAndThenLearnsAfresh() throws Exception {
        RunningServer server = closing(RunningServer.start());
        AtomicLong now = new AtomicLong(CLOCK.nowMicros());
        RemoteInference remote = client(server.target(), 0, now::get);
        FrameEnvelope frame = Faces.frames(1, 1, GENEROUS).get(0);

        // the test's clock stands still during a call: every round trip it sees takes 0 us
        assertThat(await(remote.infer(frame)).succeeded()).isTrue();
        assertThat(remote.expectedLatencyMicros()).isZero();

        now.addAndGet(RemoteInference.STALE_AFTER_MICROS + 1);
        assertThat(remote.expectedLatencyMicros()).isEqualTo(RemoteInferenceFactory.INITIAL_LATENCY_MICROS);

        assertThat(await(remote.infer(Faces.renewed(frame, GENEROUS))).succeeded()).isTrue();
        assertThat(remote.expectedLatencyMicros()).isZero();
    }

    @Test
    void warmsTheCallPathUpBeforeItsFirstFrameAndForgetsThoseRoundTrips() throws Exception {
        RunningServer server = closing(RunningServer.start());
        RemoteInference remote = client(server.target(), 300, CLOCK);

        assertThat(server.counter("driftless_server_requests", "outcome", "ok")).isEqualTo(300);
        assertThat(remote.expectedLatencyMicros()).isEqualTo(RemoteInferenceFactory.INITIAL_LATENCY_MICROS);
        assertThat(await(remote.infer(Faces.frames(1, 1, GENEROUS).get(0))).succeeded()).isTrue();
    }

    @Test
    void endsTheWarmUpEarlyWhenNoServerAnswers() throws Exception {
        int freePort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            freePort = socket.getLocalPort();
        }
        RemoteInference remote = client("localhost:" + freePort, RemoteInferenceFactory.WARM_UP_CALLS, CLOCK);

        assertThat(remote.circuitOpen()).as("the unreachable server opened the circuit").isTrue();
        InferenceOutcome outcome = await(remote.infer(Faces.frames(1, 1, GENEROUS).get(0)));
        assertThat(outcome.dropReason).isEqualTo(DropReason.INFERENCE_FAILED);
    }

    @Test
    void shedsLoadBeyondTheServersQueueAsOverloadedWhileEveryAcceptedFrameMakesItsDeadline() throws Exception {
        // one frame per model call and room for eight waiting: a burst of 400 overflows it
        RunningServer server = closing(RunningServer.start(0, InsecureServerCredentials.create(),
                RunnerOptions.builder().maxBatchSize(1).queueCapacity(8).initialLatencyMicros(1_000).build()));
        // no in-flight limit: the whole burst must reach the server for its queue to overflow
        RemoteInference remote = closing((RemoteInference) RemoteInferenceFactory.builder(server.target(), PoseModelAdapter.MODEL_NAME)
                .warmUpCalls(0)
                .inFlightLimit(InFlightLimitOptions.OFF)
                .build()
                .create(CLOCK));
        await(remote.infer(Faces.frames(1, 1, GENEROUS).get(0)));

        List<CompletableFuture<InferenceOutcome>> burst = new ArrayList<>();
        for (FrameEnvelope frame : Faces.frames(400, 5, GENEROUS)) {
            burst.add(remote.infer(frame));
        }
        long ok = 0;
        long overloaded = 0;
        long streamsFull = 0;
        for (CompletableFuture<InferenceOutcome> future : burst) {
            InferenceOutcome outcome = await(future);
            if (outcome.succeeded()) {
                ok++;
                assertThat(outcome.inferenceEndUs).as("answer within the frame's deadline")
                        .isLessThanOrEqualTo(outcome.frame.deadlineUs);
            } else {
                assertThat(outcome.dropReason).as(outcome.detail).isEqualTo(DropReason.OVERLOADED);
                // whether the transport's flow control also refuses some of the burst, before
                // they reach the server, depends on how fast the frames are flushed
                if (outcome.detail.equals("inference server refused the frame: every one of the 2 streams to it is"
                        + " full (it reads frames slower than they come)")) {
                    streamsFull++;
                } else {
                    assertThat(outcome.detail)
                            .isEqualTo("inference server refused the frame: inference queue full (8 waiting)");
                    overloaded++;
                }
            }
        }
        assertThat(ok).isPositive();
        assertThat(overloaded).isPositive();
        assertThat(ok + overloaded + streamsFull).isEqualTo(400);
        assertThat(server.counter("driftless_server_rejected", "reason", "overloaded")).isEqualTo(overloaded);
        assertThat(remote.circuitOpen()).as("a refusing server is alive: the circuit stays closed").isFalse();
    }

    @Test
    void dropsFramesAsInferenceFailedWhileTheServerIsDownAndResumesByItselfWhenItIsBack() throws Exception {
        RunningServer server = RunningServer.start();
        int port = server.port();
        RemoteInference remote = client(server.target());
        assertThat(await(remote.infer(Faces.frames(1, 1, GENEROUS).get(0))).succeeded()).isTrue();

        server.kill();
        List<InferenceOutcome> duringOutage = new ArrayList<>();
        for (FrameEnvelope frame : Faces.frames(50, 2, GENEROUS)) {
            duringOutage.add(await(remote.infer(frame)));
        }
        assertThat(duringOutage).allSatisfy(outcome -> {
            assertThat(outcome.dropReason).isEqualTo(DropReason.INFERENCE_FAILED);
            // a failed call, or refused without a call once the circuit is open
            // a broken stream (the kill cancels it, or it finds no connection), or refused without
            // sending once the circuit is open
            assertThat(outcome.detail).satisfiesAnyOf(
                    d -> assertThat(d).startsWith("inference server unavailable: "),
                    d -> assertThat(d).startsWith("inference server unreachable (circuit open); next probe in"));
        });
        assertThat(duringOutage).filteredOn(o -> o.detail.contains("circuit open")).isNotEmpty();
        assertThat(remote.circuitOpen()).isTrue();

        RunningServer restarted = closingAfterTheClients(RunningServer.start(port, InsecureServerCredentials.create(),
                RunnerOptions.DEFAULTS));
        awaitAnsweredAgain(remote);
        assertThat(remote.circuitOpen()).isFalse();
        assertThat(restarted.counter("driftless_server_requests", "outcome", "ok")).isPositive();
    }

    @Test
    void balancesRoundRobinOverEveryServerOfTheTarget() throws Exception {
        RunningServer first = closing(RunningServer.start());
        RunningServer second = closing(RunningServer.start());
        RemoteInference remote = client("localhost:" + first.port() + ",127.0.0.1:" + second.port());

        for (FrameEnvelope frame : Faces.frames(40, 9, GENEROUS)) {
            assertThat(await(remote.infer(frame)).succeeded()).isTrue();
        }
        double onFirst = first.counter("driftless_server_requests", "outcome", "ok");
        double onSecond = second.counter("driftless_server_requests", "outcome", "ok");
        assertThat(onFirst + onSecond).isEqualTo(40);
        assertThat(onFirst).as("calls on the first server").isGreaterThanOrEqualTo(10);
        assertThat(onSecond).as("calls on the second server").isGreaterThanOrEqualTo(10);
    }

    @Test
    void dropsAFrameWhoseDeadlinePassedWithoutCallingTheServer() throws Exception {
        RunningServer server = closing(RunningServer.start());
        RemoteInference remote = client(server.target());
        FrameEnvelope late = Faces.frames(1, 1, -1_000).get(0);

        InferenceOutcome outcome = await(remote.infer(late));

        assertThat(outcome.dropReason).isEqualTo(DropReason.LATE_ON_ARRIVAL);
        assertThat(outcome.detail).contains("before the call to the inference server");
        assertThat(server.counter("driftless_server_requests")).isZero();
    }

    @Test
    void dropsAFrameAtItsOwnDeadlineWhileTheOthersOnTheSameStreamAreAnswered() throws Exception {
        // every batch takes 300 ms longer than the model needs; the server expects 1 ms and admits all
        RunningServer server = closing(RunningServer.slowed(300_000,
                RunnerOptions.builder().maxBatchSize(4).queueCapacity(64).initialLatencyMicros(1_000).build()));
        RemoteInference remote = closing((RemoteInference) RemoteInferenceFactory.builder("127.0.0.1:" + server.port(), PoseModelAdapter.MODEL_NAME)
                .streamsPerServer(1)
                .warmUpCalls(0)
                .build()
                .create(CLOCK));
        assertThat(remote.streams()).isEqualTo(1);

        CompletableFuture<InferenceOutcome> hurried = remote.infer(Faces.frames(1, 21, 100_000).get(0));
        List<CompletableFuture<InferenceOutcome>> patient = new ArrayList<>();
        for (FrameEnvelope frame : Faces.frames(3, 22, GENEROUS)) {
            patient.add(remote.infer(frame));
        }

        InferenceOutcome late = await(hurried);
        assertThat(late.dropReason).as(late.detail).isEqualTo(DropReason.DEADLINE_EXCEEDED);
        assertThat(late.detail).startsWith("no answer from the inference server within the remaining budget of ");
        for (CompletableFuture<InferenceOutcome> frame : patient) {
            InferenceOutcome outcome = await(frame);
            assertThat(outcome.succeeded()).as(outcome.detail).isTrue();
        }
        // the server did answer the hurried frame, after its deadline: the client had let it go
        assertThat(server.counter("driftless_server_late_answers")).isEqualTo(1);
        assertThat(remote.circuitOpen()).as("a slow answer is no outage").isFalse();
    }

    @Test
    void failsEveryFrameWaitingOnAStreamAtOnceWhenTheServerDiesAndResumesOnTheRestartedOne() throws Exception {
        RunningServer server = RunningServer.slowed(500_000,
                RunnerOptions.builder().maxBatchSize(1).queueCapacity(64).initialLatencyMicros(1_000).build());
        int port = server.port();
        RemoteInference remote = client("127.0.0.1:" + port);
        assertThat(await(remote.infer(Faces.frames(1, 1, GENEROUS).get(0))).succeeded()).isTrue();

        // budgets far beyond what the test waits for: only the broken stream can decide these frames
        List<CompletableFuture<InferenceOutcome>> waiting = new ArrayList<>();
        for (FrameEnvelope frame : Faces.frames(8, 31, 600_000_000)) {
            waiting.add(remote.infer(frame));
        }
        server.kill();

        for (CompletableFuture<InferenceOutcome> frame : waiting) {
            InferenceOutcome outcome = await(frame);
            assertThat(outcome.dropReason).as(outcome.detail).isEqualTo(DropReason.INFERENCE_FAILED);
            assertThat(outcome.detail).startsWith("inference server unavailable: ");
        }
        assertThat(remote.circuitOpen()).as("eight lost frames count as eight failed calls").isTrue();

        RunningServer restarted = closingAfterTheClients(RunningServer.start(port, InsecureServerCredentials.create(),
                RunnerOptions.DEFAULTS));
        awaitAnsweredAgain(remote);
        assertThat(remote.circuitOpen()).isFalse();
        assertThat(restarted.counter("driftless_server_requests", "outcome", "ok")).isPositive();
    }

    @Test
    void replacesAnAgedStreamSoThatAServerStartedLaterGetsItsShare() throws Exception {
        RunningServer first = closing(RunningServer.start());
        int laterPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            laterPort = socket.getLocalPort();
        }
        RemoteInference remote = closing((RemoteInference) RemoteInferenceFactory.builder("127.0.0.1:" + first.port() + ",127.0.0.1:" + laterPort, PoseModelAdapter.MODEL_NAME)
                .streamsPerServer(1)
                .warmUpCalls(0)
                .streamMaxAgeMicros(50_000)
                .build()
                .create(CLOCK));
        assertThat(await(remote.infer(Faces.frames(1, 1, GENEROUS).get(0))).succeeded()).isTrue();

        RunningServer later = closingAfterTheClients(RunningServer.start(laterPort,
                InsecureServerCredentials.create(), RunnerOptions.DEFAULTS));
        List<FrameEnvelope> frames = Faces.frames(64, 5, GENEROUS);
        AtomicInteger sent = new AtomicInteger();
        // one frame a poll, each of which must be answered (a failure ends the wait at once),
        // until the later server has answered one
        Awaitility.await("the server started later answering").atMost(Duration.ofSeconds(30)).pollInSameThread()
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                .until(() -> {
                    if (later.counter("driftless_server_requests", "outcome", "ok") > 0) {
                        return true;
                    }
                    FrameEnvelope frame = frames.get(sent.getAndIncrement() % frames.size());
                    InferenceOutcome outcome = await(remote.infer(Faces.renewed(frame, GENEROUS)));
                    assertThat(outcome.succeeded()).as(outcome.detail).isTrue();
                    return false;
                });
    }

    @Test
    void closingWaitsForTheAnswersToFramesAlreadySent() throws Exception {
        RunningServer server = closing(RunningServer.slowed(200_000,
                RunnerOptions.builder().maxBatchSize(1).queueCapacity(64).initialLatencyMicros(1_000).build()));
        RemoteInference remote = client(server.target());
        List<CompletableFuture<InferenceOutcome>> sent = new ArrayList<>();
        for (FrameEnvelope frame : Faces.frames(3, 41, GENEROUS)) {
            sent.add(remote.infer(frame));
        }

        remote.close();

        for (CompletableFuture<InferenceOutcome> frame : sent) {
            assertThat(frame).as("decided by the time close returns").isDone();
            assertThat(frame.get().succeeded()).as(frame.get().detail).isTrue();
        }
        InferenceOutcome afterClose = await(remote.infer(Faces.frames(1, 42, GENEROUS).get(0)));
        assertThat(afterClose.dropReason).isEqualTo(DropReason.INFERENCE_FAILED);
        assertThat(afterClose.detail).isEqualTo("the remote inference client is closed");
    }

    @Test
    void refusesFramesAsOverloadedOnceTheServerStopsReadingRatherThanBufferingThem() throws Exception {
        // no in-flight limit: HTTP/2 flow control alone must bound what is sent
        RemoteInference remote = clientOfStalledServer(InFlightLimitOptions.OFF);

        FrameEnvelope frame = Faces.frames(1, 51, 1_000_000).get(0);
        List<CompletableFuture<InferenceOutcome>> sent = new ArrayList<>();
        InferenceOutcome refused = null;
        while (refused == null && sent.size() < 200_000) {
            CompletableFuture<InferenceOutcome> outcome = remote.infer(Faces.renewed(frame, 1_000_000));
            if (outcome.isDone() && !outcome.get().succeeded()) {
                refused = outcome.get();
            } else {
                sent.add(outcome);
            }
        }

        assertThat(refused).as("a frame refused after %s sent", sent.size()).isNotNull();
        assertThat(refused.dropReason).isEqualTo(DropReason.OVERLOADED);
        assertThat(refused.detail).isEqualTo("inference server refused the frame: every one of the 1 streams to it is"
                + " full (it reads frames slower than they come)");
        // what was sent stays bounded by HTTP/2's window, and each of it ends by its own deadline
        assertThat(sent.size()).isLessThan(100_000);
        for (CompletableFuture<InferenceOutcome> outcome : sent) {
            assertThat(await(outcome).dropReason).isEqualTo(DropReason.DEADLINE_EXCEEDED);
        }
        assertThat(remote.circuitOpen()).isFalse();
    }

    @Test
    void sendsNoMoreThanItsInFlightLimitToAServerThatStopsAnsweringAndTakesThePlacesBackAtTheDeadlines()
            throws Exception {
        RemoteInference remote = clientOfStalledServer(InFlightLimitOptions.VEGAS);
        int limit = InFlightLimitOptions.VEGAS.initialLimit();
        assertThat(remote.inFlightLimit()).isEqualTo(limit);

        List<CompletableFuture<InferenceOutcome>> sent = new ArrayList<>();
        for (FrameEnvelope frame : Faces.frames(limit, 52, 1_000_000)) {
            sent.add(remote.infer(frame));
        }
        InferenceOutcome refused = await(remote.infer(Faces.frames(1, 53, 1_000_000).get(0)));

        assertThat(sent).noneMatch(CompletableFuture::isDone);
        assertThat(remote.inFlight()).isEqualTo(limit);
        assertThat(refused.dropReason).isEqualTo(DropReason.OVERLOADED);
        assertThat(refused.detail).isEqualTo("inference client refused the frame: 20 frames in flight to the inference"
                + " server, at its in-flight limit of 20 (learned from round trips: more would wait past their"
                + " deadlines in the server's queue)");
        for (CompletableFuture<InferenceOutcome> outcome : sent) {
            assertThat(await(outcome).dropReason).isEqualTo(DropReason.DEADLINE_EXCEEDED);
        }
        assertThat(remote.inFlight()).as("places held once every frame sent is decided").isZero();
        assertThat(await(remote.infer(Faces.frames(1, 54, 1_000_000).get(0))).detail)
                .as("a frame after the places came back is sent, not refused")
                .startsWith("no answer from the inference server within the remaining budget");
    }

    /**
     * A client with one stream to a {@link #stalledServer()}. The server is shut down before the
     * client closes: it never ends a stream, so the client's close would wait out its bounds.
     */
    private RemoteInference clientOfStalledServer(InFlightLimitOptions inFlightLimit) throws Exception {
        Server stalled = stalledServer();
        RemoteInference remote = closing((RemoteInference) RemoteInferenceFactory.builder("127.0.0.1:" + stalled.getPort(), PoseModelAdapter.MODEL_NAME)
                .streamsPerServer(1)
                .warmUpCalls(0)
                .inFlightLimit(inFlightLimit)
                .build()
                .create(CLOCK));
        // closed in the reverse order of registration: the server first
        closing(() -> stalled.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
        return remote;
    }

    /** A server that takes the stream and never asks for a message: HTTP/2 flow control fills up. */
    private static Server stalledServer() throws Exception {
        Server stalled = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                .addService(new InferenceServiceGrpc.InferenceServiceImplBase() {
                    @Override
                    public StreamObserver<InferRequest> inferStream(StreamObserver<InferResponse> responses) {
                        ((ServerCallStreamObserver<InferResponse>) responses).disableAutoRequest();
                        return new StreamObserver<>() {
                            @Override
                            public void onNext(InferRequest request) {
                            }

                            @Override
                            public void onError(Throwable error) {
                            }

                            @Override
                            public void onCompleted() {
                                responses.onCompleted();
                            }
                        };
                    }
                })
                .build()
                .start();
        return stalled;
    }
}
