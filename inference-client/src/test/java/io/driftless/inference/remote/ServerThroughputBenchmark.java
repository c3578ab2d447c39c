package io.driftless.inference.remote;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.driftless.inference.MicroClock;
import io.driftless.inference.service.FrameEnvelope;
import io.driftless.inference.service.FrameInference;
import io.driftless.inference.service.InferenceOutcome;
import io.driftless.inference.pose.FaceKeypoints;
import io.driftless.inference.pose.PoseModelAdapter;
import io.driftless.inference.testutils.Faces;
import io.driftless.inference.testutils.RunningServer;
import io.driftless.proto.Frame;
import io.driftless.proto.InferRequest;
import io.driftless.proto.InferResponse;
import io.driftless.proto.InferenceServiceGrpc;
import io.driftless.proto.KeypointScheme;
import io.driftless.proto.Landmarks;
import io.driftless.proto.Point;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * How many frames per second the inference server answers, over the client's streams and over
 * one unary call per frame, against the bare model called in a loop in the same JVM, and what a
 * server offered twice what it can answer does with 33 ms frames. Prints its figures; asserts nothing about time. Not part of the build's tests (its
 * name matches no include pattern); run it on a quiet machine with
 * {@code mvn -B -o -pl inference-client -am test -Dtest=ServerThroughputBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class ServerThroughputBenchmark {

    private static final long WARM_UP_NANOS = TimeUnit.SECONDS.toNanos(3);
    private static final long MEASURE_NANOS = TimeUnit.SECONDS.toNanos(5);

    @Test
    void serverThroughputAgainstTheBareModelAndOnTimeRatioAtTwiceCapacity() throws Exception {
        List<FrameEnvelope> frames = Faces.frames(1024, 42, 5_000_000);
        double bare1 = bareModel(frames, 1);
        double bare64 = bareModel(frames, 64);
        System.out.printf("BENCH bare model, batch 1:  %,.0f frames/s%n", bare1);
        System.out.printf("BENCH bare model, batch 64: %,.0f frames/s%n", bare64);

        try (RunningServer server = RunningServer.start()) {
            ManagedChannel channel = Grpc.newChannelBuilder(server.target(), InsecureChannelCredentials.create())
                    .directExecutor()
                    .build();
            try {
                InferenceServiceGrpc.InferenceServiceStub stub = InferenceServiceGrpc.newStub(channel);
                unaryClosedLoop(stub, frames, 256, WARM_UP_NANOS);
                double before = server.counter("driftless_server_requests", "outcome", "ok");
                long batches = server.histogramCount("driftless_server_batch_size");
                double served = unaryClosedLoop(stub, frames, 256, MEASURE_NANOS);
                double mean = (server.counter("driftless_server_requests", "outcome", "ok") - before)
                        / Math.max(1, server.histogramCount("driftless_server_batch_size") - batches);
                System.out.printf("BENCH server, 256 unary calls in flight: %,.0f frames/s (%.3f of bare batch 64,"
                        + " %.2f of bare batch 1), mean batch %.1f%n", served, served / bare64, served / bare1, mean);
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }

        // no in-flight limit: 256 frames in flight measure the transport, not the limit
        try (RunningServer server = RunningServer.start();
                FrameInference client = RemoteInferenceFactory.builder(server.target(), PoseModelAdapter.MODEL_NAME)
                        .inFlightLimit(InFlightLimitOptions.OFF)
                        .build()
                        .create(MicroClock.system());
                FrameInference limited = RemoteInferenceFactory.builder(server.target(), PoseModelAdapter.MODEL_NAME)
                        .inFlightLimit(InFlightLimitOptions.VEGAS)
                        .build()
                        .create(MicroClock.system())) {
            closedLoop(client, frames, 256, WARM_UP_NANOS);
            double before = server.counter("driftless_server_requests", "outcome", "ok");
            long batches = server.histogramCount("driftless_server_batch_size");
            double served = closedLoop(client, frames, 256, MEASURE_NANOS);
            double mean = (server.counter("driftless_server_requests", "outcome", "ok") - before)
                    / Math.max(1, server.histogramCount("driftless_server_batch_size") - batches);
            System.out.printf("BENCH server, 256 frames in flight on the client's streams: %,.0f frames/s (%.3f of bare"
                    + " batch 64, %.2f of bare batch 1), mean batch %.1f%n", served, served / bare64, served / bare1, mean);

            Map<String, Long> outcomes = openLoop(client, frames, 2 * served, 33_000, MEASURE_NANOS);
            long total = outcomes.values().stream().mapToLong(Long::longValue).sum();
            System.out.printf("BENCH offered %,.0f frames/s (2x) with 33 ms budgets, no in-flight limit: %s, on time"
                    + " %.1f%%%n", 2 * served, outcomes, 100.0 * outcomes.getOrDefault("OK", 0L) / Math.max(1, total));
            outcomes = openLoop(limited, frames, 2 * served, 33_000, MEASURE_NANOS);
            total = outcomes.values().stream().mapToLong(Long::longValue).sum();
            System.out.printf("BENCH offered %,.0f frames/s (2x) with 33 ms budgets, in-flight limit %s: %s, on time"
                    + " %.1f%%%n", 2 * served, InFlightLimitOptions.VEGAS, outcomes,
                    100.0 * outcomes.getOrDefault("OK", 0L) / Math.max(1, total));
        }
    }

    /** Frames per second of encode, run and decode at {@code batchSize}, one thread. */
    private static double bareModel(List<FrameEnvelope> frames, int batchSize) throws Exception {
        PoseModelAdapter adapter = new PoseModelAdapter();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        List<FaceKeypoints> batch = new ArrayList<>();
        for (int i = 0; i < batchSize; i++) {
            FrameEnvelope f = frames.get(i % frames.size());
            batch.add(new FaceKeypoints(f.keypoints, f.imageWidth, f.imageHeight, f.focalLengthPx));
        }
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            try (OrtSession session = env.createSession(PoseModelAdapter.bundledModel(), options)) {
                for (long phase : new long[] {WARM_UP_NANOS, MEASURE_NANOS}) {
                    long start = System.nanoTime();
                    long calls = 0;
                    while (System.nanoTime() - start < phase) {
                        Map<String, OnnxTensor> inputs = adapter.encode(env, batch);
                        try (OrtSession.Result out = session.run(inputs)) {
                            adapter.decode(out, batch);
                        } finally {
                            inputs.values().forEach(OnnxTensor::close);
                        }
                        calls++;
                    }
                    if (phase == MEASURE_NANOS) {
                        return calls * batchSize / ((System.nanoTime() - start) / 1e9);
                    }
                }
            }
        }
        throw new IllegalStateException("unreachable");
    }

    /** Frames per second answered with {@code inFlight} calls outstanding at all times. */
    private static double closedLoop(FrameInference client, List<FrameEnvelope> frames, int inFlight, long nanos)
            throws Exception {
        Semaphore slots = new Semaphore(inFlight);
        long start = System.nanoTime();
        long answered = 0;
        for (int i = 0; System.nanoTime() - start < nanos; i++) {
            slots.acquire();
            client.infer(Faces.renewed(frames.get(i % frames.size()), 5_000_000))
                    .whenComplete((outcome, error) -> slots.release());
            answered++;
        }
        slots.acquire(inFlight);
        return (answered - inFlight) / ((System.nanoTime() - start) / 1e9);
    }

    /** Frames per second answered by one unary call each, {@code inFlight} calls outstanding at all times. */
    private static double unaryClosedLoop(InferenceServiceGrpc.InferenceServiceStub stub, List<FrameEnvelope> frames,
            int inFlight, long nanos) throws Exception {
        Semaphore slots = new Semaphore(inFlight);
        long start = System.nanoTime();
        long answered = 0;
        for (int i = 0; System.nanoTime() - start < nanos; i++) {
            slots.acquire();
            stub.withDeadlineAfter(5, TimeUnit.SECONDS).infer(request(frames.get(i % frames.size()), i),
                    new StreamObserver<>() {
                        @Override
                        public void onNext(InferResponse response) {
                        }

                        @Override
                        public void onError(Throwable error) {
                            slots.release();
                        }

                        @Override
                        public void onCompleted() {
                            slots.release();
                        }
                    });
            answered++;
        }
        slots.acquire(inFlight);
        return (answered - inFlight) / ((System.nanoTime() - start) / 1e9);
    }

    private static InferRequest request(FrameEnvelope frame, long id) {
        Landmarks.Builder landmarks = Landmarks.newBuilder()
                .setScheme(KeypointScheme.BLAZEFACE_SIX)
                .setImageWidth(frame.imageWidth)
                .setImageHeight(frame.imageHeight)
                .setFocalLengthPx(frame.focalLengthPx);
        for (int k = 0; k + 1 < frame.keypoints.length; k += 2) {
            landmarks.addKeypoints(Point.newBuilder().setX(frame.keypoints[k]).setY(frame.keypoints[k + 1]));
        }
        return InferRequest.newBuilder()
                .setRequestId(id)
                .setModel(PoseModelAdapter.MODEL_NAME)
                .setRemainingBudgetUs(5_000_000)
                .setFrame(Frame.newBuilder().setSessionId(frame.sessionId).setSequence(frame.sequence)
                        .setLandmarks(landmarks))
                .build();
    }

    /** Offers {@code rate} frames per second whatever comes back; counts the outcomes. */
    private static Map<String, Long> openLoop(FrameInference client, List<FrameEnvelope> frames, double rate,
            long budgetMicros, long nanos) throws Exception {
        List<CompletableFuture<InferenceOutcome>> outcomes = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; System.nanoTime() - start < nanos; ) {
            long due = (long) ((System.nanoTime() - start) / 1e9 * rate);
            for (; i < due; i++) {
                outcomes.add(client.infer(Faces.renewed(frames.get(i % frames.size()), budgetMicros)));
            }
            // a spinning generator would take a core from the server it measures
            java.util.concurrent.locks.LockSupport.parkNanos(200_000);
        }
        Map<String, Long> counts = new java.util.TreeMap<>();
        for (CompletableFuture<InferenceOutcome> future : outcomes) {
            InferenceOutcome outcome = future.get(30, TimeUnit.SECONDS);
            boolean onTime = outcome.succeeded() && outcome.inferenceEndUs <= outcome.frame.deadlineUs;
            String key = outcome.succeeded() ? (onTime ? "OK" : "LATE") : outcome.dropReason.name();
            counts.merge(key, 1L, Long::sum);
        }
        return counts;
    }
}
