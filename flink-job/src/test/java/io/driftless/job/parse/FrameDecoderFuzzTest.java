package io.driftless.job.parse;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.driftless.inference.service.FrameEnvelope;
import io.driftless.job.DriftlessOptions;
import io.driftless.job.kafka.RawFrame;
import io.driftless.proto.Frame;
import io.driftless.proto.Image;
import io.driftless.proto.KeypointScheme;
import io.driftless.proto.Landmarks;
import io.driftless.proto.Point;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes {@link FrameDecoder}, the first code to touch client bytes, against its contract: it
 * returns for any record, a reason it gives is never blank, and a frame it accepts is fully valid.
 *
 * <p>The last byte of an input picks one of two kinds of record: arbitrary bytes as the value, or
 * a frame built field by field from the input, mostly valid, so that inputs get past protobuf
 * parsing into the checks behind it. One {@code @FuzzTest} rather than two, as Jazzer fuzzes only
 * one per JVM.
 *
 * <p>Without {@code JAZZER_FUZZ} set this runs only the inputs committed under
 * {@code FrameDecoderFuzzTestInputs/}; flink-job's surefire "fuzz" execution sets it, and says how
 * to fuzz for longer. The raw records there are laid out as: the value, then one byte each for the
 * key (2: the value's session id), the ingest time (0: {@code NOW}) and the kind (0: raw), as the
 * fuzzed data provider reads single bytes from the end; {@code built-frame} is the one byte 1,
 * a frame built from an exhausted input.
 */
class FrameDecoderFuzzTest {

    private static final long NOW = 1_700_000_000_000_000L;

    private static final int MAX_DEADLINE_MS = (int) DriftlessOptions.MAX_DEADLINE.defaultValue().toMillis();
    private static final long MAX_CLOCK_OFFSET_US = DriftlessOptions.MAX_CLOCK_OFFSET.defaultValue().toNanos() / 1000;
    private static final long MAX_SEND_DELAY_US = DriftlessOptions.MAX_SEND_DELAY.defaultValue().toNanos() / 1000;

    /**
     * When the source read the record: now, at either edge of the clock offset the decoder
     * tolerates, or a year later, as when a job replays an old topic.
     */
    private static final long[] INGEST_US = {
        NOW, NOW - MAX_CLOCK_OFFSET_US, NOW + MAX_CLOCK_OFFSET_US, NOW + 365 * 86_400_000_000L
    };

    private static final String[] VALID_SESSION_IDS = {
        "alice", "a", "...", "a.b_c-D9", "x".repeat(FrameDecoder.MAX_SESSION_ID_LENGTH)
    };

    /** Ids just past the edges of {@link FrameDecoder#SESSION_ID}. */
    private static final String[] INVALID_SESSION_IDS = {
        "", ".", "..", "x".repeat(FrameDecoder.MAX_SESSION_ID_LENGTH + 1), "a b", "\u00e5lice", "alice\n"
    };

    private enum Key { MISSING, FUZZED, SESSION_ID }

    private static final Key[] WRONG_KEYS = {Key.MISSING, Key.FUZZED};

    private enum Payload { LANDMARKS, IMAGE, NONE }

    private static final Payload[] UNSERVED_PAYLOADS = {Payload.IMAGE, Payload.NONE};

    // the job's decoder with its default options
    private final FrameDecoder decoder = new FrameDecoder(
            (int) DriftlessOptions.DEFAULT_DEADLINE.defaultValue().toMillis(),
            MAX_DEADLINE_MS,
            MAX_CLOCK_OFFSET_US,
            MAX_SEND_DELAY_US,
            InputLimits.DEFAULTS);

    @FuzzTest(maxDuration = "10s")
    void decodeKeepsItsContractForAnyRecord(FuzzedDataProvider data) {
        RawFrame raw = data.consumeBoolean() ? builtFrame(data) : arbitraryValue(data);
        FrameEnvelope envelope = new FrameEnvelope();

        String problem = decoder.decode(raw, envelope);

        if (problem != null) {
            assertThat(problem).as("reason for rejecting a record").isNotBlank();
        } else {
            assertFullyValid(envelope, raw);
        }
    }

    private static RawFrame arbitraryValue(FuzzedDataProvider data) {
        long ingestUs = data.pickValue(INGEST_US);
        Key key = data.pickValue(Key.values());
        byte[] fuzzedKey = key == Key.FUZZED ? data.consumeBytes(data.consumeInt(0, 160)) : null;
        byte[] value = data.consumeRemainingAsBytes();
        // a well-behaved producer keys by the value's session id; without that, arbitrary bytes
        // would almost never get past the key check
        return record(key == Key.SESSION_ID ? utf8(sessionIdOf(value)) : fuzzedKey, value, ingestUs);
    }

    private static RawFrame builtFrame(FuzzedDataProvider data) {
        long ingestUs = data.pickValue(INGEST_US);
        String sessionId = !rarely(data) ? data.pickValue(VALID_SESSION_IDS)
                : data.consumeBoolean() ? data.pickValue(INVALID_SESSION_IDS)
                : data.consumeAsciiString(FrameDecoder.MAX_SESSION_ID_LENGTH + 8);
        Key key = rarely(data) ? data.pickValue(WRONG_KEYS) : Key.SESSION_ID;
        long sendUs = rarely(data)
                ? data.consumeLong()
                : ingestUs + aBitBeyond(data, -MAX_CLOCK_OFFSET_US, MAX_CLOCK_OFFSET_US);
        Frame.Builder frame = Frame.newBuilder()
                .setSessionId(sessionId)
                .setSequence(data.consumeLong())
                .setSendTimeUs(sendUs)
                .setCaptureTimeUs(rarely(data) ? data.consumeLong() : sendUs - aBitBeyond(data, 0, MAX_SEND_DELAY_US))
                .setDeadlineMs(rarely(data) ? data.consumeInt() : data.consumeInt(0, MAX_DEADLINE_MS));
        Payload payload = rarely(data) ? data.pickValue(UNSERVED_PAYLOADS) : Payload.LANDMARKS;
        if (payload == Payload.LANDMARKS) {
            frame.setLandmarks(landmarks(data));
        } else if (payload == Payload.IMAGE) {
            frame.setImage(Image.newBuilder().setJpeg(ByteString.copyFrom(data.consumeBytes(16))));
        }
        byte[] keyBytes = key == Key.SESSION_ID ? utf8(sessionId)
                : key == Key.FUZZED ? data.consumeBytes(data.consumeInt(0, 160)) : null;
        return record(keyBytes, frame.build().toByteArray(), ingestUs);
    }

    private static Landmarks landmarks(FuzzedDataProvider data) {
        Landmarks.Builder landmarks = Landmarks.newBuilder();
        if (rarely(data)) {
            landmarks.setSchemeValue(data.consumeInt());
        } else {
            landmarks.setScheme(KeypointScheme.BLAZEFACE_SIX);
        }
        int width = side(data);
        int height = side(data);
        landmarks.setImageWidth(width).setImageHeight(height);
        landmarks.setFocalLengthPx(rarely(data)
                ? data.consumeFloat()
                : data.consumeRegularFloat(0f, 100f * Math.max(1, width)));
        int count = rarely(data) ? data.consumeInt(0, 12) : 6;
        for (int i = 0; i < count; i++) {
            landmarks.addKeypoints(Point.newBuilder().setX(coordinate(data, width)).setY(coordinate(data, height)));
        }
        return landmarks.build();
    }

    /**
     * Whether a field gets an arbitrary or edge value rather than a plausible one: about one field
     * in eight, so that a good share of frames pass every check; never once the input runs out.
     */
    private static boolean rarely(FuzzedDataProvider data) {
        return data.consumeInt(0, 7) == 7;
    }

    /** A value in {@code [min, max]} or up to an eighth of the range beyond either end. */
    private static long aBitBeyond(FuzzedDataProvider data, long min, long max) {
        long slack = (max - min) / 8;
        return data.consumeLong(min - slack, max + slack);
    }

    private static int side(FuzzedDataProvider data) {
        return rarely(data) ? data.consumeInt() : data.consumeInt(1, InputLimits.DEFAULT_MAX_IMAGE_SIDE);
    }

    /** Arbitrary values include NaN, the infinities and the extremes. */
    private static float coordinate(FuzzedDataProvider data, int side) {
        float plausible = Math.max(1, side);
        return rarely(data) ? data.consumeFloat() : data.consumeRegularFloat(-plausible, 2f * plausible);
    }

    /** What the rest of the job relies on in a frame the decoder accepted. */
    private static void assertFullyValid(FrameEnvelope envelope, RawFrame raw) {
        assertThat(envelope.sessionId).as("session id").matches(FrameDecoder.SESSION_ID);
        assertThat(raw.key).as("record key").isEqualTo(utf8(envelope.sessionId));
        assertThat(envelope.keypoints).as("keypoints").hasSize(12);
        for (float coordinate : envelope.keypoints) {
            assertThat(coordinate).as("keypoint coordinate").isFinite();
        }
        assertThat(envelope.imageWidth).as("image width").isBetween(1, InputLimits.DEFAULT_MAX_IMAGE_SIDE);
        assertThat(envelope.imageHeight).as("image height").isBetween(1, InputLimits.DEFAULT_MAX_IMAGE_SIDE);
        assertThat(envelope.focalLengthPx).as("focal length").isFinite().isGreaterThanOrEqualTo(0f);
        assertThat(envelope.deadlineMs).as("deadline").isBetween(1, MAX_DEADLINE_MS);
        assertThat(envelope.captureTimeUs).as("capture time").isLessThanOrEqualTo(envelope.sendTimeUs);
    }

    private static String sessionIdOf(byte[] value) {
        try {
            return Frame.parseFrom(value).getSessionId();
        } catch (InvalidProtocolBufferException e) {
            return "";
        }
    }

    private static RawFrame record(byte[] key, byte[] value, long ingestUs) {
        RawFrame raw = new RawFrame();
        raw.key = key;
        raw.value = value;
        raw.ingestUs = ingestUs;
        return raw;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
