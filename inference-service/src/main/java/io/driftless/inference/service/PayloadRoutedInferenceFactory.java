package io.driftless.inference.service;

import io.driftless.inference.MicroClock;

/** Builds a {@link PayloadRoutedInference} from one factory per payload. */
public final class PayloadRoutedInferenceFactory implements FrameInferenceFactory {

    private static final long serialVersionUID = 1L;

    private final FrameInferenceFactory landmarks;
    private final FrameInferenceFactory images;

    public PayloadRoutedInferenceFactory(FrameInferenceFactory landmarks, FrameInferenceFactory images) {
        this.landmarks = landmarks;
        this.images = images;
    }

    @Override
    public String key() {
        return "by-payload|" + landmarks.key() + "|" + images.key();
    }

    @Override
    public FrameInference create(MicroClock clock) throws Exception {
        FrameInference pose = landmarks.create(clock);
        try {
            return new PayloadRoutedInference(pose, images.create(clock));
        } catch (Exception | Error e) {
            pose.close();
            throw e;
        }
    }
}
