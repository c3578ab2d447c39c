package io.driftless.inference.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.driftless.inference.face.RgbImage;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

class ImageFitTest {

    private static final float[] ZERO = {0, 0, 0};
    private static final float[] ONE = {1, 1, 1};

    /** 4 x 2: the left half red, the right half blue. */
    private static RgbImage redBlue() {
        byte[] rgb = new byte[4 * 2 * 3];
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 4; x++) {
                int at = (y * 4 + x) * 3;
                rgb[x < 2 ? at : at + 2] = (byte) 255;
            }
        }
        return new RgbImage(4, 2, rgb);
    }

    private static ImageInput input(ImageInput.TensorLayout layout, ImageInput.ChannelOrder channels,
            ImageInput.Resize resize) {
        return new ImageInput("x", 4, 4, layout, channels, ZERO, ONE, resize, 114);
    }

    @Test
    void letterboxPadsAboveAndBelowAWideFrameAndMapsBack() {
        ImageFit fit = ImageFit.of(input(ImageInput.TensorLayout.NCHW, ImageInput.ChannelOrder.RGB,
                ImageInput.Resize.LETTERBOX), 4, 2);
        assertThat(fit.padY()).isEqualTo(1);
        assertThat(fit.padX()).isZero();
        FloatBuffer out = FloatBuffer.allocate(48);
        fit.write(redBlue(), out, 0);
        float pad = 114 / 255f;
        // red plane: row 0 and row 3 are border; rows 1 and 2 red on the left half only
        assertThat(out.get(0)).isCloseTo(pad, within(1e-6f));
        assertThat(out.get(4)).isCloseTo(1f, within(1e-6f));
        assertThat(out.get(7)).isCloseTo(0f, within(1e-6f));
        assertThat(out.get(12)).isCloseTo(pad, within(1e-6f));
        // blue plane, row 1, rightmost column
        assertThat(out.get(2 * 16 + 7)).isCloseTo(1f, within(1e-6f));
        assertThat(fit.frameY(1)).isZero();
        assertThat(fit.frameY(3)).isEqualTo(2);
        assertThat(fit.frameX(4)).isEqualTo(4);
    }

    @Test
    void stretchFillsTheInputAndBgrNhwcPutsBlueFirstAndChannelsLast() {
        ImageFit fit = ImageFit.of(input(ImageInput.TensorLayout.NHWC, ImageInput.ChannelOrder.BGR,
                ImageInput.Resize.STRETCH), 4, 2);
        FloatBuffer out = FloatBuffer.allocate(48);
        fit.write(redBlue(), out, 0);
        // top-left pixel: red, so B, G, R = 0, 0, 1; top-right pixel blue: 1, 0, 0
        assertThat(new float[] {out.get(0), out.get(1), out.get(2)}).containsExactly(0f, 0f, 1f);
        assertThat(new float[] {out.get(9), out.get(10), out.get(11)}).containsExactly(1f, 0f, 0f);
        // bottom row, no border
        assertThat(out.get(3 * 12 + 2)).isEqualTo(1f);
        assertThat(fit.frameY(4)).isEqualTo(2);
    }

    @Test
    void aBatchIndexWritesAfterTheImagesBeforeIt() {
        ImageFit fit = ImageFit.of(input(ImageInput.TensorLayout.NCHW, ImageInput.ChannelOrder.RGB,
                ImageInput.Resize.STRETCH), 4, 2);
        FloatBuffer out = FloatBuffer.allocate(96);
        fit.write(redBlue(), out, 1);
        assertThat(out.get(0)).isZero();
        assertThat(out.get(48)).isEqualTo(1f);
    }
}
