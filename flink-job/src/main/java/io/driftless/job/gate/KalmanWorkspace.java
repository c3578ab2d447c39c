package io.driftless.job.gate;

import io.driftless.inference.pose.KeypointFit;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * The matrices the motion state works in while it takes a frame, kept between frames so that a
 * frame allocates none of them: one per operator instance, used by one thread. A session's
 * {@link MotionFilter} keeps only its state; this is not part of it, nor of any checkpoint.
 */
public final class KalmanWorkspace {

    private static final int N = ConstantVelocityModel.VALUES;

    final KeypointFit fit = new KeypointFit();
    final double[] measurementCovariance = new double[N * N];
    final DMatrixRMaj measurement = new DMatrixRMaj(N, N);
    final DMatrixRMaj valueCovariance = new DMatrixRMaj(N, N);
    final DMatrixRMaj crossCovariance = new DMatrixRMaj(N, N);
    final DMatrixRMaj crossTransposed = new DMatrixRMaj(N, N);
    final DMatrixRMaj rateCovariance = new DMatrixRMaj(N, N);
    final DMatrixRMaj innovationCovariance = new DMatrixRMaj(N, N);
    final DMatrixRMaj decomposed = new DMatrixRMaj(N, N);
    final DMatrixRMaj inverse = new DMatrixRMaj(N, N);
    final DMatrixRMaj valueGain = new DMatrixRMaj(N, N);
    final DMatrixRMaj rateGain = new DMatrixRMaj(N, N);
    final DMatrixRMaj innovation = new DMatrixRMaj(N, 1);
    final DMatrixRMaj valueStep = new DMatrixRMaj(N, 1);
    final DMatrixRMaj rateStep = new DMatrixRMaj(N, 1);
    final DMatrixRMaj corrected = new DMatrixRMaj(N, N);
    /** The last update's innovation, its squared Mahalanobis distance under the model's prediction. */
    double innovationDistance;
    final LinearSolverDense<DMatrixRMaj> solver = LinearSolverFactory_DDRM.symmPosDef(N);
}
