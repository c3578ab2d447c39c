package io.driftless.inference.image;

import java.util.Locale;

/**
 * What a JPEG says about itself in its frame header (SOF), read by walking the marker segments
 * from the start-of-image marker to the first SOF. It decodes nothing and allocates nothing that
 * depends on the bytes, so it can run on every client image before the decoder sees it: a header
 * that declares more than the {@link JpegLimits} allow never reaches an allocation of that size.
 *
 * <pre>{@code
 * JpegHeader header = JpegHeader.read(bytes, JpegLimits.DEFAULTS);
 * header.requireSize(frameWidth, frameHeight);
 * }</pre>
 *
 * <p>Accepted: 8-bit Huffman-coded baseline, extended sequential and progressive JPEGs with one
 * (grayscale) or three (colour) components. Refused, each with its own detail: lossless,
 * hierarchical and arithmetic-coded JPEGs, 12-bit samples, and four-component (CMYK) images,
 * which cameras do not send and whose decoders are the least exercised.
 *
 * @param width pixels per row, as the SOF declares
 * @param height rows, as the SOF declares
 * @param components 1 for grayscale, 3 for colour
 * @param precision bits per sample (always 8 once accepted)
 * @param progressive whether the image comes in several scans (SOF2) rather than one
 */
public record JpegHeader(int width, int height, int components, int precision, boolean progressive) {

    private static final int SOI = 0xD8;
    private static final int EOI = 0xD9;
    private static final int SOS = 0xDA;
    private static final int TEM = 0x01;
    private static final int RST0 = 0xD0;
    private static final int RST7 = 0xD7;

    /**
     * Reads the header of {@code jpeg}.
     *
     * @throws InvalidImageException if the bytes are not a JPEG, end before its frame header, or
     *     declare an image the limits or the decoder do not accept
     */
    public static JpegHeader read(byte[] jpeg, JpegLimits limits) {
        if (jpeg.length > limits.maxBytes()) {
            throw new InvalidImageException("JPEG of " + jpeg.length + " bytes is over the " + limits.maxBytes()
                    + "-byte limit");
        }
        if (jpeg.length < 2 || u8(jpeg, 0) != 0xFF || u8(jpeg, 1) != SOI) {
            throw new InvalidImageException("not a JPEG: it does not start with the start-of-image marker FF D8");
        }
        int at = 2;
        while (true) {
            if (at >= jpeg.length) {
                throw truncated(at);
            }
            if (u8(jpeg, at) != 0xFF) {
                throw new InvalidImageException(String.format(Locale.ROOT,
                        "JPEG is corrupt: expected a marker at byte %d, found 0x%02X", at, u8(jpeg, at)));
            }
            // a marker may be preceded by any number of FF fill bytes
            while (at < jpeg.length && u8(jpeg, at) == 0xFF) {
                at++;
            }
            if (at >= jpeg.length) {
                throw truncated(at);
            }
            int marker = u8(jpeg, at++);
            if (marker == TEM || (marker >= RST0 && marker <= RST7)) {
                continue;
            }
            if (marker == SOI || marker == EOI || marker == SOS || marker == 0x00) {
                throw new InvalidImageException(String.format(Locale.ROOT,
                        "JPEG is corrupt: marker FF %02X at byte %d comes before any frame header (SOF)",
                        marker, at - 2));
            }
            if (at + 2 > jpeg.length) {
                throw truncated(at);
            }
            int length = u16(jpeg, at);
            if (length < 2) {
                throw new InvalidImageException(String.format(Locale.ROOT,
                        "JPEG is corrupt: segment FF %02X at byte %d declares a length of %d", marker, at - 2, length));
            }
            if (at + length > jpeg.length) {
                throw truncated(jpeg.length);
            }
            if (isFrameHeader(marker)) {
                return frameHeader(jpeg, marker, at, length, limits);
            }
            at += length;
        }
    }

    /**
     * Checks that the JPEG is the size its frame says it is.
     *
     * @throws InvalidImageException naming both sizes if they differ
     */
    public void requireSize(int declaredWidth, int declaredHeight) {
        if (declaredWidth != width || declaredHeight != height) {
            throw new InvalidImageException("JPEG is " + width + "x" + height + " but the frame declares "
                    + declaredWidth + "x" + declaredHeight);
        }
    }

    /** SOF0 to SOF15, less DHT (C4), JPG (C8) and DAC (CC), which share the range. */
    private static boolean isFrameHeader(int marker) {
        return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    }

    private static JpegHeader frameHeader(byte[] jpeg, int marker, int at, int length, JpegLimits limits) {
        if (marker != 0xC0 && marker != 0xC1 && marker != 0xC2) {
            throw new InvalidImageException(String.format(Locale.ROOT,
                    "JPEG uses %s coding (SOF%d), only baseline, extended and progressive Huffman JPEGs are accepted",
                    codingOf(marker), marker - 0xC0));
        }
        if (length < 8) {
            throw new InvalidImageException("JPEG is corrupt: its frame header is " + length + " bytes, under 8");
        }
        int precision = u8(jpeg, at + 2);
        int height = u16(jpeg, at + 3);
        int width = u16(jpeg, at + 5);
        int components = u8(jpeg, at + 7);
        if (length != 8 + 3 * components) {
            throw new InvalidImageException("JPEG is corrupt: its frame header is " + length + " bytes for "
                    + components + " components, which take " + (8 + 3 * components));
        }
        if (precision != 8) {
            throw new InvalidImageException("JPEG has " + precision + "-bit samples, only 8-bit JPEGs are accepted");
        }
        if (components != 1 && components != 3) {
            throw new InvalidImageException("JPEG has " + components + " components"
                    + (components == 4 ? " (CMYK)" : "")
                    + ", only grayscale (1) and colour (3) JPEGs are accepted");
        }
        if (width == 0 || height == 0) {
            throw new InvalidImageException("JPEG declares " + width + "x" + height
                    + ", an empty image (or a height given later by a DNL marker, which is not accepted)");
        }
        if (width > limits.maxSide() || height > limits.maxSide()) {
            throw new InvalidImageException("JPEG declares " + width + "x" + height + ", over the "
                    + limits.maxSide() + "-pixel side limit");
        }
        if ((long) width * height > limits.maxPixels()) {
            throw new InvalidImageException("JPEG declares " + width + "x" + height + " (" + (long) width * height
                    + " pixels), over the " + limits.maxPixels() + "-pixel limit");
        }
        return new JpegHeader(width, height, components, precision, marker == 0xC2);
    }

    private static String codingOf(int marker) {
        if (marker == 0xC3 || marker == 0xC7 || marker == 0xCB || marker == 0xCF) {
            return "lossless";
        }
        if (marker >= 0xC9) {
            return "arithmetic";
        }
        return "hierarchical";
    }

    private static InvalidImageException truncated(int at) {
        return new InvalidImageException("JPEG is truncated: it ends at byte " + at + ", before its frame header");
    }

    private static int u8(byte[] bytes, int at) {
        return bytes[at] & 0xFF;
    }

    private static int u16(byte[] bytes, int at) {
        return (u8(bytes, at) << 8) | u8(bytes, at + 1);
    }
}
