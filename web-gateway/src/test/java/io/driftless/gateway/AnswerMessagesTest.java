package io.driftless.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftless.proto.Anchor;
import io.driftless.proto.AnchorVelocity;
import io.driftless.proto.AnnotatedFrame;
import io.driftless.proto.ArCoordinates;
import io.driftless.proto.Box;
import io.driftless.proto.Classification;
import io.driftless.proto.Detection;
import io.driftless.proto.Motion;
import org.junit.jupiter.api.Test;

class AnswerMessagesTest {

    private final ObjectMapper json = new ObjectMapper();
    private final AnswerMessages messages = new AnswerMessages(json);

    private static ArCoordinates.Builder answer() {
        return ArCoordinates.newBuilder().setSequence(7).setCaptureTimeUs(1_000)
                .addAnchors(Anchor.newBuilder().setName("glasses_bridge").setX(320).setY(200));
    }

    @Test
    void givesThePageEachAnchorsVelocityWhenTheJobSentThem() throws Exception {
        ArCoordinates moving = answer().setMotion(Motion.newBuilder().setCaptureTimeUs(1_000)
                .addAnchorVelocities(AnchorVelocity.newBuilder().setName("glasses_bridge")
                        .setXPxPerS(250).setYPxPerS(-40))).build();

        JsonNode message = json.readTree(messages.coordinates(moving, 12.5));

        assertThat(message.path("anchors").path("glasses_bridge").toString()).isEqualTo("[320.0,200.0]");
        assertThat(message.path("velocities").path("glasses_bridge").toString()).isEqualTo("[250.0,-40.0]");
    }

    @Test
    void leavesVelocitiesOutOfAnAnswerWithoutMotion() throws Exception {
        JsonNode message = json.readTree(messages.coordinates(answer().build(), 12.5));

        assertThat(message.has("velocities")).isFalse();
        assertThat(message.path("captureTimeUs").asLong()).isEqualTo(1_000);
    }

    @Test
    void tellsTheCameraItsDeadlineAndRateCapWithoutASequence() throws Exception {
        JsonNode message = json.readTree(messages.session(250, 15));

        assertThat(message.toString()).isEqualTo("{\"type\":\"session\",\"deadlineMs\":250,\"maxFps\":15}");
    }

    @Test
    void givesThePageAnAnnotatedFramesObjectsAndClassesForItToDraw() throws Exception {
        AnnotatedFrame frame = AnnotatedFrame.newBuilder().setSequence(9).setCaptureTimeUs(2_000)
                .setWidth(640).setHeight(480)
                .addDetections(Detection.newBuilder().setLabel("dog").setClassId(16).setScore(0.875f)
                        .setBox(Box.newBuilder().setXMin(10).setYMin(20).setXMax(110).setYMax(220)))
                .addClasses(Classification.newBuilder().setLabel("tabby").setClassId(281).setScore(0.75f))
                .addClasses(Classification.newBuilder().setLabel("tiger cat").setClassId(282).setScore(0.125f))
                .build();

        JsonNode message = json.readTree(messages.annotated(frame));

        assertThat(message.path("type").asText()).isEqualTo("annotated");
        assertThat(message.path("seq").asLong()).isEqualTo(9);
        assertThat(message.path("detections").toString()).isEqualTo(
                "[{\"label\":\"dog\",\"classId\":16,\"score\":0.875,\"box\":[10.0,20.0,110.0,220.0]}]");
        assertThat(message.path("classes").toString()).isEqualTo("[{\"label\":\"tabby\",\"classId\":281,"
                + "\"score\":0.75},{\"label\":\"tiger cat\",\"classId\":282,\"score\":0.125}]");
    }
}
