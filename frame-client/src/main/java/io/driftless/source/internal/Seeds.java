package io.driftless.source.internal;

import java.util.SplittableRandom;

/**
 * Independent seeded generators per (run seed, user, purpose), so that adding users or a new
 * kind of randomness never changes what an existing user does.
 */
public final class Seeds {

    /** Head motion parameters. */
    public static final int MOTION = 1;
    /** Clock skew. */
    public static final int CLOCK = 2;
    /** Keypoint noise. */
    public static final int NOISE = 3;

    private Seeds() {}

    public static SplittableRandom forUser(long seed, int user, int purpose) {
        return new SplittableRandom(mix(seed ^ mix(((long) user << 8) | purpose)));
    }

    /** The SplitMix64 finaliser: nearby inputs give unrelated outputs. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
