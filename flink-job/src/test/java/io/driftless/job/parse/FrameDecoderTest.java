package io.driftless.job.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftless.inference.service.FrameEnvelope;
import io.driftless.inference.service.Payload;
import io.driftless.job.ReplyTopics;
import io.driftless.job.kafka.RawFrame;
import io.driftless.job.testutils.FaceFrames;
import io.driftless.proto.Frame;
import io.driftless.proto.Image;
import io.driftless.proto.KeypointScheme;
import io.driftless.proto.Landmarks;
import io.driftless.proto.Point;
import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {

    private static final long NOW = 1_700_000_000_000_000L;
    private final FrameDecoder decoder = new FrameDecoder(33, 1_000, 600_000_000L, 10_000_000L, InputLimits.DEFAULTS);

    private static Frame.Builder valid() {
        Landmarks.Builder landmarks = Landmarks.newBuilder()
                .setScheme(KeypointScheme.BLAZEFACE_SIX)
                .setImageWidth(640)
                .setImageHeight(480)
                .setFocalLengthPx(554);
        for (int i = 0; i < 6; i++) {
            landmarks.addKeypoints(Point.newBuilder().setX(300 + 10 * i).setY(240 - i));
        }
        return Frame.newBuilder()
                .setSessionId("alice")
                .setSequence(7)
                .setCaptureTimeUs(NOW - 5_000)
                .setSendTimeUs(NOW - 1_000)
                .setLandmarks(landmarks);
    }

    private static RawFrame raw(String key, byte[] value) {
        RawFrame raw = new RawFrame();
        raw.key = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
        raw.value = value;
        raw.ingestUs = NOW;
        raw.partition = 2;
        raw.offset = 41;
        return raw;
    }

    private String problemWith(UnaryOperator<Frame.Builder> change) {
        return decoder.decode(raw("alice", change.apply(valid()).build().toByteArray()), new FrameEnvelope());
    }

    @Test
    void decodesAValidLandmarkFrame() {
        FrameEnvelope frame = new FrameEnvelope();
        assertThat(decoder.decode(raw("alice", valid().build().toByteArray()), frame)).isNull();
        assertThat(frame.sessionId).isEqualTo("alice");
        assertThat(frame.sequence).isEqualTo(7);
        assertThat(frame.deadlineMs).isEqualTo(33);
        assertThat(frame.keypoints).hasSize(12).startsWith(300f, 240f, 310f, 239f);
        assertThat(frame.focalLengthPx).isEqualTo(554f);
    }

    @Test
    void keepsTheClientsOwnDeadline() {
        FrameEnvelope frame = new FrameEnvelope();
        decoder.decode(raw("alice", valid().setDeadlineMs(50).build().toByteArray()), frame);
        assertThat(frame.deadlineMs).isEqualTo(50);
    }

    @Test
    void rejectsRandomBytesSayingWhereTheyCameFrom() {
        FrameEnvelope frame = new FrameEnvelope();
        String problem = decoder.decode(raw("alice", new byte[] {(byte) 0xff, 0x13, 0x00, 0x7a}), frame);
        assertThat(problem).startsWith("not a driftless.v1.Frame (4 bytes, partition 2, offset 41)");
        assertThat(frame.sessionId).isEqualTo("alice");
    }

    @Test
    void rejectsAnEmptyValue() {
        assertThat(decoder.decode(raw("alice", new byte[0]), new FrameEnvelope()))
                .isEqualTo("empty record value (partition 2, offset 41)");
    }

    @Test
    void rejectsAMissingOrMalformedSessionId() {
        assertThat(problemWith(f -> f.setSessionId(""))).isEqualTo("missing session_id");
        assertThat(problemWith(f -> f.setSessionId("a b"))).contains("[A-Za-z0-9._-]");
    }

    @Test
    void rejectsAKeyThatIsNotTheSessionId() {
        assertThat(decoder.decode(raw("mallory", valid().build().toByteArray()), new FrameEnvelope()))
                .isEqualTo("record key 'mallory' but must be the session_id 'alice' (it decides the partition)");
        assertThat(decoder.decode(raw(null, valid().build().toByteArray()), new FrameEnvelope()))
                .startsWith("record key is missing");
    }

    @Test
    void rejectsWrongKeypointCounts() {
        assertThat(problemWith(f -> {
            f.getLandmarksBuilder().removeKeypoints(5);
            return f;
        })).isEqualTo("expected 6 keypoints for BLAZEFACE_SIX, got 5");
        assertThat(problemWith(f -> {
            f.getLandmarksBuilder().setScheme(KeypointScheme.KEYPOINT_SCHEME_UNSPECIFIED);
            return f;
        })).contains("is not supported");
    }

    @Test
    void rejectsNonFiniteKeypoints() {
        assertThat(problemWith(f -> {
            f.getLandmarksBuilder().setKeypoints(2, Point.newBuilder().setX(Float.NaN).setY(1));
            return f;
        })).isEqualTo("keypoint 2 is not finite (NaN, 1.0)");
        assertThat(problemWith(f -> {
            f.getLandmarksBuilder().setKeypoints(0, Point.newBuilder().setX(1).setY(Float.POSITIVE_INFINITY));
            return f;
        })).isEqualTo("keypoint 0 is not finite (1.0, Infinity)");
    }

    @Test
    void rejectsKeypointsNoFaceCouldProduceBeforeTheyReachAModelBatch() {
        assertThat(problemWith(f -> {
            for (int i = 0; i < 6; i++) {
                f.getLandmarksBuilder().setKeypoints(i, Point.newBuilder().setX(0).setY(0));
            }
            return f;
        })).contains("one spot");
    }

    @Test
    void readsDeadlineMsAsTheUnsignedNumberItIs() {
        assertThat(problemWith(f -> f.setDeadlineMs(-1)))
                .isEqualTo("deadline_ms 4294967295 exceeds the job's maximum of 1000");
    }

    @Test
    void rejectsSessionIdsThatCannotNameATopic() {
        assertThat(problemWith(f -> f.setSessionId(".."))).contains("not '.' or '..'");
        assertThat(problemWith(f -> f.setSessionId("x".repeat(129)))).contains("1-128 characters");
    }

    @Test
    void refusesARecordOverTheFrameSizeLimitBeforeParsingIt() {
        FrameDecoder strict = new FrameDecoder(33, 1_000, 600_000_000L, 10_000_000L, new InputLimits(1024, 4096));
        byte[] big = valid().setSessionId("alice").build().toByteArray();
        byte[] padded = Arrays.copyOf(big, 1025);

        assertThat(strict.decode(raw("alice", padded), new FrameEnvelope()))
                .isEqualTo("frame of 1025 bytes exceeds the limit of 1024 bytes (partition 2, offset 41)");
        assertThat(strict.decode(raw("alice", big), new FrameEnvelope())).isNull();
    }

    @Test
    void refusesImagesWiderOrTallerThanTheConfiguredSide() {
        FrameDecoder small = new FrameDecoder(33, 1_000, 600_000_000L, 10_000_000L, new InputLimits(1 << 20, 600));

        assertThat(small.decode(raw("alice", valid().build().toByteArray()), new FrameEnvelope()))
                .isEqualTo("image size 640x480 is outside 1..600 per side");
    }

    @Test
    void rejectsImpossibleImageSizesAndFocalLengths() {
        assertThat(problemWith(f -> {
            f.getLandmarksBuilder().setImageWidth(0);
            return f;
        })).startsWith("image size 0x480");
        assertThat(problemWith(f -> {
            f.getLandmarksBuilder().setImageHeight(-1);
            return f;
        })).startsWith("image size 640x4294967295");
        assertThat(problemWith(f -> {
            f.getLandmarksBuilder().setFocalLengthPx(Float.NaN);
            return f;
        })).contains("not a plausible focal length");
    }

    @Test
    void rejectsCaptureTimesOutsideTheContract() {
        assertThat(problemWith(f -> f.setCaptureTimeUs(0))).isEqualTo("missing capture_time_us");
        assertThat(problemWith(f -> f.setSendTimeUs(0))).isEqualTo("missing send_time_us");
        assertThat(problemWith(f -> f.setCaptureTimeUs(NOW + 3_600_000_000L)))
                .startsWith("capture_time_us is 3600001.0 ms after send_time_us");
        assertThat(problemWith(f -> f.setCaptureTimeUs(NOW - 86_400_000_000L)))
                .contains("before it was sent; the limit is 10000.0 ms");
    }

    @Test
    void rejectsAClientClockFarOffTheJobs() {
        long yearAgo = NOW - 365L * 86_400_000_000L;
        assertThat(problemWith(f -> f.setCaptureTimeUs(yearAgo).setSendTimeUs(yearAgo + 1_000)))
                .startsWith("client clock is").contains("behind the job's; the limit is 600000.0 ms");
        long hourAhead = NOW + 3_600_000_000L;
        assertThat(problemWith(f -> f.setCaptureTimeUs(hourAhead).setSendTimeUs(hourAhead + 1_000)))
                .contains("ahead of the job's");
    }

    @Test
    void rejectsDeadlinesBeyondTheMaximum() {
        assertThat(problemWith(f -> f.setDeadlineMs(5_000)))
                .isEqualTo("deadline_ms 5000 exceeds the job's maximum of 1000");
    }

    @Test
    void rejectsFramesWithoutAPayload() {
        assertThat(problemWith(Frame.Builder::clearPayload)).isEqualTo("frame has no payload");
    }

    @Test
    void passesAJpegWhoseHeaderMatchesItsDeclaredSizeWithoutDecodingIt() {
        byte[] jpeg = FaceFrames.blank();
        FrameEnvelope frame = new FrameEnvelope();

        assertThat(decoder.decode(raw("alice", image(jpeg, 640, 480).build().toByteArray()), frame)).isNull();

        assertThat(frame.payload()).isEqualTo(Payload.IMAGE);
        assertThat(frame.jpeg).isEqualTo(jpeg);
        assertThat(frame.keypoints).isNull();
        assertThat(frame.imageWidth).isEqualTo(640);
        assertThat(frame.imageHeight).isEqualTo(480);
    }

    @Test
    void carriesTheImageModelTheFrameAsksForAndRefusesANameNoModelCanHave() {
        FrameEnvelope frame = new FrameEnvelope();
        Frame.Builder asks = image(FaceFrames.blank(), 640, 480);
        asks.getImageBuilder().setModel("yolo11n");

        assertThat(decoder.decode(raw("alice", asks.build().toByteArray()), frame)).isNull();
        assertThat(frame.imageModel).isEqualTo("yolo11n");
        assertThat(problemWith(f -> {
            Frame.Builder bad = image(FaceFrames.blank(), 640, 480);
            bad.getImageBuilder().setModel("yolo\n11");
            return bad;
        })).isEqualTo("model name must be 1-128 printable ASCII characters, got 'yolo\n11'");
    }

    @Test
    void refusesBytesThatAreNotAJpeg() {
        assertThat(problemWith(f -> image(new byte[] {'G', 'I', 'F', '8', '9', 'a', 0, 0}, 640, 480)))
                .isEqualTo("not a JPEG: it does not start with the start-of-image marker FF D8");
    }

    @Test
    void aRefusedImageFrameStillSaysItIsAnImageFrameSoItsDropCountsOnTheImagePath() {
        FrameEnvelope frame = new FrameEnvelope();

        assertThat(decoder.decode(raw("alice", image(FaceFrames.blank(), 640, 999).build().toByteArray()), frame))
                .isNotNull();

        assertThat(frame.payload()).isEqualTo(Payload.IMAGE);
    }

    @Test
    void refusesAnImageWithoutBytes() {
        assertThat(problemWith(f -> image(new byte[0], 640, 480))).isEqualTo("image has no JPEG bytes");
    }

    @Test
    void refusesAJpegCutOffBeforeItsFrameHeader() {
        byte[] cut = FaceFrames.truncated(FaceFrames.blank(), 30);

        assertThat(problemWith(f -> image(cut, 640, 480))).startsWith("JPEG is truncated: it ends at byte");
    }

    @Test
    void refusesCorruptMarkerSegments() {
        byte[] corrupt = FaceFrames.blank();
        corrupt[2] = 0x12;

        assertThat(problemWith(f -> image(corrupt, 640, 480)))
                .isEqualTo("JPEG is corrupt: expected a marker at byte 2, found 0x12");
    }

    @Test
    void refusesAJpegDeclaringHugeDimensionsFromItsHeaderAlone() {
        // 23 bytes that claim 60000 x 60000 pixels: refused before anything of that size exists
        byte[] bomb = FaceFrames.headerOnly(60_000, 60_000);

        assertThat(problemWith(f -> image(bomb, 640, 480)))
                .isEqualTo("JPEG declares 60000x60000, over the 4096-pixel side limit");
        assertThat(problemWith(f -> image(bomb, 60_000, 60_000)))
                .isEqualTo("image size 60000x60000 is outside 1..4096 per side");
    }

    @Test
    void refusesAJpegOverThePixelLimitWithinTheSideLimit() {
        byte[] square = FaceFrames.headerOnly(4096, 4096);

        assertThat(problemWith(f -> image(square, 4096, 4096)))
                .isEqualTo("JPEG declares 4096x4096 (16777216 pixels), over the 8847360-pixel limit");
    }

    @Test
    void refusesAJpegOfAnotherSizeThanTheFrameDeclares() {
        assertThat(problemWith(f -> image(FaceFrames.blank(), 320, 240)))
                .isEqualTo("JPEG is 640x480 but the frame declares 320x240");
    }

    @Test
    void refusesDeclaredImageSizesOutsideTheConfiguredSide() {
        FrameDecoder small = new FrameDecoder(33, 1_000, 600_000_000L, 10_000_000L, new InputLimits(1 << 20, 600));

        assertThat(small.decode(raw("alice", image(FaceFrames.blank(), 640, 480).build().toByteArray()),
                new FrameEnvelope())).isEqualTo("image size 640x480 is outside 1..600 per side");
        assertThat(problemWith(f -> image(FaceFrames.blank(), 0, 480))).startsWith("image size 0x480");
    }

    @Test
    void refusesAnImageOverTheFrameSizeCapBeforeParsingIt() {
        FrameDecoder capped = new FrameDecoder(33, 1_000, 600_000_000L, 10_000_000L, new InputLimits(4_096, 4096));
        byte[] value = image(FaceFrames.blank(), 640, 480).build().toByteArray();

        assertThat(capped.decode(raw("alice", value), new FrameEnvelope()))
                .isEqualTo("frame of " + value.length + " bytes exceeds the limit of 4096 bytes (partition 2, offset 41)");
    }

    private static Frame.Builder image(byte[] jpeg, int width, int height) {
        return valid().setImage(Image.newBuilder().setJpeg(ByteString.copyFrom(jpeg)).setWidth(width).setHeight(height));
    }

    @Test
    void keepsAReplyToUnderAnAllowedPrefix() {
        FrameEnvelope frame = new FrameEnvelope();
        byte[] value = valid().setReplyTo("driftless.reply.gw-1").build().toByteArray();
        assertThat(decoder.decode(raw("alice", value), frame)).isNull();
        assertThat(frame.replyTo).isEqualTo("driftless.reply.gw-1");
    }

    @Test
    void leavesReplyToUnsetForTheSharedTopics() {
        FrameEnvelope frame = new FrameEnvelope();
        assertThat(decoder.decode(raw("alice", valid().build().toByteArray()), frame)).isNull();
        assertThat(frame.replyTo).isNull();
    }

    @Test
    void refusesAReplyToOutsideTheAllowedPrefixes() {
        FrameEnvelope frame = new FrameEnvelope();
        byte[] value = valid().setReplyTo("payments.ledger").build().toByteArray();
        assertThat(decoder.decode(raw("alice", value), frame))
                .isEqualTo("reply_to 'payments.ledger' is not under a prefix this job answers to [driftless.reply.]"
                        + " (driftless.reply-to.allowed-prefixes)");
        assertThat(frame.replyTo).as("a refused reply_to is never written to").isNull();
        assertThat(problemWith(f -> f.setReplyTo("driftless.reply."))).as("the bare prefix")
                .contains("is not under a prefix");
        assertThat(problemWith(f -> f.setReplyTo("driftless.reply.a/b"))).contains("characters of [A-Za-z0-9._-]");
        assertThat(problemWith(f -> f.setReplyTo("driftless.reply." + "x".repeat(240))))
                .contains("reply_to must be 1-234 characters");
    }

    @Test
    void refusesEveryReplyToWhenNoPrefixIsAllowed() {
        FrameDecoder closed = new FrameDecoder(33, 1_000, 600_000_000L, 10_000_000L, InputLimits.DEFAULTS,
                new ReplyTopics(List.of()));
        byte[] value = valid().setReplyTo("driftless.reply.gw-1").build().toByteArray();
        assertThat(closed.decode(raw("alice", value), new FrameEnvelope())).contains("is not under a prefix");
    }
}
