package io.driftless.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SyntheticConfigTest {

    private static SyntheticConfig.Builder valid() {
        return SyntheticConfig.builder().bootstrapServers("localhost:9092");
    }

    @Test
    void hasTheDocumentedDefaults() {
        SyntheticConfig config = valid().build();
        assertThat(config.users()).isEqualTo(200);
        assertThat(config.fps()).isEqualTo(30);
        assertThat(config.duration()).isEmpty();
        assertThat(config.frames().deadlineMs()).isEqualTo(33);
        assertThat(config.kafkaLink().framesTopic()).isEqualTo("driftless.frames");
        assertThat(config.kafkaLink().coordinatesTopicPattern()).isEqualTo("driftless.ar-coordinates");
        assertThat(config.kafkaLink().perSessionTopics()).isFalse();
        assertThat(config.kafkaLink().droppedTopic()).isEqualTo("driftless.dropped");
        assertThat(config.maxClockSkew()).isZero();
        assertThat(config.noisePx()).isEqualTo(1.5);
        assertThat(config.seed()).isEqualTo(SyntheticConfig.DEFAULT_SEED);
        assertThat(config.camera().width()).isEqualTo(640);
        assertThat(config.camera().height()).isEqualTo(480);
        assertThat(config.camera().focalPx()).isCloseTo(320 / Math.tan(Math.toRadians(30)),
                org.assertj.core.data.Offset.offset(1e-9));
        assertThat(config.kafkaLink().connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.report().drainTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.report().statusInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.report().statusOut()).isNull();
        assertThat(config.kafkaLink().kafkaProperties()).isEmpty();
        assertThat(config.runId()).isEmpty();
        assertThat(config.frames().sendMode()).isEqualTo(SendMode.LANDMARKS);
        assertThat(config.frames().jpegQuality()).isEqualTo(80);
        assertThat(config.image()).isEmpty();
        assertThat(config.kafkaLink().annotatedTopic()).isEmpty();
        assertThat(config.motion()).isEqualTo(MotionProfile.NORMAL);
        assertThat(config.displayDelay()).isZero();
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                bad(b -> b.users(0), "users must be between 1 and 100,000, got 0"),
                bad(b -> b.fps(0), "fps must be between 1 and 1000, got 0"),
                bad(b -> b.duration(Duration.ZERO), "duration must be positive"),
                bad(b -> b.deadlineMs(0), "deadlineMs must be between 1 and 60,000, got 0"),
                bad(b -> b.bootstrapServers(" "), "bootstrapServers must name at least one broker"),
                bad(b -> b.framesTopic("frames topic"), "framesTopic 'frames topic' is not a valid"
                        + " topic name: only ASCII letters"),
                bad(b -> b.droppedTopic(""), "droppedTopic '' is not a valid topic name: it is empty"),
                bad(b -> b.coordinatesTopicPattern("c.{session}.{session}"),
                        "coordinatesTopicPattern may contain {session} at most once"),
                bad(b -> b.coordinatesTopicPattern("c/{session}"),
                        "coordinatesTopicPattern 'c/{session}' is not a valid topic name"),
                bad(b -> b.maxClockSkew(Duration.ofSeconds(-1)), "maxClockSkew must be between 0"),
                bad(b -> b.noisePx(-0.1), "noisePx must be between 0 and 50.0 pixels, got -0.1"),
                bad(b -> b.noisePx(Double.NaN), "noisePx must be between 0"),
                bad(b -> b.imageSize(10, 480), "imageSize must be between 32 and 8192 pixels"),
                bad(b -> b.horizontalFovDeg(179), "horizontalFovDeg must be between 20 and 150"),
                bad(b -> b.drainTimeout(null), "drainTimeout must be zero or positive"),
                bad(b -> b.report(ReportSettings.DEFAULT.withStatusInterval(Duration.ofMillis(1))),
                        "statusInterval must be at least"),
                bad(b -> b.connectTimeout(Duration.ZERO), "connectTimeout must be at least 1 ms"),
                bad(b -> b.kafkaProperty("value.serializer", "x"),
                        "kafkaProperties must not set 'value.serializer'"),
                bad(b -> b.kafkaProperties(Map.of(" ", "x")), "kafkaProperties keys must not be blank"),
                bad(b -> b.runId("run/1"), "runId must be 1 to 64 characters of [A-Za-z0-9._-]"),
                bad(b -> b.sendMode(null), "sendMode must be LANDMARKS or JPEG, got null"),
                bad(b -> b.motion(null),
                        "motion must be one of [CALM, NORMAL, BRISK, FAST, SHAKE], got null"),
                bad(b -> b.displayDelay(Duration.ofMillis(-1)),
                        "displayDelay must be between 0 and PT1S, got PT-0.001S"),
                bad(b -> b.displayDelay(Duration.ofSeconds(2)),
                        "displayDelay must be between 0 and PT1S, got PT2S"),
                bad(b -> b.jpegQuality(101), "jpegQuality must be between 1 and 100, got 101"),
                bad(b -> b.image(Path.of("no-such-photo.jpg")), "image 'no-such-photo.jpg' does not"
                        + " exist or is not a file: name a photo with a face"));
    }

    private static Arguments bad(Consumer<SyntheticConfig.Builder> setter, String message) {
        return Arguments.of(setter, message);
    }

    @ParameterizedTest
    @MethodSource("badValues")
    void rejectsABadValueWithAMessageNamingTheField(Consumer<SyntheticConfig.Builder> setter,
            String message) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> setter.accept(valid()))
                .withMessageContaining(message);
    }

    @Test
    void requiresBootstrapServers() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> SyntheticConfig.builder().build())
                .withMessage("bootstrapServers is required: set it to the Kafka brokers,"
                        + " e.g. localhost:9092");
    }

    @Test
    void refusesAFramesTopicThatIsAlsoAnAnswerTopic() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> valid().framesTopic("driftless.dropped").build())
                .withMessageContaining("framesTopic 'driftless.dropped' must differ from the"
                        + " answer topics");
    }

    @Test
    void refusesOneTopicForCoordinatesAndDrops() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> valid().droppedTopic("driftless.ar-coordinates").build())
                .withMessageContaining("the coordinates, annotated and dropped topics must differ");
    }

    @Test
    void refusesACameraTooNarrowToKeepAFaceInView() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> valid().imageSize(640, 40).horizontalFovDeg(20).build())
                .withMessageContaining("cannot keep a face inside the image");
    }

    @Test
    void readsASessionPlaceholderAsOneTopicPerSession() {
        SyntheticConfig config = valid().coordinatesTopicPattern("driftless.ar.{session}").build();
        assertThat(config.kafkaLink().perSessionTopics()).isTrue();
    }

    @Test
    void readsTheAnnotatedTopicOnlyWhenTheUsersSendJpegFrames() {
        SyntheticConfig jpeg = valid().sendMode(SendMode.JPEG).annotatedTopicPattern("a.frames")
                .build();

        assertThat(jpeg.kafkaLink().annotatedTopic()).contains("a.frames");
        assertThat(valid().annotatedTopicPattern("a.frames").build().kafkaLink().annotatedTopic())
                .isEmpty();
    }

    @Test
    void refusesAnAnnotatedTopicThatIsAlsoTheDroppedTopic() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> valid().sendMode(SendMode.JPEG)
                        .annotatedTopicPattern("driftless.dropped").build())
                .withMessageContaining("the coordinates, annotated and dropped topics must differ");
    }

    @Test
    void refusesAPhotoForLandmarkUsers(@TempDir Path dir) throws Exception {
        Path photo = Files.createFile(dir.resolve("photo.jpg"));

        assertThatIllegalArgumentException()
                .isThrownBy(() -> valid().image(photo).build())
                .withMessage("image is set but sendMode is LANDMARKS: the photo is sent only as"
                        + " JPEG frames");
    }

    @Test
    void keepsExtraKafkaPropertiesInOrder() {
        SyntheticConfig config = valid()
                .kafkaProperty("security.protocol", "SSL")
                .kafkaProperty("ssl.truststore.location", "/tmp/ts.jks")
                .build();
        assertThat(config.kafkaLink().kafkaProperties()).containsExactly(
                Map.entry("security.protocol", "SSL"),
                Map.entry("ssl.truststore.location", "/tmp/ts.jks"));
    }
}
