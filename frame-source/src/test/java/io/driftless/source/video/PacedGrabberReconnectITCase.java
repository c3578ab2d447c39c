package io.driftless.source.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.driftless.source.testutils.HttpVideoServer;
import io.driftless.source.testutils.TestVideos;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live stream that drops and comes back: an HTTP server streaming MPEG-TS stands in for the
 * camera, is stopped, and is started again on the same port; the grabber reconnects and frames flow again.
 */
class PacedGrabberReconnectITCase {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void reconnectsToAStreamThatDropsAndComesBack() throws Exception {
        Path video = dir.resolve("camera.ts");
        TestVideos.write(video, "mpegts", 25, 25);
        int port = freePort();
        String url = "http://127.0.0.1:" + port;
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        HttpVideoServer second = null;
        try (PacedGrabber grabber = new PacedGrabber(VideoSource.stream(url), 0,
                new Backoff(Duration.ofMillis(100), Duration.ofMillis(400)), Duration.ofSeconds(3),
                Map.of())) {
            // ends every wait below, so a broken reconnect fails the test instead of hanging it
            timer.schedule(grabber::stop, DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            try (HttpVideoServer first = new HttpVideoServer(video, port)) {
                openWhenListening(grabber);
                for (int i = 0; i < 10; i++) {
                    PacedGrabber.Grabbed frame = grabber.next();
                    assertThat(frame).as("frame %d before the drop", i).isNotNull();
                    assertThat(frame.image().width()).isEqualTo(TestVideos.WIDTH);
                }
            }
            second = new HttpVideoServer(video, port);
            PacedGrabber.Grabbed frame = grabber.next();
            while (frame != null && grabber.reconnects() == 0) {
                frame = grabber.next();
            }
            assertThat(grabber.reconnects()).as("reconnects within " + DEADLINE).isEqualTo(1);
            for (int i = 0; i < 10; i++) {
                frame = grabber.next();
                assertThat(frame).as("frame %d after the reconnect", i).isNotNull();
                assertThat(frame.image().height()).isEqualTo(TestVideos.HEIGHT);
            }
        } finally {
            timer.shutdownNow();
            if (second != null) {
                second.close();
            }
        }
    }

    /** The server thread may not listen yet: tries to open until the deadline. */
    private static void openWhenListening(PacedGrabber grabber) {
        await("the test stream coming up").atMost(DEADLINE).pollInSameThread()
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10))
                .ignoreException(SourceUnavailableException.class)
                .until(() -> {
                    grabber.open();
                    return true;
                });
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
