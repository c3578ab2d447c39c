package io.driftless.inference.service;

import io.driftless.inference.MicroClock;
import io.driftless.inference.ModelFiles;
import io.driftless.inference.image.JpegLimits;
import io.driftless.inference.onnx.RunnerOptions;

/** Builds {@link OnnxFaceInference} from model locations where the job runs. */
public final class OnnxFaceInferenceFactory implements FrameInferenceFactory {

    private static final long serialVersionUID = 1L;

    private final String faceModelLocation;
    private final String poseModelLocation;
    private final RunnerOptions options;
    private final JpegLimits limits;
    private final int imageThreads;
    private final int quality;

    /**
     * @param faceModelLocation a file path, or {@code classpath:NAME}
     * @param poseModelLocation a file path, or {@code classpath:NAME}
     * @param limits what a client's JPEG may be
     * @param imageThreads threads that decode, annotate and encode
     * @param quality the annotated JPEG's quality, 1 to 100
     */
    public OnnxFaceInferenceFactory(String faceModelLocation, String poseModelLocation, RunnerOptions options,
            JpegLimits limits, int imageThreads, int quality) {
        this.faceModelLocation = faceModelLocation;
        this.poseModelLocation = poseModelLocation;
        this.options = options;
        this.limits = limits;
        this.imageThreads = imageThreads;
        this.quality = quality;
    }

    @Override
    public String key() {
        return "onnx-face|" + faceModelLocation + "|" + poseModelLocation + "|" + options + "|" + limits + "|"
                + imageThreads + "|" + quality;
    }

    @Override
    public FrameInference create(MicroClock clock) throws Exception {
        return new OnnxFaceInference(ModelFiles.read(faceModelLocation), ModelFiles.read(poseModelLocation), options,
                limits, imageThreads, quality, clock);
    }
}
