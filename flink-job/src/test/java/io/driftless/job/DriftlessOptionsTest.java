package io.driftless.job;

import static org.apache.flink.configuration.ConfigOptions.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftless.job.OptionRange.IntRange;
import io.driftless.job.OptionRange.MemoryRange;
import io.driftless.job.OptionRange.Positive;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DriftlessOptionsTest {

    @Test
    void theListHoldsEveryDeclaredOptionOnceInKeyOrder() throws Exception {
        List<String> declared = new ArrayList<>();
        for (Field field : DriftlessOptions.class.getDeclaredFields()) {
            if (field.getType() == ConfigOption.class) {
                assertThat(Modifier.isPublic(field.getModifiers())).as("%s is public", field.getName()).isTrue();
                declared.add(((ConfigOption<?>) field.get(null)).key());
            }
        }

        List<String> listed = DriftlessOptions.ALL.stream().map(ConfigOption::key).toList();
        assertThat(listed).containsExactlyInAnyOrderElementsOf(declared).doesNotHaveDuplicates().isSorted()
                .contains("driftless.bootstrap-servers", "driftless.render.smoothing",
                        "driftless.input.max-frame-size");
        assertThat(listed).allSatisfy(k -> assertThat(k).startsWith(DriftlessOptions.PREFIX));
    }

    @Test
    void theRangesAreThoseDeclaredOnTheOptionsFields() {
        assertThat(DriftlessOptions.rangeOf(DriftlessOptions.ANNOTATED_QUALITY))
                .hasValueSatisfying(range -> assertThat(range.describe()).isEqualTo("between 1 and 100"));
        assertThat(DriftlessOptions.rangeOf(DriftlessOptions.MAX_BATCH_SIZE))
                .hasValueSatisfying(range -> assertThat(range.describe()).isEqualTo("at least 1"));
        assertThat(DriftlessOptions.rangeOf(DriftlessOptions.DEFAULT_DEADLINE))
                .hasValueSatisfying(range -> assertThat(range.describe()).isEqualTo("positive"));
        assertThat(DriftlessOptions.rangeOf(DriftlessOptions.MAX_FRAME_SIZE))
                .hasValueSatisfying(range -> assertThat(range.describe()).isEqualTo("between 1 kb and 2 gb"));
        assertThat(DriftlessOptions.rangeOf(DriftlessOptions.FRAMES_TOPIC)).isEmpty();
        assertThat(DriftlessOptions.RANGES).hasSize(20);
    }

    @Test
    void everyDefaultLiesInItsOwnRange() {
        assertThat(DriftlessOptions.RANGES).allSatisfy(range ->
                assertThat(range.contains(range.option().defaultValue()))
                        .as("default of %s is %s", range.option().key(), range.describe())
                        .isTrue());
    }

    /** For each declared range, a value just below it and, where it has a top, just above it. */
    static Stream<Arguments> valuesOutOfRange() {
        List<Arguments> cases = new ArrayList<>();
        for (OptionRange range : DriftlessOptions.RANGES) {
            String key = range.option().key();
            if (range.bound() instanceof IntRange ints) {
                cases.add(Arguments.of(key, String.valueOf(ints.min() - 1)));
                if (ints.max() != Integer.MAX_VALUE) {
                    cases.add(Arguments.of(key, String.valueOf(ints.max() + 1)));
                }
            } else if (range.bound() instanceof Positive) {
                cases.add(Arguments.of(key, "0 ms"));
            } else {
                MemoryRange memory = (MemoryRange) range.bound();
                cases.add(Arguments.of(key, (MemorySize.parse(memory.min()).getBytes() - 1) + " b"));
                cases.add(Arguments.of(key, (MemorySize.parse(memory.max()).getBytes() + 1) + " b"));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("valuesOutOfRange")
    void aValueOutOfItsRangeFailsNamingTheKeyTheValueAndTheRange(String key, String value) {
        Configuration settings = new Configuration();
        settings.set(DriftlessOptions.BOOTSTRAP_SERVERS, "localhost:9092");
        settings.setString(key, value);
        OptionRange range = DriftlessOptions.RANGES.stream().filter(r -> r.option().key().equals(key)).findFirst()
                .orElseThrow();
        Object parsed = settings.get(range.option());

        assertThatThrownBy(() -> JobConfig.from(settings, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(key + " must be " + range.describe() + ", got " + parsed);
    }

    @Test
    void outOfRangeMessagesReadAsTheUserWroteTheValue() {
        assertThatThrownBy(() -> job("--inference.image-threads", "65"))
                .hasMessage("driftless.inference.image-threads must be between 1 and 64, got 65");
        assertThatThrownBy(() -> job("--output.annotated-quality", "0"))
                .hasMessage("driftless.output.annotated-quality must be between 1 and 100, got 0");
        assertThatThrownBy(() -> job("--session.idle-timeout", "0 s"))
                .hasMessage("driftless.session.idle-timeout must be positive, got PT0S");
        assertThatThrownBy(() -> job("--input.max-frame-size", "3 gb"))
                .hasMessage("driftless.input.max-frame-size must be between 1 kb and 2 gb, got 3 gb");
    }

    @Test
    void theLargestFrameSizeInRangeStillFitsAnInt() {
        assertThat(job("--input.max-frame-size", "2 gb").inputLimits.maxFrameBytes()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void aQueueThatCannotHoldABatchFailsNamingBothOptions() {
        assertThatThrownBy(() -> job("--inference.queue-capacity", "10"))
                .hasMessage("driftless.inference.queue-capacity must be at least 64, got 10: the queue must hold"
                        + " a whole batch of driftless.inference.max-batch-size (64) and of"
                        + " driftless.inference.max-image-batch-size (1)");
    }

    @Test
    void theReferenceAndTheHelpShowEachRange() {
        assertThat(JobConfig.referenceTable())
                .contains("| `driftless.output.annotated-quality` | `--output.annotated-quality` | int | `80`"
                        + " | between 1 and 100 |")
                .contains("| `driftless.frames-topic` | `--frames-topic` | string | `driftless.frames` |  |");
        assertThat(JobConfig.usage()).contains("must be between 1 and 100");
    }

    /** Holds options whose ranges are declared wrongly, as a maintainer might. */
    static final class Misdeclared {
        @IntRange(min = 1)
        public static final ConfigOption<Duration> RANGE_OF_ANOTHER_TYPE = key("test.timeout")
                .durationType()
                .defaultValue(Duration.ofSeconds(1));

        @IntRange(min = 1)
        @Positive
        public static final ConfigOption<Integer> TWO_RANGES = key("test.count").intType().defaultValue(1);

        @MemoryRange(min = "1 kb", max = "two gigabytes")
        public static final ConfigOption<MemorySize> UNREADABLE_SIZE = key("test.size")
                .memoryType()
                .defaultValue(MemorySize.parse("1 mb"));
    }

    @Test
    void aRangeThatCannotCheckItsOptionFailsAtOnceNamingTheField() throws Exception {
        assertThatThrownBy(() -> declaredOn("RANGE_OF_ANOTHER_TYPE"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("RANGE_OF_ANOTHER_TYPE is a ConfigOption<java.time.Duration> but its @IntRange checks"
                        + " Integer options");
        assertThatThrownBy(() -> declaredOn("TWO_RANGES"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("TWO_RANGES declares more than one range");
        assertThatThrownBy(() -> declaredOn("UNREADABLE_SIZE"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static void declaredOn(String field) throws Exception {
        Field declared = Misdeclared.class.getField(field);
        OptionRange.declaredOn(declared, (ConfigOption<?>) declared.get(null));
    }

    private static JobConfig job(String... args) {
        String[] all = Stream.concat(Stream.of("--bootstrap-servers", "k:1"), Arrays.stream(args))
                .toArray(String[]::new);
        CommandLine cli = CommandLine.parse(all);
        return JobConfig.from(cli.settings(), cli.kafkaProperties());
    }
}
