package io.driftless.inference.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HostAndPortTest {

    @Test
    void parsesOneOrManyAddressesIncludingIpv6() {
        assertThat(HostAndPort.parseList("localhost:50051")).containsExactly(new HostAndPort("localhost", 50051));
        assertThat(HostAndPort.parseList("a:1, b:2,[::1]:3")).containsExactly(
                new HostAndPort("a", 1), new HostAndPort("b", 2), new HostAndPort("::1", 3));
        assertThat(new HostAndPort("::1", 3)).hasToString("[::1]:3");
    }

    @Test
    void saysWhichAddressIsWrongAndWhatItShouldLookLike() {
        assertThatThrownBy(() -> HostAndPort.parseList(" "))
                .hasMessage("no server address given: expected host:port[,host:port...]");
        assertThatThrownBy(() -> HostAndPort.parseList("a:1,localhost"))
                .hasMessage("'localhost' is not host:port, e.g. localhost:50051");
        assertThatThrownBy(() -> HostAndPort.parse("localhost:http"))
                .hasMessage("'localhost:http' has no numeric port, e.g. localhost:50051");
        assertThatThrownBy(() -> HostAndPort.parse("localhost:70000"))
                .hasMessage("'localhost:70000': port must be 1-65535, got 70000");
    }

    @Test
    void namesOneServerByDnsAndSeveralByTheAddressList() {
        assertThat(RemoteInferenceFactory.builder("inference:50051", "pose-v1").build().grpcTarget())
                .isEqualTo("dns:///inference:50051");
        assertThat(RemoteInferenceFactory.builder("a:1,b:2", "pose-v1").build().grpcTarget())
                .isEqualTo("addresses:///a:1,b:2");
    }
}
