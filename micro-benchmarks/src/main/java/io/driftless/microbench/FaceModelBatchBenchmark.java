package io.driftless.microbench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.driftless.inference.face.FaceDetectionAdapter;
import io.driftless.inference.face.RgbPixels;
import io.driftless.inference.image.JpegCodec;
import io.driftless.inference.image.JpegLimits;
import io.driftless.inference.onnx.RunnerOptions;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The face model alone on batches of 1 to 8 frames, one intra-op thread as each of the job's
 * image threads has: what micro-batching buys the detector (divide by the batch for a frame's
 * share). Its input is prepared once, so only ONNX Runtime's run is timed.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FaceModelBatchBenchmark {

    @Param({"1", "2", "4", "8"})
    int batchSize;

    private OrtSession.SessionOptions options;
    private OrtSession session;
    private Map<String, OnnxTensor> input;

    @Setup
    public void open() throws Exception {
        RgbPixels frame = new JpegCodec(JpegLimits.DEFAULTS).decode(CameraFrames.jpegs(1)[0], CameraFrames.WIDTH,
                CameraFrames.HEIGHT);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        options = RunnerOptions.builder().intraOpThreads(1).build().sessionOptions();
        session = env.createSession(FaceDetectionAdapter.bundledModel(), options);
        input = new FaceDetectionAdapter().encode(env, Collections.nCopies(batchSize, frame));
    }

    @TearDown
    public void close() throws OrtException {
        input.values().forEach(OnnxTensor::close);
        session.close();
        options.close();
    }

    @Benchmark
    public int run() throws OrtException {
        try (OrtSession.Result out = session.run(input)) {
            return out.size();
        }
    }
}
