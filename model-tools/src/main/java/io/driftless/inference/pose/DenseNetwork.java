package io.driftless.inference.pose;

import io.driftless.inference.onnx.OnnxModelBuilder;
import io.driftless.inference.onnx.proto.Onnx.TensorProto.DataType;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A fully connected network: tanh hidden layers, a linear output layer. Small enough to train
 * in plain Java on one core, and written so that one seed always gives the same weights: single
 * threaded, fixed summation order, and StrictMath wherever a JIT intrinsic could round
 * differently.
 */
final class DenseNetwork {

    private final int[] sizes;
    /** Layer l maps sizes[l] to sizes[l + 1]; its weights are row-major [in][out]. */
    private final float[][] weights;
    private final float[][] biases;

    /** A network with Glorot-uniform weights and zero biases. */
    DenseNetwork(int[] sizes, Random random) {
        this.sizes = sizes.clone();
        this.weights = new float[sizes.length - 1][];
        this.biases = new float[sizes.length - 1][];
        for (int l = 0; l < layers(); l++) {
            int in = sizes[l], out = sizes[l + 1];
            double limit = Math.sqrt(6.0 / (in + out));
            weights[l] = new float[in * out];
            for (int k = 0; k < weights[l].length; k++) {
                weights[l][k] = (float) ((2 * random.nextDouble() - 1) * limit);
            }
            biases[l] = new float[out];
        }
    }

    private DenseNetwork(int[] sizes, float[][] weights, float[][] biases) {
        this.sizes = sizes;
        this.weights = weights;
        this.biases = biases;
    }

    int inputs() {
        return sizes[0];
    }

    int outputs() {
        return sizes[sizes.length - 1];
    }

    private int layers() {
        return sizes.length - 1;
    }

    /** Runs {@code rows} input rows of {@code x} and returns the output rows. */
    float[] predict(float[] x, int rows) {
        float[] in = x;
        for (int l = 0; l < layers(); l++) {
            float[] out = new float[rows * sizes[l + 1]];
            forward(l, in, rows, out);
            in = out;
        }
        return in;
    }

    /**
     * The same function on unscaled data: this network expects inputs standardised with
     * {@code inMean}/{@code inStd} and outputs standardised targets; the returned one takes raw
     * inputs and gives raw outputs, the scaling folded into its first and last layers.
     */
    DenseNetwork folded(double[] inMean, double[] inStd, double[] outMean, double[] outStd) {
        float[][] w = new float[layers()][];
        float[][] b = new float[layers()][];
        for (int l = 0; l < layers(); l++) {
            w[l] = weights[l].clone();
            b[l] = biases[l].clone();
        }
        int first = 0, in = sizes[0], hidden = sizes[1];
        for (int j = 0; j < hidden; j++) {
            double bias = biases[first][j];
            for (int i = 0; i < in; i++) {
                bias -= inMean[i] / inStd[i] * weights[first][i * hidden + j];
                w[first][i * hidden + j] = (float) (weights[first][i * hidden + j] / inStd[i]);
            }
            b[first][j] = (float) bias;
        }
        int last = layers() - 1, out = outputs(), lastIn = sizes[last];
        for (int j = 0; j < out; j++) {
            for (int i = 0; i < lastIn; i++) {
                w[last][i * out + j] = (float) (w[last][i * out + j] * outStd[j]);
            }
            b[last][j] = (float) (b[last][j] * outStd[j] + outMean[j]);
        }
        return new DenseNetwork(sizes.clone(), w, b);
    }

    /** Adds this network as Gemm and Tanh nodes reading {@code input} and writing {@code output}. */
    void export(OnnxModelBuilder model, String input, String output) {
        String previous = input;
        for (int l = 0; l < layers(); l++) {
            boolean last = l == layers() - 1;
            String w = "dense" + l + ".weight", b = "dense" + l + ".bias";
            String z = last ? output : "dense" + l + ".linear";
            model.initializer(w, weights[l], sizes[l], sizes[l + 1])
                    .initializer(b, biases[l], sizes[l + 1])
                    .node("Gemm", List.of(previous, w, b), List.of(z));
            if (!last) {
                previous = "dense" + l + ".tanh";
                model.node("Tanh", List.of(z), List.of(previous));
            }
        }
        model.output(output, DataType.FLOAT, OnnxModelBuilder.BATCH, outputs());
    }

    private void forward(int l, float[] in, int rows, float[] out) {
        int nIn = sizes[l], nOut = sizes[l + 1];
        float[] w = weights[l];
        boolean hidden = l < layers() - 1;
        for (int r = 0; r < rows; r++) {
            int o = r * nOut;
            System.arraycopy(biases[l], 0, out, o, nOut);
            // row times matrix as a sum of scaled weight rows: the inner loop vectorises
            for (int i = 0; i < nIn; i++) {
                float a = in[r * nIn + i];
                int wi = i * nOut;
                for (int j = 0; j < nOut; j++) {
                    out[o + j] += a * w[wi + j];
                }
            }
            if (hidden) {
                for (int j = 0; j < nOut; j++) {
                    out[o + j] = (float) StrictMath.tanh(out[o + j]);
                }
            }
        }
    }

