package io.driftless.inference.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RemoteInferenceFactoryBuilderTest {

    @Test
    void eachSetterRefusesAnInvalidValueAndNamesIt() {
        RemoteInferenceFactory.Builder builder = RemoteInferenceFactory.builder("localhost:50051", "pose-v1");
        assertThatThrownBy(() -> builder.streamsPerServer(0))
                .hasMessage("streamsPerServer must be at least 1, got 0");
        assertThatThrownBy(() -> builder.warmUpCalls(-1)).hasMessage("warmUpCalls must not be negative, got -1");
        assertThatThrownBy(() -> builder.tls(null)).hasMessage("tls must be set; ClientTls.PLAINTEXT for none");
        assertThatThrownBy(() -> builder.inFlightLimit(null))
                .hasMessage("inFlightLimit must be set; InFlightLimitOptions.OFF for none");
        assertThatThrownBy(() -> builder.streamMaxAgeMicros(0)).hasMessage("streamMaxAgeMicros must be positive, got 0");
        assertThatThrownBy(() -> RemoteInferenceFactory.builder("localhost:50051", " "))
                .hasMessage("model must not be blank");
    }

    @Test
    void factoriesWithTheSameSettingsShareAKeyAndOthersDoNot() {
        RemoteInferenceFactory plain = RemoteInferenceFactory.builder("a:1,b:2", "pose-v1").build();
        assertThat(RemoteInferenceFactory.builder("a:1,b:2", "pose-v1").build().key()).isEqualTo(plain.key());
        assertThat(RemoteInferenceFactory.builder("a:1,b:2", "pose-v1").streamsPerServer(3).build().key())
                .isNotEqualTo(plain.key());
        assertThat(RemoteInferenceFactory.builder("a:1,b:2", "face").build().key()).isNotEqualTo(plain.key());
    }
}
