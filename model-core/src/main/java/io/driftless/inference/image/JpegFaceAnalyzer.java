package io.driftless.inference.image;

import io.driftless.inference.Inference;
import io.driftless.inference.InferenceStatus;
import io.driftless.inference.MicroClock;
import io.driftless.inference.face.FaceDetection;
import io.driftless.inference.face.FaceDetectionAdapter;
import io.driftless.inference.face.RgbImage;
import io.driftless.inference.face.RgbPixels;
import io.driftless.inference.onnx.BatchListener;
import io.driftless.inference.onnx.OnnxBatchRunner;
import io.driftless.inference.onnx.QueueOrder;
import io.driftless.inference.onnx.RunnerOptions;
import io.driftless.inference.pose.FaceGeometry;
import io.driftless.inference.pose.FaceKeypoints;
import io.driftless.inference.pose.HeadPose;
import io.driftless.inference.pose.PinholeCamera;
import io.driftless.inference.pose.PoseEstimate;
import io.driftless.inference.pose.PoseFeatures;
import io.driftless.inference.pose.PoseModelAdapter;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The JPEG path: a client's JPEG in; the faces in it, the head pose of the first face and the
 * frame with the faces drawn on it out. Decode (libjpeg-turbo), face detector (letterboxed to
 * 128 x 128 in plain Java, micro-batched), the pose model on the first face's six keypoints
 * (micro-batched), annotate, encode.
 *
 * <p>Decoding, annotating and encoding run on a small pool of image threads of their own: on
 * the caller's (a Flink task thread) they would hold up every other frame of the subtask, on
 * a model's runner thread they would hold up the model. Annotating and encoding run while the
 * pose model runs. The pool's queue is bounded: beyond it a frame is refused as OVERLOADED.
 *
 * <pre>{@code
 * JpegFaceAnalyzer analyzer = new JpegFaceAnalyzer(FaceDetectionAdapter.bundledModel(),
 *         PoseModelAdapter.bundledModel(), RunnerOptions.DEFAULTS, JpegLimits.DEFAULTS, 2, 80,
 *         QueueOrder.ARRIVAL, BatchListener.NONE, MicroClock.system());
 * analyzer.analyze(jpeg, 640, 480, 0, deadlineMicros).thenAccept(result -> ...);
 * }</pre>
 *
 * <p>Every future completes exactly once and never exceptionally: a JPEG that does not decode
 * is INVALID (the client's fault, with the decoder's detail), a frame that cannot make its
 * deadline EXPIRED, a full queue OVERLOADED, a model error FAILED.
 */
public final class JpegFaceAnalyzer implements AutoCloseable {

    /** What a frame is expected to take before any has been measured: a 640 x 480 frame, loaded. */
    static final long INITIAL_ESTIMATE_MICROS = 10_000;

    private final OnnxBatchRunner<RgbPixels, List<FaceDetection>> detector;
    private final OnnxBatchRunner<FaceKeypoints, PoseEstimate> poseModel;
    /** Made on the first image frame: a job that never gets one never loads Leptonica and JavaCPP. */
    private final LazyJpegCodec codec;
    private final Annotator annotator = new Annotator(3, 3);
    private final int quality;
    private final ImageThreads imageThreads;
    private final ImagePathLatency latency;
    private final MicroClock clock;

    /**
     * @param imageThreads threads that decode, annotate and encode, 1 to 64
     * @param quality the annotated JPEG's quality, 1 to 100
     * @param listener told about every face-detector batch
     */
    public JpegFaceAnalyzer(byte[] faceModel, byte[] poseModel, RunnerOptions options, JpegLimits limits,
            int imageThreads, int quality, QueueOrder order, BatchListener listener, MicroClock clock)
            throws Exception {
        // no thread starts before the first frame: a model that fails to load below leaves none behind
        this.imageThreads = new ImageThreads(imageThreads, options.queueCapacity(), "jpeg-");
        if (quality < 1 || quality > 100) {
            throw new IllegalArgumentException("quality must be 1 to 100, got " + quality);
        }
        this.quality = quality;
        this.codec = new LazyJpegCodec(limits, quality, List.of());
        this.clock = clock;
        this.latency = new ImagePathLatency(imageThreads, INITIAL_ESTIMATE_MICROS, clock);
        RgbImage blank = new RgbImage(640, 480, new byte[640 * 480 * 3]);
        this.detector = new OnnxBatchRunner<>(faceModel, new FaceDetectionAdapter(), options, clock, blank, order,
                listener);
        try {
            this.poseModel = new OnnxBatchRunner<>(poseModel, new PoseModelAdapter(), options, clock, typicalFace(),
                    order, BatchListener.NONE);
        } catch (Exception | Error e) {
            detector.close();
            throw e;
        }
    }


    /** A frontal face half a metre from a 640x480 camera, to warm the pose model up with. */
    private static FaceKeypoints typicalFace() {
        PinholeCamera camera = PinholeCamera.withHorizontalFov(640, 480, PinholeCamera.DEFAULT_HORIZONTAL_FOV_DEG);
        float[] xy = FaceGeometry.projectKeypoints(new HeadPose(0, 0, 0, 0, 0, 0.5), camera);
        return new FaceKeypoints(xy, camera.width(), camera.height(), (float) camera.focalPx());
    }

