package io.driftless.job.parse;

import com.google.protobuf.InvalidProtocolBufferException;
import io.driftless.inference.service.FrameEnvelope;
import io.driftless.inference.image.InvalidImageException;
import io.driftless.inference.image.JpegHeader;
import io.driftless.inference.pose.FaceKeypoints;
import io.driftless.inference.pose.PoseFeatures;
import io.driftless.job.DriftlessOptions;
import io.driftless.job.ReplyTopics;
import io.driftless.job.kafka.RawFrame;
import io.driftless.proto.Frame;
import io.driftless.proto.Image;
import io.driftless.proto.KeypointScheme;
import io.driftless.proto.Landmarks;
import io.driftless.proto.Point;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Decodes and validates one frames-topic record against the wire contract. Pure and
 * stateless: everything that can be said of a record alone is said here; what needs the
 * session's history is the admission gate's.
 */
public final class FrameDecoder implements Serializable {

    private static final long serialVersionUID = 1L;

    /** A model name as a descriptor may give it: printable, no control characters, not too long. */
    static final Pattern MODEL_NAME = Pattern.compile("[\\p{Graph} ]{1,128}");
    /** Session ids double as Kafka keys and, with per-session topics, in topic names. */
    public static final Pattern SESSION_ID = Pattern.compile("(?!\\.{1,2}$)[A-Za-z0-9._-]{1,128}");

    public static final int MAX_SESSION_ID_LENGTH = 128;

    private final int defaultDeadlineMs;
    private final int maxDeadlineMs;
    private final long maxClockOffsetUs;
    private final long maxSendDelayUs;
    private final InputLimits limits;
    private final ReplyTopics replyTopics;

    /** A decoder that honours the reply_to prefixes the job allows by default. */
    public FrameDecoder(int defaultDeadlineMs, int maxDeadlineMs, long maxClockOffsetUs, long maxSendDelayUs,
            InputLimits limits) {
        this(defaultDeadlineMs, maxDeadlineMs, maxClockOffsetUs, maxSendDelayUs, limits,
                new ReplyTopics(DriftlessOptions.REPLY_TO_ALLOWED_PREFIXES.defaultValue()));
    }

    public FrameDecoder(int defaultDeadlineMs, int maxDeadlineMs, long maxClockOffsetUs, long maxSendDelayUs,
            InputLimits limits, ReplyTopics replyTopics) {
        this.replyTopics = replyTopics;
        this.defaultDeadlineMs = defaultDeadlineMs;
        this.maxDeadlineMs = maxDeadlineMs;
        this.maxClockOffsetUs = maxClockOffsetUs;
        this.maxSendDelayUs = maxSendDelayUs;
        this.limits = limits;
    }

    /**
     * Decodes {@code raw} into {@code into} (which gets every field that could be read, even
     * when the record is rejected, so the drop can say whose frame it was).
     *
     * @return null when the frame is valid, else what is wrong with it
     */
    public String decode(RawFrame raw, FrameEnvelope into) {
        into.ingestUs = raw.ingestUs;
        into.brokerAppendUs = raw.logAppendTime ? raw.timestampMs * 1000 : 0;
        String key = raw.key == null ? null : new String(raw.key, StandardCharsets.UTF_8);
        into.sessionId = key != null && SESSION_ID.matcher(key).matches() ? key : "";
        if (raw.value == null || raw.value.length == 0) {
            return "empty record value (partition " + raw.partition + ", offset " + raw.offset + ")";
        }
        if (raw.value.length > limits.maxFrameBytes()) {
            return "frame of " + raw.value.length + " bytes exceeds the limit of " + limits.maxFrameBytes()
                    + " bytes (partition " + raw.partition + ", offset " + raw.offset + ")";
        }
        Frame frame;
        try {
            frame = Frame.parseFrom(raw.value);
        } catch (InvalidProtocolBufferException e) {
            return "not a driftless.v1.Frame (" + raw.value.length + " bytes, partition " + raw.partition
                    + ", offset " + raw.offset + "): " + e.getMessage();
        }
        into.sequence = frame.getSequence();
        into.captureTimeUs = frame.getCaptureTimeUs();
        into.sendTimeUs = frame.getSendTimeUs();
        String session = frame.getSessionId();
        if (session.isEmpty()) {
            return "missing session_id";
        }
        if (!SESSION_ID.matcher(session).matches()) {
            return "session_id must be 1-128 characters of [A-Za-z0-9._-], and not '.' or '..'";
        }
        into.sessionId = session;
        if (key == null || !key.equals(session)) {
            return "record key " + (key == null ? "is missing" : "'" + abbreviate(key) + "'")
                    + " but must be the session_id '" + session + "' (it decides the partition)";
        }
        if (!frame.getReplyTo().isEmpty()) {
            // the drop of a refused reply_to goes to the shared topic: the job never writes where it was not allowed to
            String refused = replyTopics.invalidReason(frame.getReplyTo());
            if (refused != null) {
                return refused;
            }
            into.replyTo = frame.getReplyTo();
        }
        String timing = checkTiming(frame, raw.ingestUs);
        if (timing != null) {
            return timing;
        }
        long deadlineMs = Integer.toUnsignedLong(frame.getDeadlineMs());
        if (deadlineMs > maxDeadlineMs) {
            return "deadline_ms " + deadlineMs + " exceeds the job's maximum of " + maxDeadlineMs;
        }
        into.deadlineMs = frame.getDeadlineMs() == 0 ? defaultDeadlineMs : frame.getDeadlineMs();
        switch (frame.getPayloadCase()) {
            case LANDMARKS:
                return decodeLandmarks(frame.getLandmarks(), into);
            case IMAGE:
                return decodeImage(frame.getImage(), into);
            default:
                return "frame has no payload";
        }
    }

