package io.driftless.job.gate;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.mult.VectorVectorMult_DDRM;

/**
 * One constant-velocity Kalman filter over the whole pose: state (pose, rates), six values each,
 * with their joint covariance kept as three 6 × 6 blocks (pose, pose × rates, rates), and a running
 * score per value of how well the model has been predicting the values it was then shown. Joint,
 * because one frame's pose errors go together (a face that shifts sideways on the image may have
 * turned or moved): weighed with their covariance, a measurement corrects the values its noise
 * leaves apart and the rates along with them. {@link MotionFilter} runs three of these with
 * different process noise and mixes them by that score.
 *
 * <p>A Flink POJO kept in keyed state; the matrices are row-major arrays.
 */
public class ConstantVelocityModel {

    static final int VALUES = 6;

    /**
     * How much of the score carries over to the next frame: 0.92 weighs the last dozen frames or
     * so, enough for the steady model to win a still head despite one frame's outlier; a turn that
     * starts still moves the weight within a frame or two, since one poor prediction costs far more
     * than a good one gains. On the drift floor 0.85 left 8 % more drift at 20°/s, 2 % more at 60°/s
     * and about as much at the faster profiles.
     */
    static final double SCORE_MEMORY = 0.92;

    public double[] value;
    public double[] rate;
    public double[] valueCovariance;
    /** The covariance of the values with the rates: row i, column j is cov(value i, rate j). */
    public double[] crossCovariance;
    public double[] rateCovariance;
    /** Per value: the log-likelihood of its recent innovations, older frames weighing less. */
    public double[] score;

    public ConstantVelocityModel() {}

    /**
     * Starts from one measurement of covariance {@code measurementCovariance}, its rates unknown
     * ({@code initialRateVariance} wide).
     */
    static ConstantVelocityModel startingAt(double[] pose, double[] measurementCovariance, double[] initialRateVariance) {
        ConstantVelocityModel model = new ConstantVelocityModel();
        model.value = pose.clone();
        model.rate = new double[VALUES];
        model.valueCovariance = measurementCovariance.clone();
        model.crossCovariance = new double[VALUES * VALUES];
        model.rateCovariance = new double[VALUES * VALUES];
        for (int i = 0; i < VALUES; i++) {
            model.rateCovariance[i * VALUES + i] = initialRateVariance[i];
        }
        model.score = new double[VALUES];
        return model;
    }

    /** Whether every part of the state is there: state restored from an older layout may lack some. */
    boolean isComplete() {
        return value != null && rate != null && valueCovariance != null && crossCovariance != null
                && rateCovariance != null && score != null;
    }

    /**
     * Predicts {@code dt} seconds on and corrects with {@code pose}, scoring the prediction.
     *
     * @param measurementCovariance the pose's 6 × 6 covariance, row-major
     * @param accelerationDensity per value, the spectral density of the white acceleration the model allows
     * @return false, with the state unchanged, if the prediction and the measurement together
     *     have no usable covariance; otherwise the innovation's squared Mahalanobis distance is left
     *     in {@link KalmanWorkspace#innovationDistance}
     */
    boolean update(double[] pose, double dt, double[] measurementCovariance, double[] accelerationDensity,
            KalmanWorkspace w) {
        DMatrixRMaj pp = w.valueCovariance, pv = w.crossCovariance, vv = w.rateCovariance;
        System.arraycopy(valueCovariance, 0, pp.data, 0, VALUES * VALUES);
        System.arraycopy(crossCovariance, 0, pv.data, 0, VALUES * VALUES);
        System.arraycopy(rateCovariance, 0, vv.data, 0, VALUES * VALUES);
        // predict: the pose moves on at its rates; the unknown acceleration widens both
        CommonOps_DDRM.transpose(pv, w.crossTransposed);
        CommonOps_DDRM.addEquals(pp, dt, pv);
        CommonOps_DDRM.addEquals(pp, dt, w.crossTransposed);
        CommonOps_DDRM.addEquals(pp, dt * dt, vv);
        CommonOps_DDRM.addEquals(pv, dt, vv);
        for (int i = 0; i < VALUES; i++) {
            double q = accelerationDensity[i];
            pp.add(i, i, q * dt * dt * dt / 3);
            pv.add(i, i, q * dt * dt / 2);
            vv.add(i, i, q * dt);
        }
        // correct: gains for the pose and the rates from the innovation's covariance
        System.arraycopy(measurementCovariance, 0, w.measurement.data, 0, VALUES * VALUES);
        CommonOps_DDRM.add(pp, w.measurement, w.innovationCovariance);
        w.decomposed.setTo(w.innovationCovariance);
        if (!w.solver.setA(w.decomposed)) {
            return false;
        }
        w.solver.invert(w.inverse);
        CommonOps_DDRM.mult(pp, w.inverse, w.valueGain);
        CommonOps_DDRM.multTransA(pv, w.inverse, w.rateGain);
        for (int i = 0; i < VALUES; i++) {
            w.innovation.data[i] = pose[i] - (value[i] + dt * rate[i]);
        }
        w.innovationDistance = VectorVectorMult_DDRM.innerProdA(w.innovation, w.inverse, w.innovation);
        CommonOps_DDRM.mult(w.valueGain, w.innovation, w.valueStep);
        CommonOps_DDRM.mult(w.rateGain, w.innovation, w.rateStep);
        for (int i = 0; i < VALUES; i++) {
            value[i] += dt * rate[i] + w.valueStep.data[i];
            rate[i] += w.rateStep.data[i];
            double variance = w.innovationCovariance.get(i, i);
            double error = w.innovation.data[i];
            score[i] = SCORE_MEMORY * score[i] - 0.5 * (error * error / variance + Math.log(variance));
        }
        // P − K Pᵀ, block by block: (pose, pose), (pose, rates), (rates, rates)
        correct(pp, w.valueGain, pp, w.corrected, valueCovariance, true);
        correct(vv, w.rateGain, pv, w.corrected, rateCovariance, true);
        correct(pv, w.valueGain, pv, w.corrected, crossCovariance, false);
        return true;
    }

    /** {@code into = predicted − gain × block}, made symmetric when it is a covariance of its own. */
    private static void correct(DMatrixRMaj predicted, DMatrixRMaj gain, DMatrixRMaj block, DMatrixRMaj work,
            double[] into, boolean symmetric) {
        work.setTo(predicted);
        CommonOps_DDRM.multAdd(-1, gain, block, work);
        if (symmetric) {
            symmetric(work);
        }
        System.arraycopy(work.data, 0, into, 0, VALUES * VALUES);
    }

    /** Rounding leaves a covariance slightly lopsided; its mean with its transpose is what it should be. */
    private static void symmetric(DMatrixRMaj m) {
        for (int i = 0; i < VALUES; i++) {
            for (int j = i + 1; j < VALUES; j++) {
                double mean = (m.get(i, j) + m.get(j, i)) / 2;
                m.set(i, j, mean);
                m.set(j, i, mean);
            }
        }
    }
}
