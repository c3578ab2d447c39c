package io.driftless.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemorySamplerTest {

    @Test
    void keepsCensusesOnDiskAndReadsBackTheBaselineAndTheLatest(@TempDir Path dir) throws Exception {
        try (MemorySampler sampler = MemorySampler.start(Duration.ofHours(1), Duration.ZERO, dir)) {
            sampler.census();
            sampler.census();
            sampler.census();

            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files.toList()).hasSize(3)
                        .allSatisfy(f -> assertThat(f.getFileName().toString()).startsWith("heap-census-"));
            }
            List<HeapCensus> censuses = sampler.censuses(Duration.ZERO);
            assertThat(censuses).hasSize(3).allSatisfy(c -> assertThat(c.liveBytes()).isPositive());
            assertThat(censuses.get(0).classes().keySet()).as("the baseline")
                    .anyMatch(name -> name.startsWith("java.lang.String "));
            assertThat(censuses.get(1).classes()).as("a census between").isEmpty();
            assertThat(censuses.get(2).classes()).as("the latest").isNotEmpty();
        }
    }

    @Test
    void samplesTheResidentSetAndTheThreads(@TempDir Path dir) throws Exception {
        try (MemorySampler sampler = MemorySampler.start(Duration.ofHours(1), Duration.ZERO, dir)) {
            MemorySample first = Awaitility.await("the sampler's first sample").atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(10)).until(sampler::samples, samples -> !samples.isEmpty()).get(0);
            assertThat(first.rssMb()).isPositive();
            assertThat(first.heapUsedMb()).isPositive();
            assertThat(first.threads()).isPositive();
            // surefire's JVM runs without Native Memory Tracking
            assertThat(first.jvmCommittedMb()).isNaN();
        }
    }
}
