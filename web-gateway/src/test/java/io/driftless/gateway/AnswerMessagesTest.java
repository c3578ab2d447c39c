package io.driftless.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftless.proto.Anchor;
import io.driftless.proto.AnchorVelocity;
import io.driftless.proto.ArCoordinates;
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
}
