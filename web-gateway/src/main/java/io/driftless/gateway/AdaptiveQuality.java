package io.driftless.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The capture settings the gateway asks of one camera, from how its frames fared over the last
 * second. When frames miss their deadline it lowers the frame rate (down to 5 fps), then the JPEG
 * quality (down to 0.5), then the resolution (down to half); when a whole second makes it with
 * slack, several seconds in a row, it raises them back one step at a time.
 *
 * <p>The gateway decides, not the page: one policy for every client that speaks the socket
 * protocol, measured with one clock (the gateway's, from a frame's receipt to its answer; the
 * page's clock may be skewed and a background tab's timers throttled), and testable here. The
 * page applies what it is told; a client that ignores the advice keeps its settings, and only
 * the session's frame-rate cap is enforced.
 *
 * <p>Hysteresis: a step down takes one second below 90 % on time; a step up takes
 * {@value #GOOD_WINDOWS_TO_RAISE} seconds in a row at 99 % on time with 95 % of the answers
 * inside half the deadline, and twice as many each time a raise had to be taken back within
 * {@value #RAISE_PROBATION_WINDOWS} seconds, so a session at the edge of what the job serves settles
 * instead of oscillating. Only frames received under the current setting count. Not thread-safe:
 * its session calls it under its own lock.
 */
final class AdaptiveQuality {

    private static final double[] FPS = {30, 24, 20, 15, 10, 5};
    private static final double[] JPEG_QUALITY = {0.8, 0.7, 0.6, 0.5};
    private static final double[] SCALE = {1.0, 0.75, 0.5};
    private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int MIN_OUTCOMES = 3;
    private static final double LOWER_BELOW_ON_TIME = 0.90;
    private static final double RAISE_AT_ON_TIME = 0.99;
    private static final double RAISE_AT_ROOMY = 0.95;
    private static final int GOOD_WINDOWS_TO_RAISE = 3;
    private static final int MAX_GOOD_WINDOWS_TO_RAISE = 48;
    private static final int RAISE_PROBATION_WINDOWS = 5;

    /** What the camera is asked to capture at. */
    record Setting(double fps, double jpegQuality, double scale) {}

    /** A new setting and why, for the camera. */
    record Change(Setting setting, String reason) {}

    private final List<Setting> ladder;
    private final double deadlineMs;
    private int level;
    private long settingSinceNanos;
    private long windowStartNanos = -1;
    private int decided;
    private int onTime;
    private int roomy;
    private int goodWindows;
    private int goodWindowsToRaise = GOOD_WINDOWS_TO_RAISE;
    private int windowsSinceRaise = Integer.MAX_VALUE;

    private AdaptiveQuality(List<Setting> ladder, double deadlineMs, long nowNanos) {
        this.ladder = ladder;
        this.deadlineMs = deadlineMs;
        this.settingSinceNanos = nowNanos;
    }

    /**
     * For a JPEG camera that started at {@code fps} and {@code jpegQuality}: its own settings
     * are the top of the ladder, never exceeded.
     */
    static AdaptiveQuality forJpeg(double fps, double jpegQuality, double deadlineMs, long nowNanos) {
        List<Setting> ladder = fpsSteps(fps, jpegQuality);
        double lowestQuality = Math.min(jpegQuality, JPEG_QUALITY[JPEG_QUALITY.length - 1]);
        for (double q : JPEG_QUALITY) {
            if (q < jpegQuality) {
                ladder.add(new Setting(last(ladder).fps(), q, 1.0));
            }
        }
        for (int i = 1; i < SCALE.length; i++) {
            ladder.add(new Setting(last(ladder).fps(), lowestQuality, SCALE[i]));
        }
        return new AdaptiveQuality(List.copyOf(ladder), deadlineMs, nowNanos);
    }

    /** For a camera sending landmarks: only its frame rate is worth lowering. */
    static AdaptiveQuality forLandmarks(double fps, double deadlineMs, long nowNanos) {
        return new AdaptiveQuality(List.copyOf(fpsSteps(fps, 0)), deadlineMs, nowNanos);
    }

    private static List<Setting> fpsSteps(double topFps, double jpegQuality) {
        List<Setting> steps = new ArrayList<>();
        steps.add(new Setting(topFps, jpegQuality, 1.0));
        for (double fps : FPS) {
            if (fps < topFps) {
                steps.add(new Setting(fps, jpegQuality, 1.0));
            }
        }
        return steps;
    }

    private static Setting last(List<Setting> settings) {
        return settings.get(settings.size() - 1);
    }

    Setting current() {
        return ladder.get(level);
    }

    /**
     * One frame's fate: answered ({@code rttMs} from its receipt) or dropped for want of time.
     *
     * @param receivedNanos when the gateway received the frame
     * @return the new setting when this outcome closed a window that calls for one
     */
    Optional<Change> outcome(boolean answered, double rttMs, long receivedNanos, long nowNanos) {
        if (receivedNanos < settingSinceNanos) {
            return Optional.empty();
        }
        if (windowStartNanos < 0) {
            windowStartNanos = nowNanos;
        }
        decided++;
        if (answered) {
            onTime++;
            if (rttMs <= deadlineMs / 2) {
                roomy++;
            }
        }
        if (nowNanos - windowStartNanos < WINDOW_NANOS || decided < MIN_OUTCOMES) {
            return Optional.empty();
        }
        double onTimeRatio = (double) onTime / decided;
        double roomyRatio = onTime == 0 ? 0 : (double) roomy / onTime;
        windowStartNanos = nowNanos;
        decided = 0;
        onTime = 0;
        roomy = 0;
        if (windowsSinceRaise < Integer.MAX_VALUE) {
            windowsSinceRaise++;
        }
        if (onTimeRatio < LOWER_BELOW_ON_TIME) {
            goodWindows = 0;
            if (level == ladder.size() - 1) {
                return Optional.empty();
            }
            if (windowsSinceRaise <= RAISE_PROBATION_WINDOWS) {
                goodWindowsToRaise = Math.min(MAX_GOOD_WINDOWS_TO_RAISE, goodWindowsToRaise * 2);
            }
            return Optional.of(move(level + 1, nowNanos, String.format(Locale.ROOT,
                    "%.0f %% of frames on time over the last second", 100 * onTimeRatio)));
        }
        if (onTimeRatio >= RAISE_AT_ON_TIME && roomyRatio >= RAISE_AT_ROOMY) {
            goodWindows++;
        } else {
            goodWindows = 0;
        }
        if (goodWindows < goodWindowsToRaise || level == 0) {
            return Optional.empty();
        }
        goodWindows = 0;
        windowsSinceRaise = 0;
        return Optional.of(move(level - 1, nowNanos, String.format(Locale.ROOT,
                "every frame on time with room to spare for %d s", goodWindowsToRaise)));
    }

    private Change move(int to, long nowNanos, String reason) {
        level = to;
        settingSinceNanos = nowNanos;
        windowStartNanos = -1;
        return new Change(current(), reason);
    }
}
