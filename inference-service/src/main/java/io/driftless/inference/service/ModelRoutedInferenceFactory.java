package io.driftless.inference.service;

import io.driftless.inference.MicroClock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Builds a {@link ModelRoutedInference} from one factory per image model, the first the default. */
public final class ModelRoutedInferenceFactory implements FrameInferenceFactory {

    private static final long serialVersionUID = 1L;

    private final List<FrameInferenceFactory> models;

    public ModelRoutedInferenceFactory(List<FrameInferenceFactory> models) {
        if (models.isEmpty()) {
            throw new IllegalArgumentException("at least one image model must be served");
        }
        this.models = List.copyOf(models);
    }

    @Override
    public String key() {
        return "by-model|" + models.stream().map(FrameInferenceFactory::key).collect(Collectors.joining("|"));
    }

    @Override
    public FrameInference create(MicroClock clock) throws Exception {
        List<FrameInference> created = new ArrayList<>();
        try {
            for (FrameInferenceFactory model : models) {
                created.add(model.create(clock));
            }
            return new ModelRoutedInference(created);
        } catch (Exception | Error e) {
            for (FrameInference model : created) {
                try {
                    model.close();
                } catch (Exception closing) {
                    e.addSuppressed(closing);
                }
            }
            throw e;
        }
    }
}
