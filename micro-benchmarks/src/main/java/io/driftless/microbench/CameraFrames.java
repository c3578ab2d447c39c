package io.driftless.microbench;

import io.driftless.source.SyntheticJpegFrames;

/**
 * The camera frames the benchmarks feed the JPEG path: the load generator's own 640 x 480 JPEGs
 * of the bundled face, at its quality and with one seed, so every benchmark measures the same
 * pictures.
 */
final class CameraFrames {

    static final int WIDTH = 640;
    static final int HEIGHT = 480;
    /** The load generator's JPEG quality. */
    static final int QUALITY = 80;
    private static final long SEED = 20_261_121L;

    private CameraFrames() {}

    /** {@code count} distinct frames, as that many synthetic users would send them. */
    static byte[][] jpegs(int count) {
        return SyntheticJpegFrames.encode(SyntheticJpegFrames.bundled(), count, WIDTH, HEIGHT, QUALITY, SEED)
                .distinctJpegs();
    }
}
