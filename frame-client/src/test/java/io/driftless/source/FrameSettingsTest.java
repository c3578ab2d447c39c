package io.driftless.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class FrameSettingsTest {

    @Test
    void defaultsToLandmarkFramesWithA33MsBudget() {
        assertThat(FrameSettings.DEFAULT).isEqualTo(new FrameSettings(SendMode.LANDMARKS, 33, 80, ""));
    }

    @Test
    void changesOneSettingAtATime() {
        FrameSettings jpeg = FrameSettings.DEFAULT.withSendMode(SendMode.JPEG).withJpegQuality(90).withDeadlineMs(50);

        assertThat(jpeg).isEqualTo(new FrameSettings(SendMode.JPEG, 50, 90, ""));
        assertThat(FrameSettings.DEFAULT.sendMode()).isEqualTo(SendMode.LANDMARKS);
    }

    @Test
    void rejectsABadSettingWithAMessageNamingIt() {
        assertThatIllegalArgumentException().isThrownBy(() -> FrameSettings.DEFAULT.withSendMode(null))
                .withMessage("sendMode must be LANDMARKS or JPEG, got null");
        assertThatIllegalArgumentException().isThrownBy(() -> FrameSettings.DEFAULT.withDeadlineMs(0))
                .withMessage("deadlineMs must be between 1 and 60,000, got 0 (0, the job's default, is not"
                        + " allowed: the client measures on-time ratios against this budget)");
        assertThatIllegalArgumentException().isThrownBy(() -> FrameSettings.DEFAULT.withDeadlineMs(60_001))
                .withMessageStartingWith("deadlineMs must be between 1 and 60,000, got 60001");
        assertThatIllegalArgumentException().isThrownBy(() -> FrameSettings.DEFAULT.withJpegQuality(101))
                .withMessage("jpegQuality must be between 1 and 100, got 101");
    }
}
