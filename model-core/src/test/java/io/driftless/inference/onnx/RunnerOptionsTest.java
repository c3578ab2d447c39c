package io.driftless.inference.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;

class RunnerOptionsTest {

    @Test
    void builderStartsFromTheDefaults() {
        assertThat(RunnerOptions.builder().build()).isEqualTo(RunnerOptions.DEFAULTS);
    }

    @Test
    void builderSetsEachOptionByName() {
        RunnerOptions options = RunnerOptions.builder()
                .maxBatchSize(8)
                .queueCapacity(64)
                .intraOpThreads(2)
                .initialLatencyMicros(5_000)
                .build();

        assertThat(options.maxBatchSize()).isEqualTo(8);
        assertThat(options.queueCapacity()).isEqualTo(64);
        assertThat(options.intraOpThreads()).isEqualTo(2);
        assertThat(options.initialLatencyMicros()).isEqualTo(5_000);
    }

    @Test
    void toBuilderChangesOnlyWhatIsSet() {
        RunnerOptions options = RunnerOptions.builder().queueCapacity(256).intraOpThreads(3).build();

        RunnerOptions capped = options.toBuilder().maxBatchSize(4).build();

        assertThat(capped.maxBatchSize()).isEqualTo(4);
        assertThat(capped.queueCapacity()).isEqualTo(256);
        assertThat(capped.intraOpThreads()).isEqualTo(3);
        assertThat(capped.initialLatencyMicros()).isEqualTo(RunnerOptions.DEFAULTS.initialLatencyMicros());
    }

    @Test
    void queueCapacityAndMaxBatchSizeMayBeSetInEitherOrder() {
        // raising both above the defaults' queue: the check waits for build()
        RunnerOptions options = RunnerOptions.builder().maxBatchSize(2_000).queueCapacity(4_000).build();

        assertThat(options.maxBatchSize()).isEqualTo(2_000);
        assertThat(options.queueCapacity()).isEqualTo(4_000);
    }

    @Test
    void settersRefuseValuesOutOfRangeAndNameTheOption() {
        assertThatThrownBy(() -> RunnerOptions.builder().maxBatchSize(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxBatchSize must be at least 1, got 0");
        assertThatThrownBy(() -> RunnerOptions.builder().intraOpThreads(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("intraOpThreads must be at least 1, got 0");
        assertThatThrownBy(() -> RunnerOptions.builder().initialLatencyMicros(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("initialLatencyMicros must not be negative, got -1");
    }

    @Test
    void buildRefusesAQueueSmallerThanOneBatch() {
        assertThatThrownBy(() -> RunnerOptions.builder().maxBatchSize(16).queueCapacity(8).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("queueCapacity (8) must be at least maxBatchSize (16)");
    }

    @Test
    void survivesJavaSerialization() throws Exception {
        // Flink ships the options inside the job graph
        RunnerOptions options = RunnerOptions.builder().maxBatchSize(8).queueCapacity(64).build();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(options);
        }

        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertThat(in.readObject()).isEqualTo(options);
        }
    }
}
