package io.driftless.microbench;

import io.driftless.inference.MicroClock;
import io.driftless.inference.onnx.RunnerOptions;
import io.driftless.inference.pose.FaceGeometry;
import io.driftless.inference.pose.HeadPose;
import io.driftless.inference.pose.PinholeCamera;
import io.driftless.inference.pose.PoseModelAdapter;
import io.driftless.inference.remote.InFlightLimitOptions;
import io.driftless.inference.remote.InferRequests;
import io.driftless.inference.remote.RemoteInferenceFactory;
import io.driftless.inference.server.InferenceServer;
import io.driftless.inference.server.ModelCatalog;
import io.driftless.inference.server.ServerMetrics;
import io.driftless.inference.service.FrameEnvelope;
import io.driftless.inference.service.FrameInference;
import io.driftless.proto.InferRequest;
import io.driftless.proto.InferResponse;
import io.driftless.proto.InferenceServiceGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Frames per second the inference server answers to a client in the same JVM that keeps
 * {@value #IN_FLIGHT} frames outstanding: over the job's streaming client, and over one unary
 * call per frame. Each operation hands one frame over once a slot is free, so in the steady state
 * the rate of operations is the rate of answers. Set it against {@link PoseModelBenchmark}, the
 * bare model at batch 1 and 64; what a server offered twice its capacity does is the benchmark
 * suite's remote-inference scenario.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class InferenceServerThroughputBenchmark {

    private static final int IN_FLIGHT = 256;
    private static final int FRAMES = 1024;
    private static final long BUDGET_MICROS = 5_000_000;

    @Param({"streams", "unary"})
    String calls;

    private InferenceServer server;
    private FrameInference streams;
    private ManagedChannel channel;
    private InferenceServiceGrpc.InferenceServiceStub unary;
    private final Semaphore slots = new Semaphore(IN_FLIGHT);
    private FrameEnvelope[] frames;
    private InferRequest[] requests;
    private int next;
    /** Frames not answered with a pose: a benchmark of refusals would be no benchmark. */
    private final AtomicLong unanswered = new AtomicLong();
    private volatile String firstFailure;

    @Setup
    public void start() throws Exception {
        ServerMetrics metrics = new ServerMetrics();
        server = new InferenceServer(Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()),
                ModelCatalog.bundled(RunnerOptions.DEFAULTS, MicroClock.system(), metrics), metrics, 2,
                MicroClock.system()).start();
        String target = "localhost:" + server.port();
        // no in-flight limit: the frames outstanding measure the transport, not the limit
        streams = RemoteInferenceFactory.builder(target, PoseModelAdapter.MODEL_NAME)
                .inFlightLimit(InFlightLimitOptions.OFF)
                .build()
                .create(MicroClock.system());
        channel = Grpc.newChannelBuilder(target, InsecureChannelCredentials.create()).directExecutor().build();
        unary = InferenceServiceGrpc.newStub(channel);
        frames = faces();
        requests = new InferRequest[FRAMES];
        for (int i = 0; i < FRAMES; i++) {
            requests[i] = InferRequests.of(frames[i], PoseModelAdapter.MODEL_NAME, i, BUDGET_MICROS);
        }
    }

    @TearDown
    public void stop() throws Exception {
        slots.acquire(IN_FLIGHT);
        streams.close();
        if (unanswered.get() > 0) {
            throw new IllegalStateException(unanswered.get() + " frames were not answered with a pose, the first: "
                    + firstFailure);
        }
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.stop(Duration.ofSeconds(5));
    }

    @Benchmark
    public void frame() throws InterruptedException {
        slots.acquire();
        int i = next++ % FRAMES;
        if (calls.equals("streams")) {
            streams.infer(renewed(frames[i])).whenComplete((outcome, error) -> {
                if (error != null || !outcome.succeeded()) {
                    failed(error != null ? error.toString() : outcome.dropReason + ": " + outcome.detail);
                }
                slots.release();
            });
        } else {
            unary.withDeadlineAfter(5, TimeUnit.SECONDS).infer(requests[i], new StreamObserver<InferResponse>() {
                @Override
                public void onNext(InferResponse response) {
                    if (response.hasDropped()) {
                        failed(response.getDropped().toString());
                    }
                }

                @Override
                public void onError(Throwable error) {
                    failed(error.toString());
                    slots.release();
                }

                @Override
                public void onCompleted() {
                    slots.release();
                }
            });
        }
    }

    private void failed(String why) {
        if (unanswered.getAndIncrement() == 0) {
            firstFailure = why;
        }
    }

    /** Faces in seeded random poses, as the job hands them to inference. */
    private static FrameEnvelope[] faces() {
        Random random = new Random(42);
        PinholeCamera camera = PinholeCamera.withHorizontalFov(640, 480, 60);
        FrameEnvelope[] faces = new FrameEnvelope[FRAMES];
        for (int i = 0; i < FRAMES; i++) {
            HeadPose pose = new HeadPose(random.nextDouble() * 60 - 30, random.nextDouble() * 30 - 15,
                    random.nextDouble() * 20 - 10, random.nextDouble() * 0.1 - 0.05,
                    random.nextDouble() * 0.1 - 0.05, 0.4 + random.nextDouble() * 0.4);
            FrameEnvelope frame = new FrameEnvelope();
            frame.sessionId = "user-" + (i % 7);
            frame.sequence = i + 1;
            frame.deadlineMs = (int) (BUDGET_MICROS / 1000);
            frame.keypoints = FaceGeometry.projectKeypoints(pose, camera);
            frame.imageWidth = camera.width();
            frame.imageHeight = camera.height();
            frame.focalLengthPx = (float) camera.focalPx();
            faces[i] = frame;
        }
        return faces;
    }

    /** A copy of {@code frame} captured now, with the whole budget ahead of it. */
    private static FrameEnvelope renewed(FrameEnvelope frame) {
        long now = MicroClock.system().nowMicros();
        FrameEnvelope copy = new FrameEnvelope();
        copy.sessionId = frame.sessionId;
        copy.sequence = frame.sequence;
        copy.captureTimeUs = now;
        copy.sendTimeUs = now;
        copy.ingestUs = now;
        copy.deadlineMs = frame.deadlineMs;
        copy.deadlineUs = now + BUDGET_MICROS;
        copy.keypoints = frame.keypoints;
        copy.imageWidth = frame.imageWidth;
        copy.imageHeight = frame.imageHeight;
        copy.focalLengthPx = frame.focalLengthPx;
        return copy;
    }
}
