package io.driftless.inference.service;

import io.driftless.inference.MicroClock;
import io.driftless.inference.ModelFiles;
import io.driftless.inference.onnx.RunnerOptions;

/** Builds {@link OnnxPoseInference} from a model location where the job runs. */
public final class OnnxPoseInferenceFactory implements FrameInferenceFactory {

    private static final long serialVersionUID = 1L;

    private final String modelLocation;
    private final RunnerOptions options;

    /**
     * @param modelLocation a file path, or {@code classpath:NAME}
     */
    public OnnxPoseInferenceFactory(String modelLocation, RunnerOptions options) {
        this.modelLocation = modelLocation;
        this.options = options;
    }

    @Override
    public String key() {
        return "onnx-pose|" + modelLocation + "|" + options;
    }

    @Override
    public FrameInference create(MicroClock clock) throws Exception {
        return new OnnxPoseInference(ModelFiles.read(modelLocation), options, clock);
    }
}
