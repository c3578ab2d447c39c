package io.driftless.source.video;

import io.driftless.source.FaceDetector;
import io.driftless.source.SendMode;
import com.google.protobuf.ByteString;
import io.driftless.inference.face.FaceDetection;
import io.driftless.inference.face.RgbImage;
import io.driftless.inference.image.JpegCodec;
import io.driftless.inference.image.JpegLimits;
import io.driftless.proto.Image;
import io.driftless.proto.KeypointScheme;
import io.driftless.proto.Landmarks;
import io.driftless.proto.Point;
import java.util.List;

/**
 * Turns a grabbed image into what a frame carries: the first face's keypoints
 * ({@link SendMode#LANDMARKS}) or a resized JPEG ({@link SendMode#JPEG}). One thread at a time.
 */
public final class PayloadEncoder implements AutoCloseable {

    /** A payload for {@code Frame.setLandmarks} or {@code Frame.setImage}, never both. */
    public record Payload(Landmarks landmarks, Image image) {}

    private final SendMode mode;
    private final int jpegWidth;
    private final int jpegQuality;
    private final double horizontalFovDeg;
    private final FaceDetector detector;
    private final JpegCodec codec;

    /**
     * @param jpegWidth the width JPEG frames are resized to (the height keeps the aspect ratio)
     * @param jpegQuality 1 to 100
     * @param horizontalFovDeg the camera's horizontal field of view, or 0 when unknown (the job
     *     then assumes its default)
     */
    public PayloadEncoder(SendMode mode, int jpegWidth, int jpegQuality, double horizontalFovDeg) {
        this.mode = mode;
        this.jpegWidth = jpegWidth;
        this.jpegQuality = jpegQuality;
        this.horizontalFovDeg = horizontalFovDeg;
        this.detector = mode == SendMode.LANDMARKS ? new FaceDetector() : null;
        this.codec = mode == SendMode.JPEG ? new JpegCodec(JpegLimits.DEFAULTS) : null;
    }

    /** The payload for this image, or null when landmarks are sent and no face is in it. */
    public Payload encode(RgbImage image) {
        return mode == SendMode.LANDMARKS ? landmarks(image) : jpeg(image);
    }

    private Payload landmarks(RgbImage image) {
        List<FaceDetection> faces = detector.detect(image);
        if (faces.isEmpty()) {
            return null;
        }
        FaceDetection face = faces.get(0);
        Landmarks.Builder landmarks = Landmarks.newBuilder()
                .setScheme(KeypointScheme.BLAZEFACE_SIX)
                .setImageWidth(image.width())
                .setImageHeight(image.height())
                .setFocalLengthPx(focalLengthPx(image.width()));
        for (int i = 0; i < FaceDetection.KEYPOINT_COUNT; i++) {
            landmarks.addKeypoints(Point.newBuilder()
                    .setX(face.keypointX(i))
                    .setY(face.keypointY(i)));
        }
        return new Payload(landmarks.build(), null);
    }

    private Payload jpeg(RgbImage image) {
        int height = Math.max(1, (int) Math.round((double) jpegWidth * image.height() / image.width()));
        RgbImage resized = codec.resize(image, jpegWidth, height);
        return new Payload(null, Image.newBuilder()
                .setJpeg(ByteString.copyFrom(codec.encode(resized, jpegQuality)))
                .setWidth(resized.width())
                .setHeight(resized.height())
                .build());
    }

    private float focalLengthPx(int width) {
        if (horizontalFovDeg <= 0) {
            return 0;
        }
        return (float) (width / 2.0 / Math.tan(Math.toRadians(horizontalFovDeg) / 2));
    }

    @Override
    public void close() {
        if (detector != null) {
            detector.close();
        }
    }
}
