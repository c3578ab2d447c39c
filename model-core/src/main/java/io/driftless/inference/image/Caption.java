package io.driftless.inference.image;

import java.util.Objects;

/**
 * A line of text to write onto a frame as it is encoded (see {@link JpegCodec#encode(
 * io.driftless.inference.face.RgbImage, int, java.util.List)}).
 *
 * @param text printable ASCII; other characters are written as {@code ?}
 * @param x the text's left edge in pixels
 * @param baselineY the text's baseline in pixels
 * @param rgb its colour, {@code 0xRRGGBB}
 */
public record Caption(String text, int x, int baselineY, int rgb) {

    public Caption {
        Objects.requireNonNull(text, "text");
        text = text.chars().map(c -> c >= 0x20 && c < 0x7F ? c : '?')
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }
}
