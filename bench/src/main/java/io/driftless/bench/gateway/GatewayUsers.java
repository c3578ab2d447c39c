package io.driftless.bench.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftless.gateway.WebGateway;
import io.driftless.inference.pose.FaceGeometry;
import io.driftless.inference.pose.HeadPose;
import io.driftless.inference.pose.PinholeCamera;
import io.driftless.source.SendMode;
import io.driftless.source.SyntheticJpegFrames;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.Recorder;
import org.HdrHistogram.Histogram;

/**
 * Camera sessions through a web gateway, as the streamer page sends: each creates a session
 * ({@code POST /api/sessions}), opens its camera socket and sends at a steady rate either a
 * frontal face's six keypoints as a JSON frame (landmark mode) or a JSON frame and the JPEG of
 * the synthetic users' face photo (640 x 480, quality 80), and books each answer on that socket
 * by its sequence: the round trip from send to receive on this JVM's clock, an answer (a
 * landmark frame's coordinates, an image frame's annotated frame) within the deadline as on
 * time, drops and the gateway's refusals by count. The JDK's HTTP and WebSocket clients; one
 * scheduler paces every session, their start instants spread over a frame period; a session
 * whose turn comes a whole frame late skips that frame, as a camera would.
 */
public final class GatewayUsers {

    /** What the sessions saw, over the frames sent. */
    public record Result(long sent, long answered, long dropped, long refused, long onTime, Histogram roundTripMicros) {

        public long unanswered() {
            return sent - answered - dropped - refused;
        }

        public double onTimeRatio() {
            return sent == 0 ? Double.NaN : (double) onTime / sent;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int WIDTH = 640;
    private static final int HEIGHT = 480;
    private static final int JPEG_QUALITY = 80;

    private final URI gateway;
    private final int users;
    private final int fps;
    private final int deadlineMs;
    private final SendMode payload;
    private final String keypoints;
    private final double focalPx;
    /** The JPEG frames of an image run, encoded before it starts; null for landmarks. */
    private final SyntheticJpegFrames jpegs;

    /**
     * @param gateway the gateway's base address, e.g. {@code http://127.0.0.1:8080/}
     * @param deadlineMs the budget a frame is on time within, from its send (its capture here)
     */
    public GatewayUsers(URI gateway, int users, int fps, int deadlineMs, SendMode payload) {
        this.gateway = gateway;
        this.users = users;
        this.fps = fps;
        this.deadlineMs = deadlineMs;
        this.payload = payload;
        this.jpegs = payload == SendMode.JPEG
                ? SyntheticJpegFrames.encode(SyntheticJpegFrames.bundled(), users, WIDTH, HEIGHT, JPEG_QUALITY, 1)
                : null;
        PinholeCamera lens = PinholeCamera.withHorizontalFov(WIDTH, HEIGHT, PinholeCamera.DEFAULT_HORIZONTAL_FOV_DEG);
        float[] xy = FaceGeometry.projectKeypoints(new HeadPose(0, 0, 0, 0, 0, 0.5), lens);
        StringBuilder points = new StringBuilder("[");
        for (int i = 0; i < xy.length; i += 2) {
            points.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "[%.2f,%.2f]", xy[i], xy[i + 1]));
        }
        this.keypoints = points.append(']').toString();
        this.focalPx = lens.focalPx();
    }

