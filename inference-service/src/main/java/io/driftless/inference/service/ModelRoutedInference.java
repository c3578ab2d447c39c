package io.driftless.inference.service;

import io.driftless.proto.DropReason;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Serves each image frame with the image model it asks for by name ({@link
 * FrameEnvelope#imageModel}), among the several a job serves; a frame that names none gets the
 * first. A frame that names a model not served is dropped INVALID with the names that are, so a
 * client learns what to ask for; no model runs for it. Each model keeps its own latency estimate,
 * so admission weighs a frame by the model that will serve it.
 */
public final class ModelRoutedInference implements FrameInference {

    private final Map<String, FrameInference> models;
    private final FrameInference first;

    /**
     * @param models served under their {@link FrameInference#modelName()}, the first the default
     * @throws IllegalArgumentException when none is given or two share a name
     */
    public ModelRoutedInference(List<FrameInference> models) {
        if (models.isEmpty()) {
            throw new IllegalArgumentException("at least one image model must be served");
        }
        Map<String, FrameInference> byName = new LinkedHashMap<>();
        for (FrameInference model : models) {
            if (byName.putIfAbsent(model.modelName(), model) != null) {
                throw new IllegalArgumentException("two image models are named '" + model.modelName()
                        + "': give one of them another name in its descriptor");
            }
        }
        this.models = byName;
        this.first = models.get(0);
    }

    @Override
    public String modelName() {
        return String.join("+", models.keySet());
    }

    @Override
    public CompletableFuture<InferenceOutcome> infer(FrameEnvelope frame) {
        FrameInference model = servingModel(frame);
        if (model == null) {
            return CompletableFuture.completedFuture(InferenceOutcome.dropped(frame, DropReason.INVALID,
                    "the frame asks for image model '" + frame.imageModel + "', which this job does not serve;"
                            + " it serves " + String.join(", ", models.keySet())));
        }
        return model.infer(frame);
    }

    /** The first model's estimate, for a caller that does not say which frame. */
    @Override
    public long expectedLatencyMicros() {
        return first.expectedLatencyMicros();
    }

    /** The asked-for model's estimate; 0 for a model not served, whose frame is refused at once. */
    @Override
    public long expectedLatencyMicros(FrameEnvelope frame) {
        FrameInference model = servingModel(frame);
        return model == null ? 0 : model.expectedLatencyMicros();
    }

    @Override
    public String imageModelFor(FrameEnvelope frame) {
        FrameInference model = servingModel(frame);
        return model == null ? null : model.imageModelFor(frame);
    }

    @Override
    public void registerMetrics(InferenceGauges gauges) {
        for (FrameInference model : models.values()) {
            model.registerMetrics(gauges);
        }
    }

    private FrameInference servingModel(FrameEnvelope frame) {
        return frame.imageModel == null ? first : models.get(frame.imageModel);
    }

    @Override
    public void close() throws Exception {
        Exception failure = null;
        for (FrameInference model : new ArrayList<>(models.values())) {
            try {
                model.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
