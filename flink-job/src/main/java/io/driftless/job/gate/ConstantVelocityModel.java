package io.driftless.job.gate;

/**
 * One constant-velocity Kalman filter per pose value: state (value, rate) with a 2 × 2
 * covariance each, and a running score of how well the model has been predicting the values it
 * was then shown. {@link MotionFilter} runs three of these with different process noise and mixes
 * them by that score.
 *
 * <p>A Flink POJO kept in keyed state.
 */
public class ConstantVelocityModel {

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
    public double[] valueVariance;
    public double[] covariance;
    public double[] rateVariance;
    /** Per value: the log-likelihood of its recent innovations, older frames weighing less. */
    public double[] score;

    public ConstantVelocityModel() {}

    /** Starts from one measurement, its rate unknown ({@code initialRateVariance} wide). */
    static ConstantVelocityModel startingAt(double[] pose, double[] measurementVariance, double[] initialRateVariance) {
        ConstantVelocityModel model = new ConstantVelocityModel();
        model.value = pose.clone();
        model.rate = new double[pose.length];
        model.valueVariance = measurementVariance.clone();
        model.covariance = new double[pose.length];
        model.rateVariance = initialRateVariance.clone();
        model.score = new double[pose.length];
        return model;
    }

    /**
     * Predicts {@code dt} seconds on and corrects with {@code pose}, scoring the prediction.
     *
     * @param accelerationDensity per value, the spectral density of the white acceleration the model allows
     */
    void update(double[] pose, double dt, double[] measurementVariance, double[] accelerationDensity) {
        for (int i = 0; i < pose.length; i++) {
            double q = accelerationDensity[i];
            // predict: value moves on at its rate; uncertainty grows by the unknown acceleration
            double p00 = valueVariance[i] + dt * (2 * covariance[i] + dt * rateVariance[i]) + q * dt * dt * dt / 3;
            double p01 = covariance[i] + dt * rateVariance[i] + q * dt * dt / 2;
            double p11 = rateVariance[i] + q * dt;
            double predicted = value[i] + dt * rate[i];
            // correct with the measurement
            double innovationVariance = p00 + measurementVariance[i];
            double valueGain = p00 / innovationVariance;
            double rateGain = p01 / innovationVariance;
            double innovation = pose[i] - predicted;
            value[i] = predicted + valueGain * innovation;
            rate[i] += rateGain * innovation;
            valueVariance[i] = (1 - valueGain) * p00;
            covariance[i] = (1 - valueGain) * p01;
            rateVariance[i] = p11 - rateGain * p01;
            score[i] = SCORE_MEMORY * score[i]
                    - 0.5 * (innovation * innovation / innovationVariance + Math.log(innovationVariance));
        }
    }
}
