package io.driftless.inference.face;

/**
 * The anchor centres of an SSD detector, as MediaPipe's {@code SsdAnchorsCalculator} makes them
 * with {@code fixed_anchor_size: true} (every anchor is 1 x 1, so boxes are regressed in units of
 * the input size) and one aspect ratio of 1.0 plus the interpolated scale: two anchors per layer
 * per feature-map cell. Consecutive layers with the same stride share one feature map.
 */
final class SsdAnchors {

    /** BlazeFace short range: 128 x 128 input, strides 8, 16, 16, 16; 16x16x2 + 8x8x6 = 896 anchors. */
    static final SsdAnchors FACE_SHORT_RANGE = generate(128, new int[] {8, 16, 16, 16});

    private static final int ANCHORS_PER_LAYER = 2;

    private final float[] centreX;
    private final float[] centreY;

    private SsdAnchors(float[] centreX, float[] centreY) {
        this.centreX = centreX;
        this.centreY = centreY;
    }

    static SsdAnchors generate(int inputSize, int[] strides) {
        int count = 0;
        for (int layer = 0; layer < strides.length; ) {
            int same = sameStrideLayers(strides, layer);
            int cells = ceilDiv(inputSize, strides[layer]);
            count += cells * cells * same * ANCHORS_PER_LAYER;
            layer += same;
        }
        float[] x = new float[count];
        float[] y = new float[count];
        int i = 0;
        for (int layer = 0; layer < strides.length; ) {
            int same = sameStrideLayers(strides, layer);
            int cells = ceilDiv(inputSize, strides[layer]);
            for (int row = 0; row < cells; row++) {
                for (int col = 0; col < cells; col++) {
                    for (int a = 0; a < same * ANCHORS_PER_LAYER; a++) {
                        x[i] = (col + 0.5f) / cells;
                        y[i] = (row + 0.5f) / cells;
                        i++;
                    }
                }
            }
            layer += same;
        }
        return new SsdAnchors(x, y);
    }

    int count() {
        return centreX.length;
    }

    /** Centre x of anchor {@code i}, normalised to [0, 1] of the model input. */
    float x(int i) {
        return centreX[i];
    }

    /** Centre y of anchor {@code i}, normalised to [0, 1] of the model input. */
    float y(int i) {
        return centreY[i];
    }

    private static int sameStrideLayers(int[] strides, int first) {
        int last = first;
        while (last < strides.length && strides[last] == strides[first]) {
            last++;
        }
        return last - first;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
