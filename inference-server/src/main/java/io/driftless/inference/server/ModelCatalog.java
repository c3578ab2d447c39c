package io.driftless.inference.server;

import io.driftless.inference.MicroClock;
import io.driftless.inference.ModelFiles;
import io.driftless.inference.face.FaceDetectionAdapter;
import io.driftless.inference.onnx.RunnerOptions;
import io.driftless.inference.pose.PoseModelAdapter;
import io.driftless.inference.vision.ImageModel;
import io.driftless.inference.vision.ModelDescriptor;
import io.driftless.inference.vision.ModelFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The models a server serves, by name, each with its own runner. Loaded from a model
 * directory laid out like the project's {@code models/} folder ({@code pose/pose-v1.onnx} and,
 * for the face model, which needs the pose model beside it,
 * {@code face/face_detection_short_range.onnx}), or from the models bundled in this jar; and a
 * user's image model from its model folder beside them.
 */
public final class ModelCatalog implements AutoCloseable {

    private static final String FACE_FILE = "face_detection_short_range.onnx";

    private final Map<String, ServedModel> models;

    private ModelCatalog(Map<String, ServedModel> models) {
        this.models = Collections.unmodifiableMap(models);
    }

    /** The models bundled in this jar. */
    public static ModelCatalog bundled(RunnerOptions options, MicroClock clock, ServerMetrics metrics)
            throws Exception {
        Map<String, ServedModel> models = new LinkedHashMap<>();
        byte[] pose = ModelFiles.read(ModelFiles.CLASSPATH + PoseModelAdapter.BUNDLED_MODEL);
        models.put(PoseModelAdapter.MODEL_NAME, new ServedPoseModel(pose, options, clock, metrics));
        models.put(FaceDetectionAdapter.MODEL_NAME, new ServedFaceModel(
                FaceDetectionAdapter.bundledModel(), pose, options, clock, metrics));
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
     * {@code pose-v1.onnx} for the pose model, and with it {@code face/face_detection_short_range.onnx}
     * or {@code face_detection_short_range.onnx} for the face model.
     */
    public static ModelCatalog fromDirectory(Path directory, RunnerOptions options, MicroClock clock,
            ServerMetrics metrics) throws Exception {
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException("model directory " + directory.toAbsolutePath()
                    + " does not exist or is not a directory");
        }
        Map<String, ServedModel> models = new LinkedHashMap<>();
        List<Path> looked = new ArrayList<>();
        Path poseModel = find(directory, "pose", PoseModelAdapter.MODEL_NAME + ".onnx", looked);
        if (poseModel != null) {
            byte[] pose = Files.readAllBytes(poseModel);
            models.put(PoseModelAdapter.MODEL_NAME, new ServedPoseModel(pose, options, clock, metrics));
            // the face model gives the pose of the first face it finds: it needs the pose model too
            Path faceModel = find(directory, "face", FACE_FILE, looked);
            if (faceModel != null) {
                models.put(FaceDetectionAdapter.MODEL_NAME,
                        new ServedFaceModel(Files.readAllBytes(faceModel), pose, options, clock, metrics));
            }
        }
        if (models.isEmpty()) {
            throw new IllegalArgumentException("no model found in " + directory.toAbsolutePath()
                    + ": looked for " + looked + "; point --model-dir at a folder laid out like the"
                    + " project's models/, or leave it out to serve the bundled models");
        }
        return new ModelCatalog(models);
    }

    /**
     * These models and the user's image model in {@code folder} (see {@link ModelFolder}), under
     * the name its descriptor gives; the folder is checked against its descriptor here.
     *
     * @throws io.driftless.inference.vision.ModelFolderException if the folder cannot be served
     */
    public ModelCatalog withImageModel(Path folder, RunnerOptions options, MicroClock clock, ServerMetrics metrics)
            throws Exception {
        ImageModel model = ModelFolder.load(folder);
        if (models.containsKey(model.name())) {
            throw new IllegalArgumentException("the image model in " + folder.toAbsolutePath() + " is named '"
                    + model.name() + "', as a model this server already serves; set another name in its "
                    + ModelDescriptor.FILE_NAME);
        }
        Map<String, ServedModel> with = new LinkedHashMap<>(models);
        with.put(model.name(), new ServedImageModel(model, options, clock, metrics));
        return new ModelCatalog(with);
    }

    private static Path find(Path directory, String family, String file, List<Path> looked) {
        for (Path candidate : List.of(directory.resolve(family).resolve(file), directory.resolve(file))) {
            looked.add(candidate);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return null;
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
