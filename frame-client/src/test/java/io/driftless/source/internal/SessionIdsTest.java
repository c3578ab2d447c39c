package io.driftless.source.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SessionIdsTest {

    private final SessionIds ids = new SessionIds("r1", 12);

    @Test
    void namesSessionsAfterTheRunAndTheUser() {
        assertThat(ids.sessionId(0)).isEqualTo("r1-u0000");
        assertThat(ids.sessionId(11)).isEqualTo("r1-u0011");
        assertThat(new String(ids.key(7), StandardCharsets.UTF_8)).isEqualTo("r1-u0007");
    }

    @Test
    void findsTheUserOfItsOwnSessionsOnly() {
        assertThat(ids.userOf("r1-u0011")).isEqualTo(11);
        assertThat(ids.userOf("r1-u0012")).isEqualTo(-1);
        assertThat(ids.userOf("r1-u11")).isEqualTo(-1);
        assertThat(ids.userOf("r2-u0001")).isEqualTo(-1);
        assertThat(ids.userOf("r1-u")).isEqualTo(-1);
        assertThat(ids.userOf("r1-u00x1")).isEqualTo(-1);
    }

    @Test
    void tellsItsOwnKeysFromOtherRunsCheaply() {
        assertThat(ids.mayOwnKey("r1-u0003".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(ids.mayOwnKey("r11-u0003".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(ids.mayOwnKey(null)).isFalse();
    }

    @Test
    void drawsAFreshTopicSafeRunIdEachTime() {
        String a = SessionIds.newRunId();
        assertThat(a).matches("[a-z0-9]+").isNotEqualTo(SessionIds.newRunId());
    }

    @Test
    void subscribesToItsOwnPerSessionTopicsAndTheDroppedTopic() {
        Pattern topics = ids.answerTopics("ar.{session}.coords", "{session}", "driftless.dropped");

        assertThat(topics.matcher("ar.r1-u0003.coords").matches()).isTrue();
        assertThat(topics.matcher("driftless.dropped").matches()).isTrue();
        assertThat(topics.matcher("ar.r2-u0003.coords").matches()).isFalse();
        assertThat(topics.matcher("arXr1-u0003.coords").matches()).isFalse();
        assertThat(topics.matcher("driftlessXdropped").matches()).isFalse();
    }
}
