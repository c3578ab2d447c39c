package io.driftless.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FrameSourceCliTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return FrameSourceCli.execute(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void printsHelpForTheTopCommand() {
        assertThat(run("--help")).isZero();
        assertThat(out()).contains("Usage: frame-source [-hV] [COMMAND]").contains("synthetic");
    }

    @Test
    void printsHelpForSyntheticWithEveryOption() {
        assertThat(run("synthetic", "--help")).isZero();
        assertThat(out()).contains("Usage: frame-source synthetic").contains("--users=N",
                "--fps=N", "--duration=DURATION", "--deadline-ms=MS", "--bootstrap-servers",
                "--frames-topic=TOPIC", "--coordinates-topic-pattern=PATTERN",
                "--dropped-topic=TOPIC", "--clock-skew-max=DURATION", "--noise-px=SIGMA",
                "--seed=N", "--image-size=WxH", "--fov-deg=DEGREES", "--drain-timeout=DURATION",
                "--connect-timeout=DURATION", "--status-interval=DURATION", "--quiet",
                "--run-id=ID", "--summary-json=FILE", "--kafka=KEY=VALUE", "--version",
                "--send=MODE", "--jpeg-quality=Q", "--image=FILE",
                "--annotated-topic-pattern=PATTERN", "--motion=PROFILE",
                "--display-delay=DURATION");
    }

    @Test
    void printsItsVersion() {
        assertThat(run("--version")).isZero();
        assertThat(out()).startsWith("frame-source ");
    }

    @Test
    void printsUsageAndFailsWithoutASubcommand() {
        assertThat(run()).isEqualTo(2);
        assertThat(err()).contains("Usage: frame-source");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--users 0 | users must be between 1 and 100,000, got 0",
        "--users many | Invalid value for option '--users': 'many' is not an int",
        "--duration 5x | Invalid value for option '--duration': '5x' is not a duration: write it like 40s",
        "--image-size 640by480 | Invalid value for option '--image-size': '640by480' is not an image size",
        "--kafka key.serializer=x | kafkaProperties must not set 'key.serializer'",
        "--frames-topic driftless.dropped | framesTopic 'driftless.dropped' must differ",
        "--send pixels | Invalid value for option '--send': 'pixels' is not a send mode: use landmarks or jpeg",
        "--send jpeg --jpeg-quality 0 | jpegQuality must be between 1 and 100, got 0",
        "--send jpeg --image no-such-photo.jpg | image 'no-such-photo.jpg' does not exist or is not a file",
        "--send jpeg --annotated-topic-pattern driftless.dropped | the coordinates, annotated and dropped topics must differ",
        "--motion wild | Invalid value for option '--motion': 'wild' is not a motion profile: write calm, normal, brisk, fast or shake",
        "--display-delay 2s | displayDelay must be between 0 and PT1S, got PT2S",
        "--userz 3 | Unknown options: '--userz', '3'"})
    void failsWithExitCode2AndAClearMessageOnBadArguments(String args, String message) {
        assertThat(run(("synthetic " + args).split(" "))).isEqualTo(2);
        assertThat(err()).contains("error: " + message)
                .contains("Try 'frame-source synthetic --help' for more information.");
    }

    @Test
    void failsWithExitCode1WhenTheBrokerCannotBeReached() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        int code = run("synthetic", "--quiet", "--bootstrap-servers", "127.0.0.1:" + closedPort,
                "--connect-timeout", "1s", "--duration", "1s");

        assertThat(code).isEqualTo(1);
        assertThat(err()).contains("error: cannot reach Kafka at 127.0.0.1:" + closedPort
                + " within 1000 ms");
    }

    @Test
    void printsHelpForTheCameraSubcommandsWithTheSharedOptions() {
        for (String command : new String[] {"video", "webcam", "rtsp"}) {
            out.reset();
            assertThat(run(command, "--help")).isZero();
            assertThat(out()).contains("Usage: frame-source " + command).contains("--send=MODE",
                    "--jpeg-width=W", "--jpeg-quality=Q", "--session=ID", "--fps=N",
                    "--render=OUT.mp4", "--bootstrap-servers", "--frames-topic=TOPIC",
                    "--coordinates-topic-pattern=PATTERN", "--dropped-topic=TOPIC",
                    "--annotated-topic-pattern=PATTERN", "--summary-json=FILE", "--quiet",
                    "--status-interval=DURATION", "--drain-timeout=DURATION", "--kafka=KEY=VALUE");
        }
        assertThat(run("video", "--help")).isZero();
        assertThat(out()).contains("--no-loop");
    }

    @Test
    void failsWithExitCode4NamingAVideoFileThatIsMissing() {
        assertThat(run("video", "--quiet", "no-such-clip.mp4")).isEqualTo(4);
        assertThat(err()).contains("error: video file 'no-such-clip.mp4' does not exist");
    }

    @Test
    void failsWithExitCode4NamingAWebcamThatIsMissing() {
        assertThat(run("webcam", "--quiet", "/dev/video-none")).isEqualTo(4);
        assertThat(err()).contains("error: no webcam at /dev/video-none");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--send pixels x.mp4 | Invalid value for option '--send': 'pixels' is not a send mode: use landmarks or jpeg",
        "--jpeg-quality 0 x.mp4 | jpegQuality must be between 1 and 100, got 0",
        "--session a/b x.mp4 | sessionId must be 1 to 128 characters",
        "--fps 1000 x.mp4 | fps must be between 0 (the source's own rate) and 240.0, got 1000.0",
        "--send jpeg --annotated-topic-pattern driftless.dropped x.mp4 | the coordinates, annotated and dropped topics must differ"})
    void failsVideoWithExitCode2AndAClearMessageOnBadArguments(String args, String message) {
        assertThat(run(("video " + args).split(" "))).isEqualTo(2);
        assertThat(err()).contains("error: " + message)
                .contains("Try 'frame-source video --help' for more information.");
    }
}