    /** Mini-batch Adam on the mean squared error; owns the buffers of one batch size. */
    static final class Trainer {
        private static final float BETA1 = 0.9f, BETA2 = 0.999f, EPSILON = 1e-8f;

        private final DenseNetwork net;
        private final int maxRows;
        private final float[][] activations;
        private final float[][] deltas;
        private final float[][] weightGrads, biasGrads;
        private final float[][] weightM, weightV, biasM, biasV;
        private double beta1Power = 1, beta2Power = 1;

        Trainer(DenseNetwork net, int maxRows) {
            this.net = net;
            this.maxRows = maxRows;
            int layers = net.layers();
            activations = new float[layers + 1][];
            deltas = new float[layers + 1][];
            for (int l = 0; l <= layers; l++) {
                activations[l] = new float[maxRows * net.sizes[l]];
                deltas[l] = new float[maxRows * net.sizes[l]];
            }
            weightGrads = zerosLike(net.weights);
            weightM = zerosLike(net.weights);
            weightV = zerosLike(net.weights);
            biasGrads = zerosLike(net.biases);
            biasM = zerosLike(net.biases);
            biasV = zerosLike(net.biases);
        }

        /**
         * One Adam step on {@code rows} rows of inputs {@code x} and targets {@code t}.
         *
         * @return the batch's mean squared error before the step
         */
        double step(float[] x, float[] t, int rows, double learningRate) {
            if (rows > maxRows) {
                throw new IllegalArgumentException("batch of " + rows + " exceeds " + maxRows);
            }
            int layers = net.layers();
            System.arraycopy(x, 0, activations[0], 0, rows * net.inputs());
            for (int l = 0; l < layers; l++) {
                net.forward(l, activations[l], rows, activations[l + 1]);
            }
            int nOut = net.outputs();
            float[] y = activations[layers], d = deltas[layers];
            double loss = 0;
            float scale = 2f / (rows * nOut);
            for (int k = 0; k < rows * nOut; k++) {
                float e = y[k] - t[k];
                loss += (double) e * e;
                d[k] = scale * e;
            }
            for (int l = layers - 1; l >= 0; l--) {
                backward(l, rows);
            }
            adam(learningRate);
            return loss / (rows * nOut);
        }

        private void backward(int l, int rows) {
            int nIn = net.sizes[l], nOut = net.sizes[l + 1];
            float[] in = activations[l], d = deltas[l + 1], w = net.weights[l];
            float[] gw = weightGrads[l], gb = biasGrads[l];
            Arrays.fill(gw, 0f);
            Arrays.fill(gb, 0f);
            for (int r = 0; r < rows; r++) {
                int o = r * nOut;
                for (int j = 0; j < nOut; j++) {
                    gb[j] += d[o + j];
                }
                for (int i = 0; i < nIn; i++) {
                    float a = in[r * nIn + i];
                    int wi = i * nOut;
                    for (int j = 0; j < nOut; j++) {
                        gw[wi + j] += a * d[o + j];
                    }
                }
            }
            if (l == 0) {
                return;
            }
            float[] dIn = deltas[l];
            for (int r = 0; r < rows; r++) {
                int o = r * nOut;
                for (int i = 0; i < nIn; i++) {
                    int wi = i * nOut;
                    // four partial sums: independent chains run in parallel, order stays fixed
                    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                    int j = 0;
                    for (; j + 3 < nOut; j += 4) {
                        s0 += w[wi + j] * d[o + j];
                        s1 += w[wi + j + 1] * d[o + j + 1];
                        s2 += w[wi + j + 2] * d[o + j + 2];
                        s3 += w[wi + j + 3] * d[o + j + 3];
                    }
                    for (; j < nOut; j++) {
                        s0 += w[wi + j] * d[o + j];
                    }
                    float a = in[r * nIn + i];
                    dIn[r * nIn + i] = ((s0 + s1) + (s2 + s3)) * (1 - a * a);
                }
            }
        }

        private void adam(double learningRate) {
            beta1Power *= BETA1;
            beta2Power *= BETA2;
            float stepSize = (float) (learningRate * Math.sqrt(1 - beta2Power) / (1 - beta1Power));
            for (int l = 0; l < net.layers(); l++) {
                update(net.weights[l], weightGrads[l], weightM[l], weightV[l], stepSize);
                update(net.biases[l], biasGrads[l], biasM[l], biasV[l], stepSize);
            }
        }

        private static void update(float[] p, float[] g, float[] m, float[] v, float stepSize) {
            for (int k = 0; k < p.length; k++) {
                m[k] = BETA1 * m[k] + (1 - BETA1) * g[k];
                v[k] = BETA2 * v[k] + (1 - BETA2) * g[k] * g[k];
                p[k] -= stepSize * m[k] / ((float) Math.sqrt(v[k]) + EPSILON);
            }
        }

        private static float[][] zerosLike(float[][] shape) {
            float[][] z = new float[shape.length][];
            for (int l = 0; l < shape.length; l++) {
                z[l] = new float[shape[l].length];
            }
            return z;
        }
    }
}
