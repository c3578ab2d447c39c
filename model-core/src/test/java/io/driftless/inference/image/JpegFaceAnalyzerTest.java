package io.driftless.inference.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftless.inference.Inference;
import io.driftless.inference.MicroClock;
import io.driftless.inference.face.FaceDetectionAdapter;
import io.driftless.inference.onnx.BatchListener;
import io.driftless.inference.onnx.QueueOrder;
import io.driftless.inference.onnx.RunnerOptions;
import io.driftless.inference.pose.PoseModelAdapter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class JpegFaceAnalyzerTest {

    @Test
    void expectsAFramesWorkNotTheWaitsBetweenItsStages() throws Exception {
        byte[] jpeg = TestJpegs.astronaut();
        MicroClock clock = MicroClock.system();
        // one image thread: each frame's encode waits behind the decodes and encodes queued before it
        try (JpegFaceAnalyzer analyzer = new JpegFaceAnalyzer(FaceDetectionAdapter.bundledModel(),
                PoseModelAdapter.bundledModel(), RunnerOptions.DEFAULTS, JpegLimits.DEFAULTS, 1, 80,
                QueueOrder.ARRIVAL, BatchListener.NONE, clock)) {
            long deadline = clock.nowMicros() + TimeUnit.SECONDS.toMicros(60);
            List<CompletableFuture<Inference<FaceAnalysis>>> frames = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                frames.add(analyzer.analyze(jpeg, 512, 512, 0, deadline));
            }
            List<Long> serviceMicros = new ArrayList<>();
            for (CompletableFuture<Inference<FaceAnalysis>> frame : frames) {
                Inference<FaceAnalysis> analysed = frame.get(60, TimeUnit.SECONDS);
                assertThat(analysed.isOk()).as(analysed.detail()).isTrue();
                assertThat(analysed.result().faces()).hasSize(1);
                serviceMicros.add(analysed.endMicros() - analysed.startMicros());
            }
            Collections.sort(serviceMicros);

            // each frame's work is its service time less its waits, so the median work is below
            // the median service time; the estimate of an empty path is the median work
            assertThat(analyzer.expectedLatencyMicros()).isPositive().isLessThan(serviceMicros.get(1));
        }
    }
}
