package io.driftless.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {

    @ParameterizedTest
    @CsvSource({"40s, 40000", "2m, 120000", "500ms, 500", "1.5s, 1500", "1h, 3600000",
        "PT40S, 40000", "pt1m30s, 90000", "0s, 0", "5S, 5000"})
    void readsDurationsAsPeopleWriteThem(String text, long millis) {
        assertThat(DurationConverter.parse(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"40", "5x", "s", "-1s", "1.2.3s", "P"})
    void rejectsWhatIsNotADurationAndSaysWhatWorks(String text) {
        assertThatThrownBy(() -> DurationConverter.parse(text))
                .isInstanceOf(TypeConversionException.class)
                .hasMessage("'" + text + "' is not a duration: write it like 40s, 2m, 500ms, 1h"
                        + " or ISO-8601 PT40S");
    }
}
