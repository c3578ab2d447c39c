package io.driftless.inference.service;

import io.driftless.inference.MicroClock;
import io.driftless.inference.image.JpegLimits;
import io.driftless.inference.onnx.RunnerOptions;
import io.driftless.inference.vision.ModelFolder;
import java.nio.file.Path;

/**
 * Builds {@link OnnxImageModelInference} from a model folder where the job runs. The folder is
 * loaded and checked against its descriptor there: a mismatch fails the job's start with the
 * loader's message.
 */
public final class OnnxImageModelInferenceFactory implements FrameInferenceFactory {

    private static final long serialVersionUID = 1L;

    private final String modelFolder;
    private final RunnerOptions options;
    private final JpegLimits limits;
    private final int imageThreads;
    private final int quality;

    /**
     * @param modelFolder the folder with the ONNX file and its descriptor, as the TaskManagers see it
     * @param limits what a client's JPEG may be
     * @param imageThreads threads that decode, annotate and encode
     * @param quality the annotated JPEG's quality, 1 to 100
     */
    public OnnxImageModelInferenceFactory(String modelFolder, RunnerOptions options, JpegLimits limits,
            int imageThreads, int quality) {
        this.modelFolder = modelFolder;
        this.options = options;
        this.limits = limits;
        this.imageThreads = imageThreads;
        this.quality = quality;
    }

    @Override
    public String key() {
        return "onnx-image-model|" + modelFolder + "|" + options + "|" + limits + "|" + imageThreads
                + "|" + quality;
    }

    @Override
    public FrameInference create(MicroClock clock) throws Exception {
        return new OnnxImageModelInference(ModelFolder.load(Path.of(modelFolder)), options,
                limits, imageThreads, quality, clock);
    }
}