    /**
     * Analyses a client's JPEG that its frame says is {@code width x height}.
     *
     * @param focalLengthPx the camera's focal length for the pose model, 0 when unknown
     * @param deadlineMicros by when the whole analysis must be done, on {@code clock}
     */
    public CompletableFuture<Inference<FaceAnalysis>> analyze(byte[] jpeg, int width, int height,
            float focalLengthPx, long deadlineMicros) {
        Job job = new Job(jpeg, width, height, focalLengthPx, deadlineMicros, clock.nowMicros());
        if (deadlineMicros <= job.arrivalMicros) {
            return CompletableFuture.completedFuture(Inference.notRun(InferenceStatus.EXPIRED,
                    "deadline passed " + (job.arrivalMicros - deadlineMicros) + " us before decoding"));
        }
        if (!latency.enter(() -> imageThreads.submit(job::decodeAndDetect))) {
            return CompletableFuture.completedFuture(imageThreads.queueFull());
        }
        return job.result;
    }

    /** What a frame handed to {@link #analyze} now should expect to wait for its result ({@link ImagePathLatency}). */
    public long expectedLatencyMicros() {
        return latency.expectedMicros();
    }

    /** Frames waiting for an image thread or the face detector now. */
    public int queueSize() {
        return imageThreads.queueSize() + detector.queueSize();
    }

    /** One frame on its way through the stages. */
    private final class Job {
        final CompletableFuture<Inference<FaceAnalysis>> result = new CompletableFuture<>();
        final byte[] jpeg;
        final int width;
        final int height;
        final float focalLengthPx;
        final long deadlineMicros;
        final long arrivalMicros;
        final WorkTime work = new WorkTime();
        long startMicros;

        Job(byte[] jpeg, int width, int height, float focalLengthPx, long deadlineMicros, long arrivalMicros) {
            this.jpeg = jpeg;
            this.width = width;
            this.height = height;
            this.focalLengthPx = focalLengthPx;
            this.deadlineMicros = deadlineMicros;
            this.arrivalMicros = arrivalMicros;
        }

        void decodeAndDetect() {
            try {
                startMicros = clock.nowMicros();
                if (startMicros >= deadlineMicros) {
                    fail(InferenceStatus.EXPIRED, "deadline passed " + (startMicros - deadlineMicros)
                            + " us while the frame waited to be decoded");
                    return;
                }
                DecodedJpeg image;
                try {
                    image = codec.get().decodeFrame(jpeg, width, height);
                } catch (InvalidImageException e) {
                    fail(InferenceStatus.INVALID, e.getMessage());
                    return;
                }
                work.add(clock.nowMicros() - startMicros);
                try {
                    detector.submit(image, deadlineMicros).whenComplete((faces, error) -> detected(image, faces, error));
                } catch (RuntimeException | Error e) {
                    image.close();
                    throw e;
                }
            } catch (RuntimeException | Error e) {
                fail(InferenceStatus.FAILED, "decoding failed: " + e);
            }
        }

        /** Owns {@code image} from here: every way out of the path frees it. */
        private void detected(DecodedJpeg image, Inference<List<FaceDetection>> detection, Throwable error) {
            if (error != null || !detection.isOk()) {
                image.close();
                finish(error != null ? Inference.notRun(InferenceStatus.FAILED, "face detector failed: " + error)
                        : Inference.notRun(detection.status(), detection.detail()));
                return;
            }
            // the detector's run, its letterbox included; the pose model's is a few microseconds
            work.add(detection.endMicros() - detection.startMicros());
            List<FaceDetection> faces = detection.result();
            CompletableFuture<Inference<PoseEstimate>> pose = poseOfFirst(faces);
            CompletableFuture<byte[]> annotated = new CompletableFuture<>();
            // the detector is done with the pixels: drawing on them is safe now
            if (!imageThreads.submit(() -> annotate(image, faces, annotated))) {
                image.close();
                finish(imageThreads.queueFull());
                return;
            }
            annotated.thenCombine(pose, (jpegOut, poseResult) -> {
                if (jpegOut == null) {
                    return Inference.<FaceAnalysis>notRun(InferenceStatus.FAILED, "encoding the annotated frame failed");
                }
                if (poseResult != null && !poseResult.isOk()) {
                    return Inference.<FaceAnalysis>notRun(poseResult.status(), "pose model: " + poseResult.detail());
                }
                FaceAnalysis analysis = new FaceAnalysis(faces, poseResult == null ? null : poseResult.result(),
                        jpegOut, width, height, detection.batchSize());
                return Inference.ok(analysis, startMicros, clock.nowMicros(), detection.batchSize());
            }).whenComplete((analysis, failure) -> finish(failure == null ? analysis
                    : Inference.notRun(InferenceStatus.FAILED, "face analysis failed: " + failure)));
        }

        /** The first face's pose, or a completed null when there is none the pose model can take. */
        private CompletableFuture<Inference<PoseEstimate>> poseOfFirst(List<FaceDetection> faces) {
            if (faces.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            FaceKeypoints keypoints = faces.get(0).toFaceKeypoints(width, height, focalLengthPx);
            // keypoints no head could make would fail the pose model's whole batch: keep them out
            if (PoseFeatures.invalidReason(keypoints) != null) {
                return CompletableFuture.completedFuture(null);
            }
            return poseModel.submit(keypoints, deadlineMicros);
        }

        private void annotate(DecodedJpeg image, List<FaceDetection> faces, CompletableFuture<byte[]> out) {
            try {
                long start = clock.nowMicros();
                annotator.draw(image, faces);
                byte[] encoded = codec.get().encode(image, quality);
                work.add(clock.nowMicros() - start);
                out.complete(encoded);
            } catch (RuntimeException | Error e) {
                out.complete(null);
            } finally {
                image.close();
            }
        }

        private void fail(InferenceStatus status, String detail) {
            finish(Inference.notRun(status, detail));
        }

        private void finish(Inference<FaceAnalysis> outcome) {
            latency.left(outcome, work);
            result.complete(outcome);
        }
    }

    /** Stops taking frames; frames still queued or running complete as FAILED or with their result. */
    @Override
    public void close() {
        try {
            imageThreads.close();
        } finally {
            detector.close();
            poseModel.close();
        }
    }
}
