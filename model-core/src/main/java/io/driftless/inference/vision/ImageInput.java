package io.driftless.inference.vision;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * What an image model takes: its input's name and size, how the tensor is laid out, and how
 * pixels are scaled. A pixel value {@code p} in [0, 255] goes into the model as {@code (p / 255 -
 * mean[c]) / std[c]}, with {@code c} the model's channel (so mean and std are in the model's
 * channel order): torchvision's ImageNet numbers are {@code mean 0.485,0.456,0.406} and {@code std
 * 0.229,0.224,0.225}; a YOLO export takes {@code mean 0,0,0 std 1,1,1}.
 *
 * @param name the ONNX input's name
 * @param width the model's input width in pixels
 * @param height the model's input height in pixels
 * @param padValue the letterbox border's pixel value, 0 to 255 (YOLO pads with 114)
 */
public record ImageInput(String name, int width, int height, TensorLayout layout, ChannelOrder channels,
        float[] mean, float[] std, Resize resize, float padValue) {

    /** The largest side a model input may declare, so a typo cannot allocate gigabytes. */
    public static final int MAX_SIDE = 4096;

    /** Where the channel axis is. */
    public enum TensorLayout {
        /** {@code [N, 3, H, W]}: PyTorch exports, YOLO. */
        NCHW,
        /** {@code [N, H, W, 3]}: TensorFlow and TFLite exports. */
        NHWC
    }

    /** The order of the three colour channels the model expects. */
    public enum ChannelOrder {
        RGB,
        /** OpenCV-trained models (Caffe's ImageNet models among them). */
        BGR
    }

    /** How a frame of any size is fitted into the model's input. */
    public enum Resize {
        /** Scaled to fit keeping its aspect ratio, centred, the rest padded: YOLO's letterbox. */
        LETTERBOX,
        /** Scaled to the input's size on each axis, distorting the aspect ratio: most classifiers. */
        STRETCH
    }

    public ImageInput {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(channels, "channels");
        Objects.requireNonNull(resize, "resize");
        if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE) {
            throw new IllegalArgumentException("input size must be 1 to " + MAX_SIDE + " pixels per side, got "
                    + width + "x" + height);
        }
        if (mean == null || mean.length != 3 || std == null || std.length != 3) {
            throw new IllegalArgumentException("mean and std need three values each (one per channel)");
        }
        for (int c = 0; c < 3; c++) {
            if (!Float.isFinite(mean[c]) || !(std[c] > 0) || !Float.isFinite(std[c])) {
                throw new IllegalArgumentException("mean must be finite and std positive, got mean "
                        + Arrays.toString(mean) + " std " + Arrays.toString(std));
            }
        }
        if (!(padValue >= 0 && padValue <= 255)) {
            throw new IllegalArgumentException("padValue must be 0 to 255, got " + padValue);
        }
        mean = mean.clone();
        std = std.clone();
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    /** Floats one image takes in the input tensor. */
    public int floatsPerImage() {
        return width * height * 3;
    }

    /** The input tensor's shape for a batch of {@code batch} images. */
    public long[] shape(int batch) {
        return layout == TensorLayout.NCHW ? new long[] {batch, 3, height, width} : new long[] {batch, height, width, 3};
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageInput i && name.equals(i.name) && width == i.width && height == i.height
                && layout == i.layout && channels == i.channels && Arrays.equals(mean, i.mean)
                && Arrays.equals(std, i.std) && resize == i.resize && padValue == i.padValue;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, width, height, layout, channels, resize) * 31 + Arrays.hashCode(mean);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "ImageInput[%s %dx%d %s %s mean=%s std=%s %s pad=%.0f]", name, width,
                height, layout, channels, Arrays.toString(mean), Arrays.toString(std), resize, padValue);
    }
}
