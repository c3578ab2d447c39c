package io.driftless.inference.image;

import io.driftless.inference.face.RgbImage;
import java.util.List;

/**
 * An image analyzer's codec, made and warmed up by the first image thread that needs it.
 * Leptonica's natives (JavaCPP, a deallocator thread, an unpacked cache) load with it, so only a
 * job that gets image frames pays for them; its first frame waits for the load.
 */
final class LazyJpegCodec {

    private final JpegLimits limits;
    private final int quality;
    private final List<Caption> warmUpCaptions;
    private volatile JpegCodec codec;

    /** {@code warmUpCaptions}: what the analyzer writes on its frames, so the warm-up covers that path too. */
    LazyJpegCodec(JpegLimits limits, int quality, List<Caption> warmUpCaptions) {
        this.limits = limits;
        this.quality = quality;
        this.warmUpCaptions = List.copyOf(warmUpCaptions);
    }

    JpegCodec get() {
        JpegCodec made = codec;
        if (made == null) {
            synchronized (this) {
                made = codec;
                if (made == null) {
                    made = new JpegCodec(limits);
                    RgbImage blank = new RgbImage(64, 48, new byte[64 * 48 * 3]);
                    for (int i = 0; i < 5; i++) {
                        byte[] jpeg = made.encode(blank, quality);
                        try (DecodedJpeg frame = made.decodeFrame(jpeg, blank.width(), blank.height())) {
                            made.encode(frame, quality, warmUpCaptions);
                        }
                    }
                    codec = made;
                }
            }
        }
        return made;
    }
}
