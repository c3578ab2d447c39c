package io.driftless.inference.remote;

import com.netflix.concurrency.limits.Limiter;
import io.driftless.inference.face.FaceDetection;
import io.driftless.inference.face.FaceDetectionAdapter;
import io.driftless.inference.service.FrameEnvelope;
import io.driftless.inference.service.InferenceOutcome;
import io.driftless.inference.vision.ClassScore;
import io.driftless.inference.vision.ImageAnswer;
import io.driftless.inference.vision.ObjectDetection;
import io.driftless.proto.AnnotatedFrame;
import io.driftless.proto.ArCoordinates;
import io.driftless.proto.Box;
import io.driftless.proto.Classification;
import io.driftless.proto.Detection;
import io.driftless.proto.DropReason;
import io.driftless.proto.InferResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/**
 * One frame sent on a stream and not answered yet: its outcome, the timer that drops it at its
 * deadline, and the translation of whatever the server answers into an outcome.
 *
 * <p>The first of answer, deadline and stream failure decides the outcome; the others find it
 * decided and do nothing. The stream that holds the frame removes it before deciding, so a
 * frame is decided by whoever removed it. Whoever decides also gives the frame's place in the
 * client's in-flight limit back, with the round trip as the kind of sample its outcome is.
 */
final class PendingFrame {

    /** What a frame's round trip tells the in-flight limit. */
    enum Sample {
        /** Answered: the round trip is a measure of the servers' latency. */
        SUCCESS,
        /** Its deadline passed, or the server refused it: the servers have more than they can do. */
        DROPPED,
        /** Says nothing about the servers' load: never sent, a broken stream, a probe, a bad frame. */
        IGNORE
    }

    private static final AtomicReferenceFieldUpdater<PendingFrame, Limiter.Listener> PLACE =
            AtomicReferenceFieldUpdater.newUpdater(PendingFrame.class, Limiter.Listener.class, "place");

    final long requestId;
    final FrameEnvelope frame;
    final long sentMicros;
    final long budgetMicros;
    final CircuitBreaker.Permit permit;
    final CompletableFuture<InferenceOutcome> outcome = new CompletableFuture<>();
    private final String model;
    private volatile ScheduledFuture<?> deadlineTimer;
    /** The frame's place in the in-flight limit, until its outcome gives it back. */
    private volatile Limiter.Listener place;

    PendingFrame(long requestId, FrameEnvelope frame, String model, long sentMicros, long budgetMicros,
            CircuitBreaker.Permit permit, Limiter.Listener place) {
        this.requestId = requestId;
        this.place = place;
        this.frame = frame;
        this.model = model;
        this.sentMicros = sentMicros;
        this.budgetMicros = budgetMicros;
        this.permit = permit;
    }

    void deadlineTimer(ScheduledFuture<?> timer) {
        deadlineTimer = timer;
        if (outcome.isDone()) {
            // answered before the timer was set: it must not sit in the timer queue until the deadline
            timer.cancel(false);
        }
    }

    /** Decides the frame, unless something decided it first; {@code sample} is what its round trip says. */
    void complete(InferenceOutcome result, Sample sample) {
        // the place goes back before the outcome is seen, so a caller that saw it sees the place free
        Limiter.Listener held = PLACE.getAndSet(this, null);
        if (held != null) {
            switch (sample) {
                case SUCCESS -> held.onSuccess();
                case DROPPED -> held.onDropped();
                case IGNORE -> held.onIgnore();
            }
        }
        if (outcome.complete(result)) {
            ScheduledFuture<?> timer = deadlineTimer;
            if (timer != null) {
                timer.cancel(false);
            }
        }
    }

    void drop(DropReason reason, String detail, Sample sample) {
        complete(InferenceOutcome.dropped(frame, reason, detail), sample);
    }

    /** The outcome the server's answer means; {@code receivedMicros} is when it arrived. */
    InferenceOutcome outcomeOf(InferResponse response, long receivedMicros) {
        if (response.hasCoordinates()) {
            InferenceOutcome result = answered(response, receivedMicros, response.getCoordinates().getModel());
            pose(response.getCoordinates(), result);
            return result;
        }
        if (response.hasAnnotated()) {
            return annotated(response, receivedMicros);
        }
        if (!response.hasDropped()) {
            return InferenceOutcome.dropped(frame, DropReason.INFERENCE_FAILED,
                    "the inference server answered without a result for model " + model);
        }
        DropReason reason = response.getDropped().getReason();
        InferenceOutcome drop = InferenceOutcome.dropped(frame, reason, (reason == DropReason.OVERLOADED
                ? "inference server refused the frame: " : "inference server: ") + response.getDropped().getDetail());
        drop.model = model;
        drop.batchSize = response.getBatchSize();
        return drop;
    }

    /**
     * An image frame's answer: the annotated frame and, from the face model, its faces and the
     * first face's coordinates; from a user's image model, its objects or top classes.
     */
    private InferenceOutcome annotated(InferResponse response, long received) {
        AnnotatedFrame annotated = response.getAnnotated();
        InferenceOutcome result = answered(response, received, annotated.getModel());
        result.annotatedJpeg = annotated.getJpeg().toByteArray();
        if (!model.equals(FaceDetectionAdapter.MODEL_NAME)) {
            result.packAnswer(imageAnswer(annotated));
            result.withoutPose = true;
            return result;
        }
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

    private static ImageAnswer imageAnswer(AnnotatedFrame annotated) {
        List<ObjectDetection> objects = new ArrayList<>(annotated.getDetectionsCount());
        for (Detection d : annotated.getDetectionsList()) {
            Box box = d.getBox();
            objects.add(new ObjectDetection(d.getClassId(), d.getLabel(), d.getScore(), box.getXMin(), box.getYMin(),
                    box.getXMax(), box.getYMax()));
        }
        List<ClassScore> classes = new ArrayList<>(annotated.getClassesCount());
        for (Classification c : annotated.getClassesList()) {
            classes.add(new ClassScore(c.getClassId(), c.getLabel(), c.getScore()));
        }
        return new ImageAnswer(objects, classes);
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
}
