package io.driftless.inference.image;

import static org.bytedeco.leptonica.global.leptonica.L_SEVERITY_NONE;
import static org.bytedeco.leptonica.global.leptonica.bmfCreate;
import static org.bytedeco.leptonica.global.leptonica.lept_free;
import static org.bytedeco.leptonica.global.leptonica.pixConvertTo32;
import static org.bytedeco.leptonica.global.leptonica.pixCreate;
import static org.bytedeco.leptonica.global.leptonica.pixDestroy;
import static org.bytedeco.leptonica.global.leptonica.pixGetData;
import static org.bytedeco.leptonica.global.leptonica.pixGetDepth;
import static org.bytedeco.leptonica.global.leptonica.pixGetHeight;
import static org.bytedeco.leptonica.global.leptonica.pixGetWidth;
import static org.bytedeco.leptonica.global.leptonica.pixReadMemJpeg;
import static org.bytedeco.leptonica.global.leptonica.pixScaleToSize;
import static org.bytedeco.leptonica.global.leptonica.pixSetTextline;
import static org.bytedeco.leptonica.global.leptonica.pixWriteMemJpeg;
import static org.bytedeco.leptonica.global.leptonica.setMsgSeverity;

import io.driftless.inference.NativeLibraries;
import io.driftless.inference.face.RgbImage;
import java.nio.IntBuffer;
import java.util.List;
import java.util.Objects;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.SizeTPointer;
import org.bytedeco.leptonica.L_BMF;
import org.bytedeco.leptonica.PIX;

/**
 * JPEG to {@link RgbImage} and back, and resizing, through libjpeg-turbo inside Leptonica (bytedeco's
 * {@code leptonica} preset: about 4 MB of natives for one platform, against about 54 MB for OpenCV,
 * at libjpeg-turbo's speed, two to three times the JDK's ImageIO on a 640 x 480 frame).
 *
 * <p>Every decode reads the {@link JpegHeader} first and refuses what the {@link JpegLimits} do
 * not allow, so what the decoder allocates is bounded by the limits whatever the bytes claim:
 * Leptonica's 4 bytes a pixel and the 3 of the returned image, plus, for a progressive JPEG,
 * libjpeg-turbo's coefficient buffer of about 2 bytes a sample. A body the decoder finds corrupt or truncated, even one it could half-render, is
 * refused: the decoder stops at its first warning. Thread-safe: it holds only its limits.
 *
 * <pre>{@code
 * JpegCodec codec = new JpegCodec(JpegLimits.DEFAULTS);
 * RgbImage image = codec.decode(jpegBytes, frameWidth, frameHeight); // InvalidImageException if bad
 * byte[] annotated = codec.encode(image, 80);
 * }</pre>
 */
public final class JpegCodec {

    static {
        // a refused client image is reported by its exception; Leptonica's own line on stderr
        // for each one would only flood the task manager's log (libjpeg-turbo's one-line warning
        // about the bad data still goes to stderr: Leptonica leaves its message hook as it is)
        NativeLibraries.javaCppInUse();
        setMsgSeverity(L_SEVERITY_NONE);
    }

    /** Leptonica's hint bits: none, so that it fails on the first warning about bad data. */
    private static final int FAIL_ON_BAD_DATA = 0;
    private static final int FULL_SIZE = 1;
    private static final int TRUE_COLOUR = 0;
    private static final int BASELINE = 0;

    /** Leptonica's smallest bitmap font size: its lines fit the annotator's line height; larger ones cover the frame. */
    public static final int CAPTION_FONT_SIZE = 4;

    private final JpegLimits limits;

    /** Leptonica's bitmap font, built from its compiled-in glyphs on first use; read-only after. */
    private static final class CaptionFont {
        static final L_BMF FONT = bmfCreate((String) null, CAPTION_FONT_SIZE);
    }