    /** Streams for {@code duration}, waits up to {@code drain} for the last answers, and books it all. */
    public Result run(Duration duration, Duration drain) throws Exception {
        int frames = (int) (duration.toMillis() * fps / 1000);
        Books books = new Books(users, frames + 1, deadlineMs,
                payload == SendMode.JPEG ? "annotated" : "coordinates");
        HttpClient http = HttpClient.newHttpClient();
        List<WebSocket> sockets = new ArrayList<>();
        ScheduledExecutorService pacer = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "gateway-users");
            t.setDaemon(true);
            return t;
        });
        try {
            for (int user = 0; user < users; user++) {
                sockets.add(open(http, user, books));
            }
            long periodNanos = 1_000_000_000L / fps;
            long startNanos = System.nanoTime();
            for (int user = 0; user < users; user++) {
                int u = user;
                long offset = periodNanos * user / users;
                AtomicLong tick = new AtomicLong();
                AtomicLong sequence = new AtomicLong();
                WebSocket socket = sockets.get(user);
                pacer.scheduleAtFixedRate(() -> {
                    long due = startNanos + offset + tick.getAndIncrement() * periodNanos;
                    // a tick that comes a whole frame late is a frame the camera never sent: catching
                    // up in a burst would go over the gateway's per-session rate cap
                    if (System.nanoTime() - due > periodNanos) {
                        return;
                    }
                    long seq = sequence.incrementAndGet();
                    if (seq <= frames) {
                        send(socket, u, seq, books);
                    }
                }, offset, periodNanos, TimeUnit.NANOSECONDS);
            }
            long end = System.nanoTime() + duration.toNanos() + periodNanos;
            while (System.nanoTime() < end) {
                Thread.sleep(50);
            }
            pacer.shutdown();
            pacer.awaitTermination(5, TimeUnit.SECONDS);
            long drainEnd = System.nanoTime() + drain.toNanos();
            while (books.settled() < books.sent.get() && System.nanoTime() < drainEnd) {
                Thread.sleep(50);
            }
            return books.result();
        } finally {
            pacer.shutdownNow();
            for (WebSocket socket : sockets) {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
            }
        }
    }

    private WebSocket open(HttpClient http, int user, Books books) throws Exception {
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(gateway.resolve("/api/sessions"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("the gateway did not create session " + user + ": "
                    + created.statusCode() + " " + created.body());
        }
        String token = JSON.readTree(created.body()).get("cameraToken").asText();
        URI camera = URI.create("ws://" + gateway.getAuthority() + WebGateway.CAMERA_PATH + "?token=" + token);
        return http.newWebSocketBuilder().buildAsync(camera, new Answers(user, books)).get(10, TimeUnit.SECONDS);
    }

    private void send(WebSocket socket, int user, long seq, Books books) {
        long nowUs = System.currentTimeMillis() * 1000;
        String header = String.format(Locale.ROOT, "{\"seq\":%d,\"captureTimeUs\":%d,\"sendTimeUs\":%d,\"width\":%d,"
                + "\"height\":%d,", seq, nowUs, nowUs, WIDTH, HEIGHT);
        books.sent(user, seq);
        if (jpegs == null) {
            socket.sendText(header + String.format(Locale.ROOT, "\"kind\":\"landmarks\",\"focalLengthPx\":%.2f,"
                    + "\"keypoints\":%s}", focalPx, keypoints), true).join();
            return;
        }
        socket.sendText(header + "\"kind\":\"jpeg\",\"fps\":" + fps + "}", true).join();
        socket.sendBinary(jpegs.image(user, seq).getJpeg().asReadOnlyByteBuffer(), true).join();
    }

    /** One session's socket: each whole message is an answer (or a quality request, which is ignored). */
    private static final class Answers implements WebSocket.Listener {
        private final int user;
        private final Books books;
        private final StringBuilder partial = new StringBuilder();

        Answers(int user, Books books) {
            this.user = user;
            this.books = books;
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                long now = System.nanoTime();
                try {
                    JsonNode answer = JSON.readTree(partial.toString());
                    books.answered(user, answer.path("type").asText(), answer.path("seq").asLong(), now);
                } catch (Exception e) {
                    // an answer that does not parse settles no frame: its frame shows as unanswered
                }
                partial.setLength(0);
            }
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket socket, java.nio.ByteBuffer data, boolean last) {
            socket.request(1);
            return null;
        }
    }

    /** Every session's frames in flight and what came back; any thread. */
    private static final class Books {
        final AtomicLong sent = new AtomicLong();
        final AtomicLong answered = new AtomicLong();
        final AtomicLong dropped = new AtomicLong();
        final AtomicLong refused = new AtomicLong();
        final AtomicLong onTime = new AtomicLong();
        final Recorder roundTrips = new Recorder(3);
        final AtomicLongArray[] sendNanos;
        final long deadlineNanos;
        /** The message that answers a frame: an image frame's coordinates may come before it. */
        final String answerType;

        Books(int users, int frames, int deadlineMs, String answerType) {
            sendNanos = new AtomicLongArray[users];
            for (int u = 0; u < users; u++) {
                sendNanos[u] = new AtomicLongArray(frames + 1);
            }
            deadlineNanos = deadlineMs * 1_000_000L;
            this.answerType = answerType;
        }

        void sent(int user, long seq) {
            sendNanos[user].set((int) seq, System.nanoTime());
            sent.incrementAndGet();
        }

        void answered(int user, String type, long seq, long receiveNanos) {
            if (seq < 1 || seq >= sendNanos[user].length()) {
                return;
            }
            // the first answer to a frame counts; a later one finds its slot cleared
            long sentAt = sendNanos[user].getAndSet((int) seq, 0);
            if (sentAt == 0) {
                return;
            }
            if (type.equals(answerType)) {
                long rtt = receiveNanos - sentAt;
                roundTrips.recordValue(Math.max(0, rtt / 1_000));
                answered.incrementAndGet();
                if (rtt <= deadlineNanos) {
                    onTime.incrementAndGet();
                }
                return;
            }
            switch (type) {
                case "dropped" -> dropped.incrementAndGet();
                case "refused" -> refused.incrementAndGet();
                default -> sendNanos[user].set((int) seq, sentAt);
            }
        }

        long settled() {
            return answered.get() + dropped.get() + refused.get();
        }

        Result result() {
            return new Result(sent.get(), answered.get(), dropped.get(), refused.get(), onTime.get(),
                    roundTrips.getIntervalHistogram());
        }
    }
}
