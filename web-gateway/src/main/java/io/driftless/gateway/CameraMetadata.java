package io.driftless.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * The small JSON message the page sends before each frame:
 *
 * <pre>{@code
 * {"seq": 12, "captureTimeUs": 1765000000123456, "sendTimeUs": 1765000000130000,
 *  "width": 640, "height": 480, "kind": "jpeg", "fps": 30, "jpegQuality": 0.8}
 * }</pre>
 *
 * A {@code "jpeg"} message is followed by one binary message, the JPEG; a {@code "landmarks"}
 * message carries its six keypoints itself ({@code "keypoints": [[x, y], ...]}, BlazeFace order)
 * and optionally {@code "focalLengthPx"}. Times are microseconds on the page's clock;
 * {@code fps} and {@code jpegQuality} (optional) are what the page captures at now, for the stats.
 * A JPEG frame may name the image model that is to answer it ({@code "model": "yolo11n"}); the
 * job checks the name against the models it serves.
 */
record CameraMetadata(long seq, long captureTimeUs, long sendTimeUs, int width, int height, Kind kind,
        float[] keypoints, float focalLengthPx, SessionStats.Quality quality, String model) {

    enum Kind {
        JPEG,
        LANDMARKS
    }

    /** A message that is not metadata the gateway can use; the message says what is wrong. */
    static final class MalformedException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedException(String message) {
            super(message);
        }
    }

    static CameraMetadata parse(ObjectMapper json, String text) throws MalformedException {
        JsonNode node;
        try {
            node = json.readTree(text);
        } catch (IOException e) {
            throw new MalformedException("metadata is not JSON");
        }
        if (node == null || !node.isObject()) {
            throw new MalformedException("metadata must be a JSON object");
        }
        long seq = positiveLong(node, "seq");
        long capture = positiveLong(node, "captureTimeUs");
        long send = node.has("sendTimeUs") ? positiveLong(node, "sendTimeUs") : capture;
        int width = (int) Math.min(Integer.MAX_VALUE, positiveLong(node, "width"));
        int height = (int) Math.min(Integer.MAX_VALUE, positiveLong(node, "height"));
        String kind = node.path("kind").asText("");
        // a message without them leaves what the page reported before
        SessionStats.Quality quality = node.has("fps") || node.has("jpegQuality")
                ? new SessionStats.Quality(node.path("fps").asDouble(0), node.path("jpegQuality").asDouble(0), width, height)
                : null;
        String model = model(node);
        switch (kind) {
            case "jpeg":
                return new CameraMetadata(seq, capture, send, width, height, Kind.JPEG, null, 0, quality, model);
            case "landmarks":
                if (model != null) {
                    throw new MalformedException("\"model\" names an image model; landmark frames go to the pose model");
                }
                JsonNode points = node.path("keypoints");
                if (!points.isArray() || points.size() != 6) {
                    throw new MalformedException("landmarks metadata needs \"keypoints\": six [x, y] pairs");
                }
                float[] xy = new float[12];
                for (int i = 0; i < 6; i++) {
                    JsonNode p = points.get(i);
                    if (!p.isArray() || p.size() != 2 || !p.get(0).isNumber() || !p.get(1).isNumber()) {
                        throw new MalformedException("keypoint " + i + " must be [x, y]");
                    }
                    xy[2 * i] = (float) p.get(0).asDouble();
                    xy[2 * i + 1] = (float) p.get(1).asDouble();
                }
                return new CameraMetadata(seq, capture, send, width, height, Kind.LANDMARKS, xy,
                        (float) node.path("focalLengthPx").asDouble(0), quality, null);
            default:
                throw new MalformedException("\"kind\" must be \"jpeg\" or \"landmarks\"");
        }
    }

    /** The image model the frame asks for, or null for the job's first. */
    private static String model(JsonNode node) throws MalformedException {
        JsonNode value = node.get("model");
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual() || value.asText().isEmpty()) {
            throw new MalformedException("\"model\" must be the name of an image model the job serves");
        }
        return value.asText();
    }

    private static long positiveLong(JsonNode node, String field) throws MalformedException {
        JsonNode value = node.get(field);
        if (value == null || !value.canConvertToLong() || value.asLong() <= 0) {
            throw new MalformedException("\"" + field + "\" must be a positive integer");
        }
        return value.asLong();
    }
}
