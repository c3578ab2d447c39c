package io.driftless.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftless.gateway.AdaptiveQuality.Change;
import io.driftless.gateway.AdaptiveQuality.Setting;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class AdaptiveQualityTest {

    private static final double DEADLINE_MS = 33;
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    /** A camera that captures at what it is told, against a job that serves what {@code serves} accepts. */
    private static final class Camera {
        final AdaptiveQuality quality;
        final List<Change> changes = new ArrayList<>();
        final List<Long> changeTimes = new ArrayList<>();
        long now;

        Camera(AdaptiveQuality quality) {
            this.quality = quality;
        }

        /** Streams for {@code seconds}, each frame answered 5 ms after receipt if served, else dropped. */
        void stream(double seconds, Predicate<Setting> serves) {
            long end = now + (long) (seconds * SECOND);
            while (now < end) {
                Setting setting = quality.current();
                long received = now;
                boolean answered = serves.test(setting);
                long decided = received + TimeUnit.MILLISECONDS.toNanos(5);
                quality.outcome(answered, answered ? 5 : 0, received, decided).ifPresent(change -> {
                    changes.add(change);
                    changeTimes.add(decided);
                });
                now += (long) (SECOND / setting.fps());
            }
        }
    }

    @Test
    void lowersFrameRateFirstThenJpegQualityThenResolutionWhileFramesMiss() {
        Camera camera = new Camera(AdaptiveQuality.forJpeg(30, 0.8, DEADLINE_MS, 0));

        camera.stream(30, setting -> false);

        assertThat(camera.changes).extracting(Change::setting).containsExactly(
                new Setting(24, 0.8, 1.0), new Setting(20, 0.8, 1.0), new Setting(15, 0.8, 1.0),
                new Setting(10, 0.8, 1.0), new Setting(5, 0.8, 1.0),
                new Setting(5, 0.7, 1.0), new Setting(5, 0.6, 1.0), new Setting(5, 0.5, 1.0),
                new Setting(5, 0.5, 0.75), new Setting(5, 0.5, 0.5));
        assertThat(camera.changes.get(0).reason()).isEqualTo("0 % of frames on time over the last second");
    }

    @Test
    void raisesBackStepByStepOnlyAfterSecondsWithRoomToSpare() {
        Camera camera = new Camera(AdaptiveQuality.forJpeg(30, 0.8, DEADLINE_MS, 0));
        camera.stream(4, setting -> false);
        assertThat(camera.quality.current().fps()).isLessThan(30);
        camera.changes.clear();
        camera.changeTimes.clear();
        long recovered = camera.now;

        camera.stream(60, setting -> true);

        assertThat(camera.quality.current()).isEqualTo(new Setting(30, 0.8, 1.0));
        // the first second after the misses may still hold some of them and lower once more;
        // from then on each raise takes three good seconds
        List<Long> raises = new ArrayList<>();
        long lastLowered = recovered;
        for (int i = 0; i < camera.changes.size(); i++) {
            if (camera.changes.get(i).reason().startsWith("every frame on time")) {
                raises.add(camera.changeTimes.get(i));
            } else {
                assertThat(raises).as("a step down after a raise").isEmpty();
                lastLowered = camera.changeTimes.get(i);
            }
        }
        assertThat(raises).isNotEmpty();
        assertThat(raises.get(0) - lastLowered).isGreaterThanOrEqualTo(3 * SECOND);
        for (int i = 1; i < raises.size(); i++) {
            assertThat(raises.get(i) - raises.get(i - 1)).isGreaterThanOrEqualTo(3 * SECOND);
        }
    }

    @Test
    void settlesAtTheEdgeOfWhatTheJobServesInsteadOfOscillating() {
        Camera camera = new Camera(AdaptiveQuality.forJpeg(30, 0.8, DEADLINE_MS, 0));

        camera.stream(60, setting -> setting.fps() <= 15);
        int firstMinute = camera.changes.size();
        camera.changes.clear();
        camera.stream(60, setting -> setting.fps() <= 15);

        // down to 15 fps in 3 s; then probes of 20 fps that fail, after 3, 6, 12, 24 and 48 good seconds
        assertThat(camera.quality.current().fps()).isEqualTo(15);
        assertThat(camera.changes).extracting(c -> c.setting().fps()).allMatch(fps -> fps == 20 || fps == 15);
        assertThat(firstMinute).as("changes in the first minute").isLessThanOrEqualTo(11);
        assertThat(camera.changes.size()).as("changes in the second minute").isLessThanOrEqualTo(2);
    }

    @Test
    void holdsBetweenTheThresholds() {
        Camera camera = new Camera(AdaptiveQuality.forJpeg(30, 0.8, DEADLINE_MS, 0));
        int[] frame = {0};

        // 95 % on time: neither bad enough to lower nor good enough to raise
        camera.stream(30, setting -> frame[0]++ % 20 != 0);

        assertThat(camera.changes).isEmpty();
    }

    /** Misses at 30 fps until the first step down; @return when it came. */
    private static long lowerOnce(AdaptiveQuality quality) {
        for (long t = 0; ; t += SECOND / 30) {
            if (quality.outcome(false, 0, t, t).isPresent()) {
                return t;
            }
        }
    }

    @Test
    void ignoresFramesReceivedUnderThePreviousSetting() {
        AdaptiveQuality quality = AdaptiveQuality.forJpeg(30, 0.8, DEADLINE_MS, 0);
        long changedAt = lowerOnce(quality);
        assertThat(quality.current().fps()).isEqualTo(24);

        // misses of frames sent before the change say nothing about the new setting
        for (int i = 0; i < 60; i++) {
            assertThat(quality.outcome(false, 0, changedAt - 1, changedAt + i * (SECOND / 24))).isEmpty();
        }
        assertThat(quality.current().fps()).isEqualTo(24);
    }

    @Test
    void aLandmarkCameraOnlyEverChangesItsFrameRateAndNeverExceedsItsOwn() {
        Camera camera = new Camera(AdaptiveQuality.forLandmarks(20, DEADLINE_MS, 0));

        camera.stream(20, setting -> false);
        assertThat(camera.changes).extracting(c -> c.setting().fps()).containsExactly(15.0, 10.0, 5.0);

        camera.changes.clear();
        camera.stream(120, setting -> true);
        assertThat(camera.quality.current().fps()).isEqualTo(20);
        assertThat(camera.changes).extracting(c -> c.setting().fps()).allMatch(fps -> fps <= 20);
    }

    @Test
    void answersOnTimeButWithoutSlackDoNotRaise() {
        AdaptiveQuality quality = AdaptiveQuality.forJpeg(30, 0.8, DEADLINE_MS, 0);
        long t = lowerOnce(quality) + 1;
        assertThat(quality.current().fps()).isEqualTo(24);

        // every frame answered, but at 30 ms of a 33 ms deadline: no room to raise
        for (int i = 0; i < 24 * 30; i++, t += SECOND / 24) {
            assertThat(quality.outcome(true, 30, t, t)).isEmpty();
        }
    }
}
