package io.driftless.inference.image;

import io.driftless.inference.Inference;
import io.driftless.inference.InferenceStatus;
import io.driftless.inference.MicroClock;
import io.driftless.inference.face.RgbImage;
import io.driftless.inference.face.RgbPixels;
import io.driftless.inference.onnx.BatchListener;
import io.driftless.inference.onnx.OnnxBatchRunner;
import io.driftless.inference.onnx.QueueOrder;
import io.driftless.inference.onnx.RunnerOptions;
import io.driftless.inference.vision.ImageAnswer;
import io.driftless.inference.vision.ImageModel;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The JPEG path with a user's image model ({@link io.driftless.inference.vision.ModelFolder}): a
 * client's JPEG in; the objects or top classes the model finds and the frame with them drawn
 * out. Decode, the model (micro-batched), annotate, encode; decoding and encoding on image
 * threads of their own, for the reasons {@link JpegFaceAnalyzer} gives.
 *
 * <p>Every future completes exactly once and never exceptionally: a JPEG that does not decode
 * is INVALID, a frame that cannot make its deadline EXPIRED, a full queue OVERLOADED, a model
 * error FAILED.
 */
public final class JpegImageModelAnalyzer implements AutoCloseable {

    private final OnnxBatchRunner<RgbPixels, ImageAnswer> model;
    private final String modelName;
    private final LazyJpegCodec codec;
    private final Annotator annotator = new Annotator(2, 0);
    private final int quality;
    private final ImageThreads imageThreads;
    private final ImagePathLatency latency;
    private final MicroClock clock;

    /**
     * @param options the runner's; its batch size is capped at the model's own limit
     * @param imageThreads threads that decode, annotate and encode, 1 to 64
     * @param quality the annotated JPEG's quality, 1 to 100
     */
    public JpegImageModelAnalyzer(ImageModel imageModel, RunnerOptions options, JpegLimits limits, int imageThreads,
            int quality, QueueOrder order, BatchListener listener, MicroClock clock) throws Exception {
        // no thread starts before the first frame: a model that fails to load below leaves none behind
        this.imageThreads = new ImageThreads(imageThreads, options.queueCapacity(), "jpeg-" + imageModel.name() + "-");
        if (quality < 1 || quality > 100) {
            throw new IllegalArgumentException("quality must be 1 to 100, got " + quality);
        }
        this.quality = quality;
        this.codec = new LazyJpegCodec(limits, quality, List.of(new Caption("warm up 0.99", 2, 20, 0)));
        this.clock = clock;
        this.modelName = imageModel.name();
        this.latency = new ImagePathLatency(imageThreads, JpegFaceAnalyzer.INITIAL_ESTIMATE_MICROS, clock);
        RunnerOptions capped = options.toBuilder()
                .maxBatchSize(Math.min(options.maxBatchSize(), imageModel.maxBatchSize()))
                .build();
        RgbImage blank = new RgbImage(640, 480, new byte[640 * 480 * 3]);
        this.model = new OnnxBatchRunner<>(imageModel.onnx(), imageModel.adapter(), capped, clock, blank, order,
                listener);
    }

    public String modelName() {
        return modelName;
    }


    /** Analyses a client's JPEG that its frame says is {@code width x height}, by {@code deadlineMicros}. */
    public CompletableFuture<Inference<ImageModelAnalysis>> analyze(byte[] jpeg, int width, int height,
            long deadlineMicros) {
        long arrival = clock.nowMicros();
        if (deadlineMicros <= arrival) {
            return CompletableFuture.completedFuture(Inference.notRun(InferenceStatus.EXPIRED,
                    "deadline passed " + (arrival - deadlineMicros) + " us before decoding"));
        }
        CompletableFuture<Inference<ImageModelAnalysis>> result = new CompletableFuture<>();
        WorkTime work = new WorkTime();
        Runnable decode = () -> decodeAndRun(jpeg, width, height, deadlineMicros, work, result);
        if (!latency.enter(() -> imageThreads.submit(decode))) {
            return CompletableFuture.completedFuture(imageThreads.queueFull());
        }
        // every way out of the path completes the result, once
        return result.whenComplete((outcome, error) -> latency.left(outcome, work));
    }

    /** Frames waiting: to be decoded, annotated or encoded, or for the model. */
    public int queueSize() {
        return imageThreads.queueSize() + model.queueSize();
    }

    /** What a frame handed to {@link #analyze} now should expect to wait for its result ({@link ImagePathLatency}). */
    public long expectedLatencyMicros() {
        return latency.expectedMicros();
    }

    private void decodeAndRun(byte[] jpeg, int width, int height, long deadlineMicros, WorkTime work,
            CompletableFuture<Inference<ImageModelAnalysis>> result) {
        try {
            long start = clock.nowMicros();
            if (start >= deadlineMicros) {
                result.complete(Inference.notRun(InferenceStatus.EXPIRED, "deadline passed "
                        + (start - deadlineMicros) + " us while the frame waited to be decoded"));
                return;
            }
            DecodedJpeg image;
            try {
                image = codec.get().decodeFrame(jpeg, width, height);
            } catch (InvalidImageException e) {
                result.complete(Inference.notRun(InferenceStatus.INVALID, e.getMessage()));
                return;
            }
            work.add(clock.nowMicros() - start);
            try {
                model.submit(image, deadlineMicros).whenComplete((answer, error) -> {
                    if (error != null || !answer.isOk()) {
                        image.close();
                        result.complete(error != null
                                ? Inference.notRun(InferenceStatus.FAILED, modelName + " failed: " + error)
                                : Inference.notRun(answer.status(), answer.detail()));
                        return;
                    }
                    work.add(answer.endMicros() - answer.startMicros());
                    // the model is done with the pixels: drawing on them is safe now
                    if (!imageThreads.submit(() -> annotate(image, answer, start, work, result))) {
                        image.close();
                        result.complete(imageThreads.queueFull());
                    }
                });
            } catch (RuntimeException | Error e) {
                image.close();
                throw e;
            }
        } catch (RuntimeException | Error e) {
            result.complete(Inference.notRun(InferenceStatus.FAILED, "decoding failed: " + e));
        }
    }

    /** Frees {@code image} whatever happens. */
    private void annotate(DecodedJpeg image, Inference<ImageAnswer> answer, long start, WorkTime work,
            CompletableFuture<Inference<ImageModelAnalysis>> result) {
        try {
            long drawn = clock.nowMicros();
            List<Caption> captions = annotator.draw(image, answer.result());
            byte[] annotated = codec.get().encode(image, quality, captions);
            long end = clock.nowMicros();
            work.add(end - drawn);
            result.complete(Inference.ok(new ImageModelAnalysis(answer.result(), annotated), start, end,
                    answer.batchSize()));
        } catch (RuntimeException | Error e) {
            result.complete(Inference.notRun(InferenceStatus.FAILED, "encoding the annotated frame failed: " + e));
        } finally {
            image.close();
        }
    }

    /** Stops taking frames; frames still queued or running complete as FAILED or with their result. */
    @Override
    public void close() {
        try {
            imageThreads.close();
        } finally {
            model.close();
        }
    }
}
