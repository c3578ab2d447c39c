package io.driftless.inference.remote;

import io.driftless.inference.LatencyTracker;
import io.driftless.inference.MicroClock;
import io.driftless.inference.face.FaceDetection;
import io.driftless.inference.flink.FrameEnvelope;
import io.driftless.inference.flink.FrameInference;
import io.driftless.inference.flink.InferenceOutcome;
import io.driftless.inference.pose.FaceGeometry;
import io.driftless.inference.pose.HeadPose;
import io.driftless.inference.pose.PinholeCamera;
import com.google.protobuf.ByteString;
import io.driftless.proto.AnnotatedFrame;
import io.driftless.proto.ArCoordinates;
import io.driftless.proto.Box;
import io.driftless.proto.Detection;
import io.driftless.proto.Image;
import io.driftless.proto.DropReason;
import io.driftless.proto.Frame;
import io.driftless.proto.InferRequest;
import io.driftless.proto.InferResponse;
import io.driftless.proto.InferenceServiceGrpc;
import io.driftless.proto.KeypointScheme;
import io.driftless.proto.Landmarks;
import io.driftless.proto.Point;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The job's model on a remote inference server: each frame is one unary call whose gRPC
 * deadline is the frame's remaining budget.
 *
 * <p>Whatever happens becomes an outcome, never an exception: a refusal for a full queue is
 * OVERLOADED, no answer in time is DEADLINE_EXCEEDED, an unreachable server is
 * INFERENCE_FAILED. After a few unreachable answers in a row a {@link CircuitBreaker} stops
 * calling, so an outage costs no network round trip per frame, and a probe call now and then
 * finds the server again. Owns its channel and shuts it down on {@link #close}.
 */
public final class RemoteInference implements FrameInference {

    /** How long the round-trip estimate stands without a new answer. */
    static final long STALE_AFTER_MICROS = 1_000_000;

    private final ManagedChannel channel;
    private final InferenceServiceGrpc.InferenceServiceStub stub;
    private final String model;
    private final CircuitBreaker breaker;
    private final long initialLatencyMicros;
    private final MicroClock clock;
    private volatile LatencyTracker roundTrips;
    private volatile long lastAnswerMicros;
    private final AtomicLong requestIds = new AtomicLong();

    RemoteInference(ManagedChannel channel, String model, CircuitBreaker breaker, long initialLatencyMicros,
            MicroClock clock) {
        this.channel = channel;
        this.stub = InferenceServiceGrpc.newStub(channel);
        this.model = model;
        this.breaker = breaker;
        this.initialLatencyMicros = initialLatencyMicros;
        this.clock = clock;
        this.roundTrips = newTracker();
        this.lastAnswerMicros = clock.nowMicros();
    }

    @Override
    public String modelName() {
        return model;
    }

    @Override
    public CompletableFuture<InferenceOutcome> infer(FrameEnvelope frame) {
        if (frame.keypoints == null && frame.jpeg == null) {
            return CompletableFuture.completedFuture(InferenceOutcome.dropped(
                    frame, DropReason.INVALID, "frame has no payload"));
        }
        long sent = clock.nowMicros();
        long remaining = frame.deadlineUs - sent;
        if (remaining <= 0) {
            return CompletableFuture.completedFuture(InferenceOutcome.dropped(frame, DropReason.LATE_ON_ARRIVAL,
                    "deadline passed " + (-remaining) + " us before the call to the inference server"));
        }
        CircuitBreaker.Permit permit = breaker.acquire();
        if (permit == CircuitBreaker.Permit.REFUSED) {
            return CompletableFuture.completedFuture(
                    InferenceOutcome.dropped(frame, DropReason.INFERENCE_FAILED, breaker.refusal()));
        }
        InferenceServiceGrpc.InferenceServiceStub call = stub.withDeadlineAfter(remaining, TimeUnit.MICROSECONDS);
        if (permit == CircuitBreaker.Permit.PROBE) {
            // reconnect now rather than at the end of gRPC's reconnect backoff, and let the
            // probe wait for the connection within its budget
            channel.resetConnectBackoff();
            call = call.withWaitForReady();
        }
        Answer answer = new Answer(frame, sent, remaining, permit);
        call.infer(request(frame, remaining), answer);
        return answer.outcome;
    }

    private InferRequest request(FrameEnvelope frame, long remainingMicros) {
        Frame.Builder payload = Frame.newBuilder()
                .setSessionId(frame.sessionId)
                .setSequence(frame.sequence)
                .setCaptureTimeUs(frame.captureTimeUs)
                .setSendTimeUs(frame.sendTimeUs)
                .setDeadlineMs(frame.deadlineMs);
        if (frame.jpeg != null) {
            payload.setImage(Image.newBuilder()
                    .setJpeg(ByteString.copyFrom(frame.jpeg))
                    .setWidth(frame.imageWidth)
                    .setHeight(frame.imageHeight));
        } else {
            Landmarks.Builder landmarks = payload.getLandmarksBuilder()
                    .setScheme(KeypointScheme.BLAZEFACE_SIX)
                    .setImageWidth(frame.imageWidth)
                    .setImageHeight(frame.imageHeight)
                    .setFocalLengthPx(frame.focalLengthPx);
            for (int i = 0; i + 1 < frame.keypoints.length; i += 2) {
                landmarks.addKeypoints(Point.newBuilder().setX(frame.keypoints[i]).setY(frame.keypoints[i + 1]));
            }
        }
        return InferRequest.newBuilder()
                .setRequestId(requestIds.incrementAndGet())
                .setModel(model)
                .setRemainingBudgetUs(remainingMicros)
                .setFrame(payload)
                .build();
    }

    private LatencyTracker newTracker() {
        return new LatencyTracker(64, 0.95, initialLatencyMicros, STALE_AFTER_MICROS, clock);
    }

    /**
     * A high percentile of recent answered round trips, network and server queue included: what
     * the admission gate compares with a frame's remaining budget. An estimate with no answer
     * for a while is stale and falls back to the initial one: slow round trips (a cold JVM, a
     * passing overload) would otherwise make the gate admit nothing, and with no call made the
     * estimate could never learn that they are over. Timed-out calls are no samples, for the
     * same reason.
     */
    /**
     * Sends up to {@code calls} frames of a typical face, {@code concurrency} at a time, within
     * {@code limit}, and then forgets the round trips they took. A cold JVM runs the call path
     * (protobuf, HTTP/2) interpreted: its first round trips are slow enough that the admission
     * gate would shed nearly every frame, and with so few calls made the path would warm up
     * only slowly. Answers do not matter: an unreachable server just ends the warm-up early.
     */
    void warmUp(int calls, int concurrency, long limitMicros) throws InterruptedException {
        long end = clock.nowMicros() + limitMicros;
        java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(concurrency);
        for (int i = 0; i < calls && clock.nowMicros() < end && !breaker.isOpen(); i++) {
            if (!slots.tryAcquire(Math.max(0, end - clock.nowMicros()), TimeUnit.MICROSECONDS)) {
                break;
            }
            infer(warmUpFrame(i)).whenComplete((outcome, error) -> slots.release());
        }
        slots.tryAcquire(concurrency, Math.max(0, end - clock.nowMicros()), TimeUnit.MICROSECONDS);
        roundTrips = newTracker();
        lastAnswerMicros = clock.nowMicros();
    }

    /** A frontal face half a metre from a 640x480 camera with a second to answer. */
    private FrameEnvelope warmUpFrame(long sequence) {
        PinholeCamera camera = PinholeCamera.withHorizontalFov(640, 480, PinholeCamera.DEFAULT_HORIZONTAL_FOV_DEG);
        long now = clock.nowMicros();
        FrameEnvelope frame = new FrameEnvelope();
        frame.sessionId = "warm-up";
        frame.sequence = sequence;
        frame.captureTimeUs = now;
        frame.sendTimeUs = now;
        frame.deadlineMs = 1_000;
        frame.deadlineUs = now + 1_000_000;
        frame.keypoints = FaceGeometry.projectKeypoints(new HeadPose(0, 0, 0, 0, 0, 0.5), camera);
        frame.imageWidth = camera.width();
        frame.imageHeight = camera.height();
        frame.focalLengthPx = (float) camera.focalPx();
        return frame;
    }

    @Override
    public long expectedLatencyMicros() {
        return clock.nowMicros() - lastAnswerMicros > STALE_AFTER_MICROS ? initialLatencyMicros : roundTrips.micros();
    }

    private void recordRoundTrip(long micros, long now) {
        if (now - lastAnswerMicros > STALE_AFTER_MICROS) {
            // learn afresh rather than from samples of a spell that may be over
            roundTrips = newTracker();
        }
        roundTrips.record(micros);
        lastAnswerMicros = now;
    }

    /** Whether calls are being refused because the server is taken to be down. */
    public boolean circuitOpen() {
        return breaker.isOpen();
    }

    @Override
    public void close() throws Exception {
        channel.shutdown();
        if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
            channel.shutdownNow();
        }
    }

    /** The answer to one call, turned into an outcome. */
    private final class Answer implements StreamObserver<InferResponse> {
        final CompletableFuture<InferenceOutcome> outcome = new CompletableFuture<>();
        private final FrameEnvelope frame;
        private final long sent;
        private final long budget;
        private final CircuitBreaker.Permit permit;

        Answer(FrameEnvelope frame, long sent, long budget, CircuitBreaker.Permit permit) {
            this.frame = frame;
            this.sent = sent;
            this.budget = budget;
            this.permit = permit;
        }

        @Override
        public void onNext(InferResponse response) {
            long received = clock.nowMicros();
            breaker.succeeded(permit);
            outcome.complete(response.hasCoordinates() ? result(response, received)
                    : response.hasAnnotated() ? annotated(response, received) : dropped(response));
        }

        private InferenceOutcome result(InferResponse response, long received) {
            recordRoundTrip(received - sent, received);
            InferenceOutcome result = answered(response, received, response.getCoordinates().getModel());
            pose(response.getCoordinates(), result);
            return result;
        }

        /** An image frame's answer: the annotated frame and, when a face was found, its coordinates. */
        private InferenceOutcome annotated(InferResponse response, long received) {
            recordRoundTrip(received - sent, received);
            AnnotatedFrame annotated = response.getAnnotated();
            InferenceOutcome result = answered(response, received, annotated.getModel());
            result.annotatedJpeg = annotated.getJpeg().toByteArray();
            float[] detections = new float[annotated.getDetectionsCount() * InferenceOutcome.DETECTION_STRIDE];
            int at = 0;
            for (Detection detection : annotated.getDetectionsList()) {
                Box box = detection.getBox();
                detections[at] = detection.getScore();
                detections[at + 1] = box.getXMin();
                detections[at + 2] = box.getYMin();
                detections[at + 3] = box.getXMax() - box.getXMin();
                detections[at + 4] = box.getYMax() - box.getYMin();
                for (int k = 0; k < Math.min(detection.getKeypointsCount(), FaceDetection.KEYPOINT_COUNT); k++) {
                    detections[at + 5 + 2 * k] = detection.getKeypoints(k).getX();
                    detections[at + 6 + 2 * k] = detection.getKeypoints(k).getY();
                }
                at += InferenceOutcome.DETECTION_STRIDE;
            }
            result.detections = detections;
            if (response.hasFaceCoordinates()) {
                pose(response.getFaceCoordinates(), result);
            } else {
                result.withoutPose = true;
            }
            return result;
        }

        private InferenceOutcome answered(InferResponse response, long received, String answeringModel) {
            InferenceOutcome result = new InferenceOutcome();
            result.frame = frame;
            result.model = answeringModel;
            // job clock: the answer's arrival, and as long before it as the model computed
            result.inferenceEndUs = received;
            result.inferenceStartUs = received - response.getComputeUs();
            result.batchSize = response.getBatchSize();
            return result;
        }

        private static void pose(ArCoordinates coordinates, InferenceOutcome result) {
            result.yawDeg = coordinates.getPose().getYawDeg();
            result.pitchDeg = coordinates.getPose().getPitchDeg();
            result.rollDeg = coordinates.getPose().getRollDeg();
            result.xM = coordinates.getPose().getXM();
            result.yM = coordinates.getPose().getYM();
            result.zM = coordinates.getPose().getZM();
            result.confidence = coordinates.getConfidence();
        }

        private InferenceOutcome dropped(InferResponse response) {
            if (!response.hasDropped()) {
                return InferenceOutcome.dropped(frame, DropReason.INFERENCE_FAILED,
                        "the inference server answered without a result for model " + model);
            }
            InferenceOutcome drop = InferenceOutcome.dropped(frame, response.getDropped().getReason(),
                    "inference server: " + response.getDropped().getDetail());
            drop.model = model;
            drop.batchSize = response.getBatchSize();
            return drop;
        }

        @Override
        public void onError(Throwable error) {
            Status status = Status.fromThrowable(error);
            switch (status.getCode()) {
                case DEADLINE_EXCEEDED -> {
                    // a slow answer is the server's load, not its absence; only a probe must get through
                    if (permit == CircuitBreaker.Permit.PROBE) {
                        breaker.failed(permit);
                    }
                    outcome.complete(InferenceOutcome.dropped(frame, DropReason.DEADLINE_EXCEEDED,
                            "no answer from the inference server within the remaining budget of " + budget + " us"));
                }
                case RESOURCE_EXHAUSTED -> {
                    breaker.succeeded(permit);
                    outcome.complete(InferenceOutcome.dropped(frame, DropReason.OVERLOADED,
                            "inference server refused the frame: " + status.getDescription()));
                }
                case UNAVAILABLE, CANCELLED -> {
                    breaker.failed(permit);
                    outcome.complete(InferenceOutcome.dropped(frame, DropReason.INFERENCE_FAILED,
                            "inference server unavailable: " + describe(status)));
                }
                default -> {
                    breaker.succeeded(permit);
                    outcome.complete(InferenceOutcome.dropped(frame, DropReason.INFERENCE_FAILED,
                            "inference server answered " + describe(status)));
                }
            }
        }

        @Override
        public void onCompleted() {
            // a unary call's one answer came through onNext
        }
    }

    private static String describe(Status status) {
        return status.getCode() + (status.getDescription() == null ? "" : ": " + status.getDescription());
    }
}