    private String checkTiming(Frame frame, long ingestUs) {
        long capture = frame.getCaptureTimeUs();
        long send = frame.getSendTimeUs();
        if (capture <= 0) {
            return "missing capture_time_us";
        }
        if (send <= 0) {
            return "missing send_time_us";
        }
        if (capture > send) {
            return "capture_time_us is " + millis(capture - send) + " ms after send_time_us (same client clock)";
        }
        if (send - capture > maxSendDelayUs) {
            return "captured " + millis(send - capture) + " ms before it was sent; the limit is "
                    + millis(maxSendDelayUs) + " ms";
        }
        long offset = ingestUs - send;
        if (Math.abs(offset) > maxClockOffsetUs) {
            return "client clock is " + millis(Math.abs(offset)) + " ms " + (offset < 0 ? "ahead of" : "behind")
                    + " the job's; the limit is " + millis(maxClockOffsetUs) + " ms";
        }
        return null;
    }

    private String decodeLandmarks(Landmarks landmarks, FrameEnvelope into) {
        if (landmarks.getScheme() != KeypointScheme.BLAZEFACE_SIX) {
            return "keypoint scheme " + landmarks.getScheme() + " is not supported: use BLAZEFACE_SIX";
        }
        if (landmarks.getKeypointsCount() != 6) {
            return "expected 6 keypoints for BLAZEFACE_SIX, got " + landmarks.getKeypointsCount();
        }
        int width = landmarks.getImageWidth();
        int height = landmarks.getImageHeight();
        int maxSide = limits.maxImageSide();
        if (width <= 0 || height <= 0 || width > maxSide || height > maxSide) {
            return "image size " + Integer.toUnsignedString(width) + "x" + Integer.toUnsignedString(height)
                    + " is outside 1.." + maxSide + " per side";
        }
        float focal = landmarks.getFocalLengthPx();
        if (!Float.isFinite(focal) || focal < 0 || focal > 100f * width) {
            return "focal_length_px " + focal + " is not a plausible focal length for a " + width + " px wide image";
        }
        float[] xy = new float[12];
        for (int i = 0; i < 6; i++) {
            Point p = landmarks.getKeypoints(i);
            if (!Float.isFinite(p.getX()) || !Float.isFinite(p.getY())) {
                return "keypoint " + i + " is not finite (" + p.getX() + ", " + p.getY() + ")";
            }
            if (p.getX() < -width || p.getX() > 2f * width || p.getY() < -height || p.getY() > 2f * height) {
                return "keypoint " + i + " (" + p.getX() + ", " + p.getY() + ") is far outside the "
                        + width + "x" + height + " image";
            }
            xy[2 * i] = p.getX();
            xy[2 * i + 1] = p.getY();
        }
        // what the pose model itself cannot take (e.g. every point on one spot) must be caught
        // here: in a batch it would fail every other user's frame too
        String unusable = PoseFeatures.invalidReason(new FaceKeypoints(xy, width, height, focal));
        if (unusable != null) {
            return unusable;
        }
        into.keypoints = xy;
        into.imageWidth = width;
        into.imageHeight = height;
        into.focalLengthPx = focal;
        return null;
    }

    /**
     * Checks the JPEG's header only, against the limits and the frame's declared size: the body
     * is decoded later, in inference, and what decoding allocates is bounded by the header.
     */
    private String decodeImage(Image image, FrameEnvelope into) {
        // set before the checks, so that a rejected image frame still counts as one
        byte[] jpeg = image.getJpeg().toByteArray();
        into.jpeg = jpeg;
        int width = image.getWidth();
        int height = image.getHeight();
        int maxSide = limits.maxImageSide();
        if (width <= 0 || height <= 0 || width > maxSide || height > maxSide) {
            return "image size " + Integer.toUnsignedString(width) + "x" + Integer.toUnsignedString(height)
                    + " is outside 1.." + maxSide + " per side";
        }
        if (jpeg.length == 0) {
            return "image has no JPEG bytes";
        }
        try {
            JpegHeader.read(jpeg, limits.jpegLimits()).requireSize(width, height);
        } catch (InvalidImageException e) {
            return e.getMessage();
        }
        String model = image.getModel();
        if (!model.isEmpty()) {
            if (!MODEL_NAME.matcher(model).matches()) {
                return "model name must be 1-128 printable ASCII characters, got '" + abbreviate(model) + "'";
            }
            into.imageModel = model;
        }
        into.imageWidth = width;
        into.imageHeight = height;
        return null;
    }

    private static String millis(long micros) {
        return String.format(java.util.Locale.ROOT, "%.1f", micros / 1000.0);
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
