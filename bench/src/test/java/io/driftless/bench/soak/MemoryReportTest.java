package io.driftless.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryReportTest {

    /** One sample every 10 s for 20 minutes; the heap saws between its floor and floor + 400. */
    private static List<MemorySample> run(IntToDoubleFunction heapFloor, IntToDoubleFunction rss) {
        List<MemorySample> samples = new ArrayList<>();
        for (int i = 0; i <= 120; i++) {
            double floor = heapFloor.applyAsDouble(i);
            samples.add(new MemorySample(10.0 * i, floor + (i % 4) * 100, 90, 12, rss.applyAsDouble(i), Double.NaN, 80));
        }
        return samples;
    }

    @Test
    void callsARunFlatWhenHeapFloorAndResidentSetHoldAfterWarmUp() {
        // warm-up grows everything; afterwards only noise
        MemoryReport report = new MemoryReport(run(i -> i < 30 ? 200 + 10 * i : 500 + i % 3,
                i -> i < 30 ? 900 + 20 * i : 1500 + i % 5), Duration.ofMinutes(5));

        assertThat(report.flat()).isTrue();
        assertThat(report.trends().get(0).start()).isBetween(500.0, 503.0);
        assertThat(report.toTable()).contains("flat: heap floor and resident set within 5%");
    }

    @Test
    void flagsAResidentSetThatKeepsGrowingAsNativeMemoryLeaks() {
        MemoryReport report = new MemoryReport(run(i -> 500, i -> 1500 + 2 * i), Duration.ofMinutes(5));

        assertThat(report.flat()).isFalse();
        assertThat(report.trends().get(1).growth()).isGreaterThan(0.05);
        assertThat(report.toTable()).contains("NOT flat");
    }

    @Test
    void flagsAHeapWhoseFloorRises() {
        MemoryReport report = new MemoryReport(run(i -> 500 + 2 * i, i -> 1500), Duration.ofMinutes(5));

        assertThat(report.flat()).isFalse();
        assertThat(report.trends().get(0).name()).isEqualTo("heap floor MiB");
    }

    @Test
    void judgesTheHeapByItsLiveSetWhenCensusesWereTakenAndNamesTheClassesThatGrew(@TempDir Path dir)
            throws Exception {
        // the floor of the used heap rises (garbage piling up in the old generation) but the live set holds,
        // except for one class that leaks slowly
        List<HeapCensus> censuses = new ArrayList<>();
        for (int minute = 5; minute <= 20; minute += 5) {
            censuses.add(HeapCensus.parse(60.0 * minute, histogram(100_000_000, 1_000 * minute)));
        }
        MemoryReport report = new MemoryReport(run(i -> 500 + 2 * i, i -> 1500), censuses, Duration.ofMinutes(5));

        assertThat(report.trends().get(0).name()).isEqualTo("live heap MiB");
        assertThat(report.flat()).isTrue();
        assertThat(report.growingClasses().get(0).className()).isEqualTo("io.example.Leak");
        assertThat(report.growingClasses().get(0).bytes()).isEqualTo(15_000 * 64L);
        assertThat(report.toTable()).contains("io.example.Leak");
        report.write(dir);
        assertThat(Files.readString(dir.resolve("class-growth.txt"))).contains("io.example.Leak");
        JsonNode json = new ObjectMapper().readTree(dir.resolve("memory.json").toFile());
        assertThat(json.get("live_heap_censuses")).hasSize(4);
        assertThat(json.get("live_heap").get("start").asDouble()).isGreaterThan(95);
    }

    @Test
    void flagsNativeGrowthOutsideTheJvmWhenNativeMemoryTrackingSaysTheJvmHeld() {
        List<MemorySample> samples = new ArrayList<>();
        for (int i = 0; i <= 120; i++) {
            samples.add(new MemorySample(10.0 * i, 500, 90, 12, 1500 + 3 * i, 900, 80));
        }
        MemoryReport report = new MemoryReport(samples, Duration.ofMinutes(5));

        assertThat(report.trends()).extracting(MemoryReport.Trend::name)
                .contains("JVM committed MiB", "resident set beyond the JVM MiB");
        MemoryReport.Trend jvm = report.trends().stream().filter(t -> t.name().equals("JVM committed MiB"))
                .findFirst().orElseThrow();
        MemoryReport.Trend beyond = report.trends().stream()
                .filter(t -> t.name().equals("resident set beyond the JVM MiB")).findFirst().orElseThrow();
        assertThat(jvm.flat()).isTrue();
        // 600 MiB beyond the JVM at the end of warm-up, growing 3 MiB a sample: about +35% by the end
        assertThat(beyond.growth()).isCloseTo(0.35, within(0.02));
        assertThat(report.flat()).isFalse();
    }

    /** A class histogram as {@code jcmd GC.class_histogram} prints it, with one class growing. */
    private static String histogram(long steadyBytes, long leakInstances) {
        long leakBytes = leakInstances * 64;
        return String.join("\n",
                " num     #instances         #bytes  class name (module)",
                "-------------------------------------------------------",
                "   1:        400000      " + steadyBytes + "  [B (java.base@17.0.15)",
                "   2:        " + leakInstances + "        " + leakBytes + "  io.example.Leak",
                "   3:          3555         426000  java.lang.Class (java.base@17.0.15)",
                "Total        " + (403555 + leakInstances) + "      " + (steadyBytes + leakBytes + 426000));
    }

    @Test
    void refusesARunNoLongerThanItsWarmUp() {
        assertThatThrownBy(() -> new MemoryReport(run(i -> 500, i -> 1500), Duration.ofHours(1)))
                .hasMessageStartingWith("only 0 samples after the warm-up of 3600 s");
    }

    @Test
    void writesTheSamplesTheVerdictAndAPlot(@TempDir Path dir) throws Exception {
        MemoryReport report = new MemoryReport(run(i -> 500, i -> 1500), Duration.ofMinutes(5));
        report.write(dir);

        assertThat(Files.readAllLines(dir.resolve("memory.csv"))).hasSize(122).first().isEqualTo(MemorySample.CSV_HEADER);
        JsonNode json = new ObjectMapper().readTree(dir.resolve("memory.json").toFile());
        assertThat(json.get("flat").asBoolean()).isTrue();
        assertThat(json.get("resident_set").get("start").asDouble()).isEqualTo(1500);
        byte[] png = Files.readAllBytes(dir.resolve("memory.png"));
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
    }

    @Test
    void writesThePlotWhileTheJvmShutsDownAsAfterCtrlC(@TempDir Path dir) throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"),
                WriteOnShutdown.class.getName(), dir.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as(output).isZero();
        assertThat(Files.readAllBytes(dir.resolve("memory.png"))).startsWith(0x89, 'P', 'N', 'G');
    }

    /** Writes a report from a shutdown hook, where Ctrl-C leaves the soak's report. */
    public static final class WriteOnShutdown {
        public static void main(String[] args) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    new MemoryReport(run(i -> 500, i -> 1500), Duration.ofMinutes(5)).write(Path.of(args[0]));
                } catch (Exception | Error e) {
                    e.printStackTrace();
                    Runtime.getRuntime().halt(1);
                }
            }));
        }
    }
}
