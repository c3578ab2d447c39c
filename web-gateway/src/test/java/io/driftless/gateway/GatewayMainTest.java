package io.driftless.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class GatewayMainTest {

    @Test
    void helpNamesEveryOptionWithItsDefault() {
        StringWriter out = new StringWriter();
        CommandLine cli = GatewayMain.commandLine();
        cli.setOut(new PrintWriter(out));
        assertThat(cli.execute("--help")).isZero();
        assertThat(out.toString())
                .contains("Usage: driftless-gateway")
                .contains("--bootstrap-servers=HOST:PORT")
                .contains("--port=PORT", "(default: 8080)")
                .contains("--metrics-port=PORT", "(default: 9402)")
                .contains("--max-session-fps=FPS", "(default: 40)")
                .contains("DRIFTLESS_GATEWAY_TOKEN_KEY");
    }

    @Test
    void refusesABadSettingNamingIt() {
        StringWriter err = new StringWriter();
        CommandLine cli = GatewayMain.commandLine();
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("--bootstrap-servers", "localhost:9092", "--max-session-fps", "0"))
                .isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("error: max session fps must be at least 1, got 0");
    }

    @Test
    void configBuilderChecksEachSetting() {
        assertThatThrownBy(() -> GatewayConfig.builder().port(70000)).hasMessage(
                "port must be 0 (any free port) to 65535, got 70000");
        assertThatThrownBy(() -> GatewayConfig.builder().idleTimeout(Duration.ofMillis(500))).hasMessage(
                "idle timeout must be at least 1 s, got PT0.5S");
        assertThatThrownBy(() -> GatewayConfig.builder().metricsPort(-2)).hasMessage(
                "metrics port must be -1 (none), 0 (any free port) or up to 65535, got -2");
        assertThatThrownBy(() -> GatewayConfig.builder().replyTopicPrefix("a/b")).hasMessageContaining(
                "reply topic prefix 'a/b' is not usable in a Kafka topic name");
        assertThatThrownBy(() -> GatewayConfig.builder().allowedOrigins(List.of("example.com"))).hasMessage(
                "allowed origin 'example.com' must be scheme://host[:port], e.g. https://app.example.com");
        assertThatThrownBy(() -> GatewayConfig.builder().tokenKey(TokenKey.random()).build())
                .hasMessageStartingWith("bootstrap servers are required");
        assertThatThrownBy(() -> GatewayConfig.builder().bootstrapServers("k:9092").build())
                .hasMessageStartingWith("a token key is required");
        GatewayConfig config = GatewayConfig.builder().bootstrapServers("k:9092").tokenKey(TokenKey.random())
                .instanceId("gw-7").build();
        assertThat(config.replyTo()).isEqualTo("driftless.reply.gw-7");
        assertThat(config.maxSessionFps).isEqualTo(40);
    }
}
