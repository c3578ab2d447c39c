package io.driftless.inference.server;

import io.driftless.inference.MicroClock;
import io.driftless.inference.ModelFiles;
import io.driftless.inference.onnx.RunnerOptions;
import io.driftless.inference.pose.PoseModelAdapter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The models a server serves, by name, each with its own runner. Loaded from a model
 * directory laid out like the project's {@code models/} folder ({@code pose/pose-v1.onnx}), or
 * from the models bundled in this jar.
 */
public final class ModelCatalog implements AutoCloseable {

    private final Map<String, ServedModel> models;

    private ModelCatalog(Map<String, ServedModel> models) {
        this.models = Collections.unmodifiableMap(models);
    }

    /** The models bundled in this jar. */
    public static ModelCatalog bundled(RunnerOptions options, MicroClock clock, ServerMetrics metrics)
            throws Exception {
        Map<String, ServedModel> models = new LinkedHashMap<>();
        models.put(PoseModelAdapter.MODEL_NAME, new ServedPoseModel(
                ModelFiles.read(ModelFiles.CLASSPATH + PoseModelAdapter.BUNDLED_MODEL), options, clock, metrics));
        return new ModelCatalog(models);
    }

    /** Exactly these models; for tests that serve a model built by hand. */
    static ModelCatalog of(ServedModel... models) {
        Map<String, ServedModel> byName = new LinkedHashMap<>();
        for (ServedModel model : models) {
            byName.put(model.name(), model);
        }
        return new ModelCatalog(byName);
    }

    /**
     * Every model of a known family found in {@code directory}: {@code pose/pose-v1.onnx} or
     * {@code pose-v1.onnx} for the pose model.
     */
    public static ModelCatalog fromDirectory(Path directory, RunnerOptions options, MicroClock clock,
            ServerMetrics metrics) throws Exception {
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException("model directory " + directory.toAbsolutePath()
                    + " does not exist or is not a directory");
        }
        Map<String, ServedModel> models = new LinkedHashMap<>();
        List<Path> looked = new ArrayList<>();
        String poseFile = PoseModelAdapter.MODEL_NAME + ".onnx";
        for (Path candidate : List.of(directory.resolve("pose").resolve(poseFile), directory.resolve(poseFile))) {
            looked.add(candidate);
            if (Files.isRegularFile(candidate)) {
                models.put(PoseModelAdapter.MODEL_NAME,
                        new ServedPoseModel(Files.readAllBytes(candidate), options, clock, metrics));
                break;
            }
        }
        if (models.isEmpty()) {
            throw new IllegalArgumentException("no model found in " + directory.toAbsolutePath()
                    + ": looked for " + looked + "; point --model-dir at a folder laid out like the"
                    + " project's models/, or leave it out to serve the bundled models");
        }
        return new ModelCatalog(models);
    }

    /** The model named {@code name}, or null. */
    ServedModel get(String name) {
        return models.get(name);
    }

    public List<String> names() {
        return List.copyOf(models.keySet());
    }

    @Override
    public void close() {
        models.values().forEach(ServedModel::close);
    }
}