    public JpegCodec(JpegLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    public JpegLimits limits() {
        return limits;
    }

    /**
     * Decodes a client's JPEG that its frame says is {@code declaredWidth x declaredHeight}.
     *
     * @throws InvalidImageException with the detail to report if the bytes are not an acceptable
     *     JPEG of that size
     */
    public RgbImage decode(byte[] jpeg, int declaredWidth, int declaredHeight) {
        JpegHeader header = JpegHeader.read(jpeg, limits);
        header.requireSize(declaredWidth, declaredHeight);
        return decode(jpeg, header);
    }

    /**
     * Decodes a JPEG of whatever size its header declares, within the limits.
     *
     * @throws InvalidImageException with the detail to report if the bytes are not an acceptable JPEG
     */
    public RgbImage decode(byte[] jpeg) {
        return decode(jpeg, JpegHeader.read(jpeg, limits));
    }

    /**
     * Decodes a client's JPEG that its frame says is {@code declaredWidth x declaredHeight} into
     * native memory, to be read, drawn on and encoded again without a copy; the caller closes it.
     *
     * @throws InvalidImageException with the detail to report if the bytes are not an acceptable
     *     JPEG of that size
     */
    public DecodedJpeg decodeFrame(byte[] jpeg, int declaredWidth, int declaredHeight) {
        JpegHeader header = JpegHeader.read(jpeg, limits);
        header.requireSize(declaredWidth, declaredHeight);
        return new DecodedJpeg(read(jpeg, header));
    }

    private static RgbImage decode(byte[] jpeg, JpegHeader header) {
        PIX pix = read(jpeg, header);
        try {
            return toRgb(pix);
        } finally {
            pixDestroy(pix);
        }
    }

    /** The JPEG as a 32-bit Leptonica image, for the caller to destroy. */
    private static PIX read(byte[] jpeg, JpegHeader header) {
        int[] warnings = new int[1];
        PIX pix = pixReadMemJpeg(jpeg, jpeg.length, TRUE_COLOUR, FULL_SIZE, warnings, FAIL_ON_BAD_DATA);
        if (pix == null || pix.isNull()) {
            throw new InvalidImageException("JPEG is corrupt or truncated: its " + header.width() + "x"
                    + header.height() + " body does not decode" + (warnings[0] > 0 ? " cleanly" : ""));
        }
        try {
            if (pixGetWidth(pix) != header.width() || pixGetHeight(pix) != header.height()) {
                throw new InvalidImageException("JPEG is corrupt: its header declares " + header.width() + "x"
                        + header.height() + " but it decodes to " + pixGetWidth(pix) + "x" + pixGetHeight(pix));
            }
            if (pixGetDepth(pix) == 32) {
                return pix;
            }
            PIX colour = pixConvertTo32(pix);
            if (colour == null || colour.isNull()) {
                throw new IllegalStateException("Leptonica failed to convert a " + header.width() + "x"
                        + header.height() + " grey JPEG to colour");
            }
            pixDestroy(pix);
            return colour;
        } catch (RuntimeException e) {
            pixDestroy(pix);
            throw e;
        }
    }

    /**
     * Encodes {@code image} as a baseline JPEG.
     *
     * @param quality 1 (smallest) to 100 (best); 75 to 85 suits video frames
     */
    public byte[] encode(RgbImage image, int quality) {
        return encode(image, quality, List.of());
    }

    /**
     * Encodes {@code image} as a baseline JPEG with {@code captions} written on it (Leptonica's
     * bitmap font; text beyond the frame's edges is clipped). {@code image} itself is not changed.
     *
     * @param quality 1 (smallest) to 100 (best); 75 to 85 suits video frames
     */
    public byte[] encode(RgbImage image, int quality, List<Caption> captions) {
        checkQuality(quality);
        PIX pix = toPix(image);
        try {
            return write(pix, quality, captions);
        } finally {
            pixDestroy(pix);
        }
    }

    /**
     * Encodes a decoded frame, with what was drawn on it, as a baseline JPEG straight from its
     * native memory.
     *
     * @param quality 1 (smallest) to 100 (best); 75 to 85 suits video frames
     * @throws NullPointerException if the frame is closed
     */
    public byte[] encode(DecodedJpeg frame, int quality) {
        return encode(frame, quality, List.of());
    }

    /**
     * Encodes a decoded frame as {@link #encode(DecodedJpeg, int)} does, with {@code captions}
     * written on it first: unlike {@link #encode(RgbImage, int, List)}, the frame keeps them.
     */
    public byte[] encode(DecodedJpeg frame, int quality, List<Caption> captions) {
        checkQuality(quality);
        return write(Objects.requireNonNull(frame.pix(), "the frame is closed"), quality, captions);
    }

    private static void checkQuality(int quality) {
        if (quality < 1 || quality > 100) {
            throw new IllegalArgumentException("JPEG quality must be 1 to 100, got " + quality);
        }
    }

    /** {@code pix} with {@code captions} written on it, as a baseline JPEG. */
    private static byte[] write(PIX pix, int quality, List<Caption> captions) {
        try (PointerPointer<BytePointer> data = new PointerPointer<>(1); SizeTPointer size = new SizeTPointer(1)) {
            for (Caption caption : captions) {
                if (!caption.text().isEmpty()) {
                    pixSetTextline(pix, CaptionFont.FONT, caption.text(), caption.rgb() << 8, caption.x(),
                            caption.baselineY(), (int[]) null, (int[]) null);
                }
            }
            if (pixWriteMemJpeg(data, size, pix, quality, BASELINE) != 0) {
                throw new IllegalStateException("libjpeg-turbo failed to encode a " + pixGetWidth(pix) + "x"
                        + pixGetHeight(pix) + " image");
            }
            BytePointer bytes = data.get(BytePointer.class, 0);
            try {
                byte[] jpeg = new byte[Math.toIntExact(size.get())];
                bytes.capacity(jpeg.length).get(jpeg);
                return jpeg;
            } finally {
                lept_free(bytes);
            }
        }
    }

    /** {@code image} scaled to exactly {@code width x height}, smoothed when shrinking. */
    public RgbImage resize(RgbImage image, int width, int height) {
        if (width < 1 || height < 1 || width > RgbImage.MAX_SIDE || height > RgbImage.MAX_SIDE) {
            throw new IllegalArgumentException("resize target must be 1 to " + RgbImage.MAX_SIDE
                    + " pixels per side, got " + width + "x" + height);
        }
        if (width == image.width() && height == image.height()) {
            return image;
        }
        PIX source = toPix(image);
        PIX scaled = pixScaleToSize(source, width, height);
        pixDestroy(source);
        if (scaled == null || scaled.isNull()) {
            throw new IllegalStateException("Leptonica failed to scale " + image.width() + "x" + image.height()
                    + " to " + width + "x" + height);
        }
        try {
            return toRgb(scaled);
        } finally {
            pixDestroy(scaled);
        }
    }

    /**
     * {@code image} shrunk, keeping its aspect ratio, to fit within {@code maxWidth x maxHeight};
     * the image itself if it fits already.
     */
    public RgbImage fitWithin(RgbImage image, int maxWidth, int maxHeight) {
        if (maxWidth < 1 || maxHeight < 1) {
            throw new IllegalArgumentException("the box to fit within must be at least 1x1, got "
                    + maxWidth + "x" + maxHeight);
        }
        if (image.width() <= maxWidth && image.height() <= maxHeight) {
            return image;
        }
        double scale = Math.min((double) maxWidth / image.width(), (double) maxHeight / image.height());
        int width = Math.max(1, Math.min(maxWidth, (int) Math.round(image.width() * scale)));
        int height = Math.max(1, Math.min(maxHeight, (int) Math.round(image.height() * scale)));
        return resize(image, width, height);
    }

    /**
     * A 32-bit {@code pix} (what {@link #read} gives, and what Leptonica scales a 32-bit image
     * to) on the heap; its pixels are words 0xRRGGBBAA, one row after another with no padding.
     */
    private static RgbImage toRgb(PIX pix) {
        int width = pixGetWidth(pix);
        int height = pixGetHeight(pix);
        IntBuffer words = pixGetData(pix).capacity((long) width * height).asBuffer();
        byte[] rgb = new byte[width * height * 3];
        int[] row = new int[width];
        int out = 0;
        for (int y = 0; y < height; y++) {
            words.get(row);
            for (int word : row) {
                rgb[out++] = (byte) (word >>> 24);
                rgb[out++] = (byte) (word >>> 16);
                rgb[out++] = (byte) (word >>> 8);
            }
        }
        return new RgbImage(width, height, rgb);
    }

    private static PIX toPix(RgbImage image) {
        int width = image.width();
        PIX pix = pixCreate(width, image.height(), 32);
        if (pix == null || pix.isNull()) {
            throw new OutOfMemoryError("Leptonica could not allocate a " + width + "x" + image.height() + " image");
        }
        IntBuffer words = pixGetData(pix).capacity((long) width * image.height()).asBuffer();
        byte[] rgb = image.rgb();
        int[] row = new int[width];
        int in = 0;
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < width; x++) {
                row[x] = (rgb[in] & 0xFF) << 24 | (rgb[in + 1] & 0xFF) << 16 | (rgb[in + 2] & 0xFF) << 8 | 0xFF;
                in += 3;
            }
            words.put(row);
        }
        return pix;
    }
}
