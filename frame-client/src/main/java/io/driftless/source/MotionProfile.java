package io.driftless.source;

import java.util.Locale;

/**
 * How fast a simulated user's head moves. Each user's smooth motion ({@link HeadMotion}) is played
 * faster or slower so that its fastest angle never turns faster than {@link #peakDegPerS()}, and
 * comes within 30% of it in a minute; {@link #SHAKE} adds a quick head shake on top.
 */
public enum MotionProfile {
    /** Sitting still, looking around now and then: at most 20 degrees per second. */
    CALM(20, 0, 0),
    /** A person talking into a phone: at most 60 degrees per second. */
    NORMAL(60, 0, 0),
    /** Brisk head turns: at most 120 degrees per second, the speed the drift goal is stated at. */
    BRISK(120, 0, 0),
    /** Quick head turns: at most 160 degrees per second, and above 120 within any 20 s. */
    FAST(160, 0, 0),
    /**
     * The normal motion plus a head shake of plus or minus 10 degrees of yaw at 3 Hz (188 degrees
     * per second on its own): at most 248 degrees per second, and the motion changes direction
     * every 170 ms, which no extrapolation follows.
     */
    SHAKE(60, 10, 3);

    private final double smoothPeakDegPerS;
    private final double shakeAmplitudeDeg;
    private final double shakeHz;

    MotionProfile(double smoothPeakDegPerS, double shakeAmplitudeDeg, double shakeHz) {
        this.smoothPeakDegPerS = smoothPeakDegPerS;
        this.shakeAmplitudeDeg = shakeAmplitudeDeg;
        this.shakeHz = shakeHz;
    }

    /** The fastest any angle of the smooth motion turns, in degrees per second. */
    public double smoothPeakDegPerS() {
        return smoothPeakDegPerS;
    }

    /** The shake's yaw amplitude in degrees; 0 without a shake. */
    public double shakeAmplitudeDeg() {
        return shakeAmplitudeDeg;
    }

    /** The shake's frequency in hertz; 0 without a shake. */
    public double shakeHz() {
        return shakeHz;
    }

    /** The fastest any angle turns, shake included, in degrees per second. */
    public double peakDegPerS() {
        return smoothPeakDegPerS + 2 * Math.PI * shakeHz * shakeAmplitudeDeg;
    }

    /** The name as the command line writes it: {@code calm}, {@code normal}, ... */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The profile named {@code text}, in any case.
     *
     * @throws IllegalArgumentException naming the profiles there are
     */
    public static MotionProfile fromCliName(String text) {
        for (MotionProfile profile : values()) {
            if (profile.cliName().equalsIgnoreCase(text.strip())) {
                return profile;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a motion profile: write calm,"
                + " normal, brisk, fast or shake");
    }
}
