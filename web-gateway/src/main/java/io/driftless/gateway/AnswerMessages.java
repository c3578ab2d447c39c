package io.driftless.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.driftless.proto.Anchor;
import io.driftless.proto.AnchorVelocity;
import io.driftless.proto.AnnotatedFrame;
import io.driftless.proto.ArCoordinates;
import io.driftless.proto.Box;
import io.driftless.proto.Classification;
import io.driftless.proto.Detection;
import io.driftless.proto.DroppedFrame;

/**
 * The JSON messages the sockets send: each has a {@code type}, the frame's {@code seq} and
 * {@code captureTimeUs} (the page's clock, as it sent it).
 *
 * <ul>
 *   <li>{@code coordinates}: {@code pose} (degrees), {@code anchors} by name as {@code [x, y]}
 *       pixels of the frame, {@code confidence}, {@code rttMs} (gateway receipt to answer), and,
 *       when the job's motion state knew them, {@code velocities}: each anchor's {@code [vx, vy]}
 *       in pixels per second at the frame's capture;
 *   <li>{@code annotated}: {@code width}, {@code height}, {@code detections} (label, classId, score,
 *       box {@code [xMin, yMin, xMax, yMax]} in the frame's pixels) and, from a classifier,
 *       {@code classes} (label, classId, score; best first); the next binary message is the
 *       annotated JPEG;
 *   <li>{@code dropped}: {@code reason} (the job's drop reason) and {@code detail};
 *   <li>{@code refused}: the gateway did not forward the frame: {@code reason} ({@code RATE},
 *       {@code METADATA}, {@code KAFKA}) and {@code detail};
 *   <li>{@code quality}, without {@code seq}: the capture settings the gateway asks the camera
 *       for ({@code fps}, {@code jpegQuality}, {@code scale}) and the {@code reason};
 *   <li>{@code session}, without {@code seq}, first on a camera socket: the {@code deadlineMs} the
 *       job holds the session's frames to and the {@code maxFps} the gateway takes from it, so
 *       that the page judges its round trips by the deadline the job applies.
 * </ul>
 */
final class AnswerMessages {

    private final ObjectMapper json;

    AnswerMessages(ObjectMapper json) {
        this.json = json;
    }

    String coordinates(ArCoordinates answer, double rttMs) {
        ObjectNode node = header("coordinates", answer.getSequence(), answer.getCaptureTimeUs());
        ObjectNode pose = node.putObject("pose");
        pose.put("yawDeg", answer.getPose().getYawDeg());
        pose.put("pitchDeg", answer.getPose().getPitchDeg());
        pose.put("rollDeg", answer.getPose().getRollDeg());
        ObjectNode anchors = node.putObject("anchors");
        for (Anchor anchor : answer.getAnchorsList()) {
            anchors.putArray(anchor.getName()).add(anchor.getX()).add(anchor.getY());
        }
        if (answer.hasMotion()) {
            ObjectNode velocities = node.putObject("velocities");
            for (AnchorVelocity velocity : answer.getMotion().getAnchorVelocitiesList()) {
                velocities.putArray(velocity.getName()).add(velocity.getXPxPerS()).add(velocity.getYPxPerS());
            }
        }
        node.put("confidence", answer.getConfidence());
        node.put("rttMs", rttMs);
        return node.toString();
    }

    String annotated(AnnotatedFrame answer) {
        ObjectNode node = header("annotated", answer.getSequence(), answer.getCaptureTimeUs());
        node.put("width", answer.getWidth());
        node.put("height", answer.getHeight());
        ArrayNode detections = node.putArray("detections");
        for (Detection detection : answer.getDetectionsList()) {
            ObjectNode d = detections.addObject();
            d.put("label", detection.getLabel());
            d.put("classId", detection.getClassId());
            d.put("score", detection.getScore());
            Box box = detection.getBox();
            d.putArray("box").add(box.getXMin()).add(box.getYMin()).add(box.getXMax()).add(box.getYMax());
        }
        ArrayNode classes = node.putArray("classes");
        for (Classification top : answer.getClassesList()) {
            ObjectNode c = classes.addObject();
            c.put("label", top.getLabel());
            c.put("classId", top.getClassId());
            c.put("score", top.getScore());
        }
        return node.toString();
    }

    String dropped(DroppedFrame drop) {
        ObjectNode node = header("dropped", drop.getSequence(), drop.getCaptureTimeUs());
        node.put("reason", drop.getReason().name());
        node.put("detail", drop.getDetail());
        return node.toString();
    }

    String refused(long seq, String reason, String detail) {
        ObjectNode node = json.createObjectNode();
        node.put("type", "refused");
        node.put("seq", seq);
        node.put("reason", reason);
        node.put("detail", detail);
        return node.toString();
    }

    /** What a camera is held to: the deadline of its frames and their rate cap. */
    String session(int deadlineMs, int maxFps) {
        ObjectNode node = json.createObjectNode();
        node.put("type", "session");
        node.put("deadlineMs", deadlineMs);
        node.put("maxFps", maxFps);
        return node.toString();
    }

    /** The capture settings the gateway asks the camera to switch to, and why. */
    String quality(AdaptiveQuality.Change change) {
        ObjectNode node = json.createObjectNode();
        node.put("type", "quality");
        node.put("fps", change.setting().fps());
        node.put("jpegQuality", change.setting().jpegQuality());
        node.put("scale", change.setting().scale());
        node.put("reason", change.reason());
        return node.toString();
    }

    private ObjectNode header(String type, long seq, long captureTimeUs) {
        ObjectNode node = json.createObjectNode();
        node.put("type", type);
        node.put("seq", seq);
        node.put("captureTimeUs", captureTimeUs);
        return node;
    }
}
