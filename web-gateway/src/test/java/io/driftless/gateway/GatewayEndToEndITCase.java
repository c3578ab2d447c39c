package io.driftless.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftless.gateway.testutils.CapturedLog;
import io.driftless.gateway.testutils.GatewayApi;
import io.driftless.gateway.testutils.GatewayApi.CreatedSession;
import io.driftless.gateway.testutils.SelfSignedTls;
import io.driftless.gateway.testutils.SocketClient;
import io.driftless.job.DriftlessJob;
import io.driftless.job.DriftlessOptions;
import io.driftless.job.JobConfig;
import io.driftless.job.testutils.EndToEndCluster;
import io.driftless.job.testutils.FaceFrames;
import io.driftless.job.testutils.JobUnderTest;
import io.driftless.proto.Landmarks;
import io.driftless.proto.Point;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.eclipse.jetty.client.transport.HttpClientTransportDynamic;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The browser path end to end without a browser: two gateway instances on one broker in front of
 * the real job on the MiniCluster (the shipped face detector and pose model), and WebSocket
 * clients that stream the face photo, moved frame by frame, as a page does.
 */
class GatewayEndToEndITCase {

    /** Detected box against the known box: the job's own JPEG-path bar. */
    private static final double MIN_IOU = 0.6;
    private static final int FRAMES = 8;
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(60);
    /** Generous, so that this loaded machine answers rather than drops and content can be checked. */
    private static final int DEADLINE_MS = 1_000;

    @RegisterExtension
    static final EndToEndCluster CLUSTER = EndToEndCluster.builder().build();

    /** The signing key's bytes, to check that no log line ever shows them. */
    private final byte[] keyBytes = randomKey();
    private final TokenKey key = TokenKey.of(keyBytes);
    private final List<AutoCloseable> open = new ArrayList<>();
    private WebSocketClient sockets;

    @BeforeEach
    void startClient() throws Exception {
        sockets = new WebSocketClient();
        sockets.start();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        sockets.stop();
    }

    private JobConfig startJob() throws Exception {
        // each frame puts the face somewhere new, further than a head moves between frames: the
        // anchors checked are each frame's own, unsmoothed (the job's tests cover the smoothing)
        Configuration settings = CLUSTER.settings();
        settings.set(DriftlessOptions.SMOOTHING, DriftlessOptions.Smoothing.NONE);
        JobConfig config = JobConfig.from(settings, Map.of());
        CLUSTER.startJob(config, DriftlessJob.inference(config), Map.of()).awaitServing();
        return config;
    }

    private WebGateway gateway(String instanceId, int maxSessionFps) throws Exception {
        return gateway(instanceId, builder -> builder.maxSessionFps(maxSessionFps));
    }

    /** A gateway in front of the test cluster with the test's settings, then {@code settings}'. */
    private WebGateway gateway(String instanceId, Consumer<GatewayConfig.Builder> settings) throws Exception {
        GatewayConfig.Builder builder = GatewayConfig.builder()
                .bootstrapServers(CLUSTER.bootstrapServers())
                .framesTopic(CLUSTER.topics().frames())
                .instanceId(instanceId)
                .port(0)
                .metricsPort(0)
                .bindHost("127.0.0.1")
                .tokenKey(key)
                .maxMessageBytes(256 << 10)
                .deadlineMs(DEADLINE_MS);
        settings.accept(builder);
        WebGateway gateway = WebGateway.start(builder.build());
        open.add(gateway);
        return gateway;
    }

    private SocketClient camera(GatewayApi api, String token) throws Exception {
        SocketClient socket = SocketClient.open(sockets, api.socket(WebGateway.CAMERA_PATH, token), null);
        open.add(socket);
        return socket;
    }

    private static String jpegMetadata(long seq, int width, int height) {
        long nowUs = System.currentTimeMillis() * 1000;
        return "{\"seq\":" + seq + ",\"captureTimeUs\":" + (nowUs - 2_000) + ",\"sendTimeUs\":" + nowUs
                + ",\"width\":" + width + ",\"height\":" + height + ",\"kind\":\"jpeg\",\"fps\":30,\"jpegQuality\":0.8}";
    }

    /** A landmark frame's metadata: the job's own test keypoints of a face at 640 x 480. */
    private static String landmarkMetadata(long seq) {
        Landmarks landmarks = JobUnderTest.validFrame("any", seq).getLandmarks();
        StringBuilder points = new StringBuilder();
        for (Point p : landmarks.getKeypointsList()) {
            points.append(points.length() == 0 ? "" : ",").append('[').append(p.getX()).append(',').append(p.getY())
                    .append(']');
        }
        long nowUs = System.currentTimeMillis() * 1000;
        return "{\"seq\":" + seq + ",\"captureTimeUs\":" + (nowUs - 2_000) + ",\"sendTimeUs\":" + nowUs
                + ",\"width\":" + landmarks.getImageWidth() + ",\"height\":" + landmarks.getImageHeight()
                + ",\"kind\":\"landmarks\",\"focalLengthPx\":" + landmarks.getFocalLengthPx()
                + ",\"keypoints\":[" + points + "]}";
    }

    /** Sends the frame and waits for its answer: the annotated frame, or its drop. */
    private static SocketClient.Message sendAndAwait(SocketClient camera, long seq, byte[] jpeg) throws Exception {
        camera.sendText(jpegMetadata(seq, FaceFrames.WIDTH, FaceFrames.HEIGHT));
        camera.sendBinary(jpeg);
        return camera.await(m -> m.seq() == seq && Set.of("annotated", "dropped", "refused").contains(m.type()),
                ANSWER_TIMEOUT, "answer to frame " + seq);
    }

    @Test
    void answersStreamedFramesWithTheFaceFoundAndEachInstanceReadsOnlyItsOwnSessionsAnswers() throws Exception {
        startJob();
        WebGateway a = gateway("it-a", 40);
        WebGateway b = gateway("it-b", 40);
        GatewayApi apiA = new GatewayApi(a.uri());
        GatewayApi apiB = new GatewayApi(b.uri());
        CreatedSession alice = apiA.createSession();
        CreatedSession bob = apiB.createSession();
        SocketClient aliceCamera = camera(apiA, alice.cameraToken());
        SocketClient bobCamera = camera(apiB, bob.cameraToken());
        SocketClient aliceViewer = SocketClient.open(sockets, apiA.socket(WebGateway.VIEWER_PATH, alice.viewToken()), null);
        open.add(aliceViewer);

        // before any frame, the gateway tells each camera what its frames are held to
        SocketClient.Message hello = aliceCamera.await(m -> m.type().equals("session"), ANSWER_TIMEOUT,
                "the session message");
        assertThat(hello.json.path("deadlineMs").asInt()).isEqualTo(DEADLINE_MS);
        assertThat(hello.json.path("maxFps").asInt()).isEqualTo(40);
        assertThat(aliceCamera.messages().get(0)).as("the camera's first message").isSameAs(hello);

        Random random = new Random(20261206L);
        Map<Long, double[]> aliceBoxes = new HashMap<>();
        int answered = 0;
        int dropped = 0;
        for (long seq = 1; seq <= FRAMES; seq++) {
            FaceFrames.Shot shot = randomShot(random);
            aliceBoxes.put(seq, shot.faceBox());
            SocketClient.Message answer = sendAndAwait(aliceCamera, seq, shot.jpeg());
            if (answer.type().equals("annotated")) {
                answered++;
                assertFaceFound(answer, shot.faceBox());
                assertAnchorsOnTheFace(aliceCamera, seq, shot.faceBox());
            } else {
                assertThat(answer.type()).as("answer to frame %d: %s", seq, answer.json).isEqualTo("dropped");
                dropped++;
            }
            SocketClient.Message bobs = sendAndAwait(bobCamera, seq, randomShot(random).jpeg());
            assertThat(bobs.type()).isIn("annotated", "dropped");
        }
        assertThat(answered).as("frames answered, of %d (the rest dropped)", FRAMES).isGreaterThanOrEqualTo(FRAMES / 2);

        // a landmark frame, as a phone that finds the face itself sends it: answered by coordinates alone
        long landmarkSeq = FRAMES + 1;
        aliceCamera.sendText(landmarkMetadata(landmarkSeq));
        SocketClient.Message pose = aliceCamera.await(m -> m.seq() == landmarkSeq
                && Set.of("coordinates", "dropped").contains(m.type()), ANSWER_TIMEOUT, "answer to the landmark frame");
        if (pose.type().equals("coordinates")) {
            answered++;
            assertThat(pose.json.path("anchors").has("glasses_bridge")).isTrue();
        } else {
            dropped++;
        }
        int sent = FRAMES + 1;

        // every frame accounted for: what the socket heard and what the stats say
        JsonNode stats = apiA.stats(alice);
        assertThat(stats.get("framesIn").asLong()).isEqualTo(sent);
        assertThat(stats.get("answered").asLong()).isEqualTo(answered);
        assertThat(stats.get("dropped").asLong()).isEqualTo(dropped);
        assertThat(stats.get("answered").asLong() + stats.get("dropped").asLong() + stats.get("refused").asLong())
                .as("in = answered + dropped + refused").isEqualTo(sent);
        assertThat(stats.get("connection").asText()).isEqualTo("streaming");
        assertThat(stats.get("viewers").asInt()).isEqualTo(1);
        assertThat(stats.get("rttP95Ms").asDouble()).isGreaterThanOrEqualTo(stats.get("rttP50Ms").asDouble())
                .isPositive();
        assertThat(stats.path("quality").path("fps").asDouble()).isEqualTo(30);

        // the viewer saw each annotated frame of its session, JPEG and all
        for (SocketClient.Message m : aliceCamera.messages()) {
            if (m.type().equals("annotated")) {
                aliceViewer.await(v -> v.type().equals("annotated") && v.seq() == m.seq(), ANSWER_TIMEOUT,
                        "viewer's copy of frame " + m.seq());
            }
        }

        // each instance's reply topics hold its own sessions' answers only, and the shared topics neither
        assertThat(keysIn("driftless.reply.it-a")).containsOnly(alice.sessionId());
        assertThat(keysIn("driftless.reply.it-b")).containsOnly(bob.sessionId());
        Set<String> shared = new HashSet<>();
        shared.addAll(keys(CLUSTER.topics().coordinates()));
        shared.addAll(keys(CLUSTER.topics().annotated()));
        shared.addAll(keys(CLUSTER.topics().dropped()));
        assertThat(shared).doesNotContain(alice.sessionId(), bob.sessionId());
        assertThat(bobCamera.messages()).as("bob's socket hears bob's frames only")
                .filteredOn(m -> !m.type().equals("session"))
                .allSatisfy(m -> assertThat(m.seq()).isBetween(1L, (long) FRAMES));
    }

    @Test
    void refusesBadTokensOversizedAndMalformedMessagesWhileAnotherSessionIsServed() throws Exception {
        startJob();
        CapturedLog log = CapturedLog.start();
        WebGateway gateway = gateway("it-bad", 40);
        GatewayApi api = new GatewayApi(gateway.uri());
        CreatedSession good = api.createSession();
        CreatedSession other = api.createSession();
        SocketClient served = camera(api, good.cameraToken());
        assertThat(sendAndAwait(served, 1, FaceFrames.shot(1.0, 64, -16).jpeg()).type()).isIn("annotated", "dropped");

        // a token signed with another key
        SessionTokens forger = new SessionTokens(TokenKey.random(), Duration.ofHours(1), Clock.systemUTC());
        String forged = forger.issue(good.sessionId(), SessionTokens.Scope.CAMERA, forger.expiryFromNow());
        assertRefused(api, forged, "the token's signature does not check out");
        // an expired one
        SessionTokens past = new SessionTokens(key, Duration.ofHours(1), Clock.systemUTC());
        assertRefused(api, past.issue(good.sessionId(), SessionTokens.Scope.CAMERA, Instant.now().minusSeconds(5)),
                "the token has expired; create a new session");
        // a view token cannot stream
        assertRefused(api, good.viewToken(), "a view token cannot be used here: this needs a camera token");
        assertRefused(api, "not-a-token", "the token is not a signed JWT");
        // a second camera on a streaming session
        assertRefused(api, good.cameraToken(), "this session already has a camera connected");

        // a viewer that tries to stream is closed
        SocketClient viewer = SocketClient.open(sockets, api.socket(WebGateway.VIEWER_PATH, good.viewToken()), null);
        open.add(viewer);
        viewer.sendText(jpegMetadata(1, 640, 480));
        assertThat(viewer.awaitClose(Duration.ofSeconds(10))).isEqualTo(StatusCode.POLICY_VIOLATION);
        assertThat(viewer.closeReason()).contains("a viewer cannot stream");

        // the stats of a session need one of its own tokens
        assertThat(api.get("/api/sessions/" + good.sessionId() + "/stats", other.viewToken()).status()).isEqualTo(401);
        assertThat(api.get("/api/sessions/" + good.sessionId() + "/stats", other.viewToken()).body().get("error")
                .asText()).isEqualTo("the token is for another session");
        assertThat(api.get("/api/sessions/" + good.sessionId() + "/stats", null).status()).isEqualTo(401);

        // malformed metadata is refused with the reason, and the socket stays open
        SocketClient sloppy = camera(api, other.cameraToken());
        sloppy.sendText("{\"seq\": 3, \"kind\": \"jpeg\"}");
        SocketClient.Message refused = sloppy.await(m -> m.type().equals("refused"), Duration.ofSeconds(10),
                "refusal of malformed metadata");
        assertThat(refused.json.get("reason").asText()).isEqualTo("METADATA");
        assertThat(refused.json.get("detail").asText()).isEqualTo("\"captureTimeUs\" must be a positive integer");
        sloppy.sendBinary(new byte[] {1, 2, 3});
        sloppy.await(m -> m.type().equals("refused") && m.json.get("detail").asText().startsWith("a binary message"),
                Duration.ofSeconds(10), "refusal of a binary message without metadata");
        assertThat(sloppy.isOpen()).isTrue();
        JsonNode sloppyStats = api.stats(other);
        assertThat(sloppyStats.get("framesIn").asLong()).as("each unusable message counts as a frame in").isEqualTo(2);
        assertThat(sloppyStats.get("refused").asLong()).isEqualTo(2);
        assertThat(sloppyStats.path("dropsByReason").path("GATEWAY_METADATA").asLong()).isEqualTo(2);
        Map<String, Double> metrics = scrape(gateway);
        assertThat(metrics).containsEntry("driftless_gateway_sessions_created_total", 2.0)
                .containsEntry("driftless_gateway_frames_refused_total{reason=\"METADATA\"}", 2.0)
                .containsEntry("driftless_gateway_frames_refused_total{reason=\"RATE\"}", 0.0)
                .containsEntry("driftless_gateway_sockets_refused_total{reason=\"token\"}", 4.0)
                .containsEntry("driftless_gateway_frames_received_total", 3.0);

        // an oversized message closes that socket only
        sloppy.sendText(jpegMetadata(4, 640, 480));
        sloppy.sendBinary(new byte[(256 << 10) + 1]);
        assertThat(sloppy.awaitClose(Duration.ofSeconds(10))).isEqualTo(StatusCode.MESSAGE_TOO_LARGE);

        // a page on another site may not open the sockets
        assertThatUpgradeFails(api.socket(WebGateway.CAMERA_PATH, good.cameraToken()), "https://evil.example");

        // meanwhile the good session is served as before
        assertThat(sendAndAwait(served, 2, FaceFrames.shot(1.0, 100, 0).jpeg()).type()).isIn("annotated", "dropped");
        JsonNode stats = api.stats(good);
        assertThat(stats.get("framesIn").asLong()).isEqualTo(2);
        assertThat(stats.get("answered").asLong() + stats.get("dropped").asLong()).isEqualTo(2);
        assertThat(scrape(gateway)).containsEntry("driftless_gateway_sockets_refused_total{reason=\"origin\"}", 1.0)
                .hasEntrySatisfying("driftless_gateway_cameras_connected", n -> assertThat(n).isGreaterThanOrEqualTo(1));

        // the log says why, at a sane rate (one line per 10 s for this burst), and never shows a token or the key
        String logged = log.text();
        assertThat(logged).contains("refusing a socket on /ws/camera from 127.0.0.1: the token's signature does not"
                + " check out");
        assertThat(logged.lines().filter(line -> line.contains("refusing a socket"))).as("refused sockets logged")
                .hasSize(1);
        for (String secret : List.of(forged, good.cameraToken(), good.viewToken(), other.cameraToken(),
                other.viewToken(), Base64.getEncoder().encodeToString(keyBytes),
                Base64.getUrlEncoder().withoutPadding().encodeToString(keyBytes), HexFormat.of().formatHex(keyBytes))) {
            assertThat(logged).as("the log").doesNotContain(secret);
            // a JWT's signature alone would let nobody forge one, but it is the token's secret part
            assertThat(logged).doesNotContain(secret.substring(secret.lastIndexOf('.') + 1));
        }
    }

    @Test
    void refusesFramesFasterThanTheSessionCapAndAccountsForEachOne() throws Exception {
        startJob();
        WebGateway gateway = gateway("it-rate", 5);
        GatewayApi api = new GatewayApi(gateway.uri());
        CreatedSession session = api.createSession();
        SocketClient camera = camera(api, session.cameraToken());
        byte[] jpeg = FaceFrames.shot(1.0, 64, -16).jpeg();
        int sent = 20;
        for (long seq = 1; seq <= sent; seq++) {
            camera.sendText(jpegMetadata(seq, FaceFrames.WIDTH, FaceFrames.HEIGHT));
            camera.sendBinary(jpeg);
        }
        for (long seq = 1; seq <= sent; seq++) {
            long s = seq;
            camera.await(m -> m.seq() == s && Set.of("annotated", "dropped", "refused").contains(m.type()),
                    ANSWER_TIMEOUT, "answer to frame " + seq);
        }
        List<SocketClient.Message> refusals = camera.messages().stream().filter(m -> m.type().equals("refused")).toList();
        assertThat(refusals).as("frames over 5 per second, sent at once").isNotEmpty()
                .allSatisfy(m -> assertThat(m.json.get("reason").asText()).isEqualTo("RATE"));
        JsonNode stats = api.stats(session);
        assertThat(stats.get("refused").asLong()).isEqualTo(refusals.size());
        assertThat(stats.get("answered").asLong() + stats.get("dropped").asLong() + stats.get("refused").asLong())
                .as("in = answered + dropped + refused").isEqualTo(sent);
        assertThat(stats.path("dropsByReason").path("GATEWAY_RATE").asLong()).isEqualTo(refusals.size());
        Map<String, Double> metrics = scrape(gateway);
        assertThat(metrics).containsEntry("driftless_gateway_frames_received_total", (double) sent)
                .containsEntry("driftless_gateway_frames_refused_total{reason=\"RATE\"}", (double) refusals.size());
        double jobDrops = metrics.entrySet().stream()
                .filter(e -> e.getKey().startsWith("driftless_gateway_frames_dropped_total{"))
                .mapToDouble(Map.Entry::getValue).sum();
        assertThat(metrics.get("driftless_gateway_frames_answered_total") + jobDrops + refusals.size())
                .as("in = answered + dropped + refused, on the Prometheus endpoint").isEqualTo(sent);
        assertThat(metrics.get("driftless_gateway_round_trip_seconds_count"))
                .isEqualTo(metrics.get("driftless_gateway_frames_answered_total"));
    }

    @Test
    void asksTheCameraForFewerFramesWhileItsFramesMissTheirDeadline() throws Exception {
        startJob();
        // no frame makes a 1 ms deadline: the job drops each one for want of time
        WebGateway gateway = gateway("it-quality", builder -> builder.deadlineMs(1));
        GatewayApi api = new GatewayApi(gateway.uri());
        CreatedSession session = api.createSession();
        SocketClient camera = camera(api, session.cameraToken());

        long seq = 0;
        long end = System.nanoTime() + Duration.ofSeconds(4).toNanos();
        while (System.nanoTime() < end) {
            camera.sendText(landmarkMetadata(++seq));
            Thread.sleep(33);
        }
        camera.await(m -> m.type().equals("quality") && m.json.get("fps").asDouble() <= 20, ANSWER_TIMEOUT,
                "a second step down");

        List<SocketClient.Message> changes = camera.messages().stream().filter(m -> m.type().equals("quality")).toList();
        assertThat(changes).extracting(m -> m.json.get("fps").asDouble()).startsWith(24.0, 20.0).isSortedAccordingTo(
                Comparator.reverseOrder());
        assertThat(changes).allSatisfy(m -> assertThat(m.json.get("reason").asText())
                .endsWith("% of frames on time over the last second"));
        JsonNode stats = api.stats(session);
        assertThat(stats.path("dropsByReason").path("LATE_ON_ARRIVAL").asLong()
                + stats.path("dropsByReason").path("DEADLINE_EXCEEDED").asLong()).isPositive();
        assertThat(stats.path("askedQuality").path("fps").asDouble())
                .isEqualTo(changes.get(changes.size() - 1).json.get("fps").asDouble());
    }

    @Test
    void servesThePagesTheApiAndTheSocketsOverTlsAndNothingInPlainText(@TempDir Path dir) throws Exception {
        SelfSignedTls certificate = SelfSignedTls.create(dir, "EC");
        WebGateway gateway = gateway("it-tls", builder -> builder.tls(certificate.certificate, certificate.key));
        assertThat(gateway.uri().getScheme()).isEqualTo("https");
        GatewayApi api = new GatewayApi(gateway.uri(), certificate.clientContext());

        HttpResponse<String> page = HttpClient.newBuilder().sslContext(certificate.clientContext()).build().send(
                HttpRequest.newBuilder(gateway.uri().resolve("/stream.html")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        CreatedSession session = api.createSession();
        assertThat(session.body().get("cameraUrl").asText()).startsWith("https://localhost:" + gateway.port() + "/");

        org.eclipse.jetty.client.HttpClient tlsHttp =
                new org.eclipse.jetty.client.HttpClient(new HttpClientTransportDynamic(clientConnector(certificate)));
        WebSocketClient wss = new WebSocketClient(tlsHttp);
        wss.start();
        try {
            SocketClient camera = SocketClient.open(wss, api.socket(WebGateway.CAMERA_PATH, session.cameraToken()), null);
            camera.sendText("{\"seq\": 1}");
            SocketClient.Message refused = camera.await(m -> m.type().equals("refused"), ANSWER_TIMEOUT,
                    "the refusal of a malformed frame, over WSS");
            assertThat(refused.json.get("reason").asText()).isEqualTo("METADATA");
            camera.close();
        } finally {
            wss.stop();
        }

        URI plain = URI.create("http://localhost:" + gateway.port() + "/stream.html");
        assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(plain).build(),
                HttpResponse.BodyHandlers.ofString())).as("plain HTTP on the TLS port").isInstanceOf(IOException.class);
    }

    private static ClientConnector clientConnector(SelfSignedTls certificate) {
        ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(certificate.jettyClient());
        return connector;
    }

    /** The gateway's Prometheus endpoint: each sample's name with its labels, and its value. */
    private static Map<String, Double> scrape(WebGateway gateway) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gateway.metricsPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        Map<String, Double> samples = new HashMap<>();
        for (String line : response.body().split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int space = line.lastIndexOf(' ');
                samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
        }
        return samples;
    }

    @Test
    void keepsQuietSocketsOpenPastTheIdleTimeout() throws Exception {
        WebGateway gateway = gateway("it-quiet", builder -> builder.idleTimeout(Duration.ofSeconds(1)));
        GatewayApi api = new GatewayApi(gateway.uri());
        CreatedSession session = api.createSession();
        SocketClient camera = camera(api, session.cameraToken());
        SocketClient viewer = SocketClient.open(sockets, api.socket(WebGateway.VIEWER_PATH, session.viewToken()), null);
        open.add(viewer);

        // no frame either way for four idle timeouts: a viewer waiting for a paused camera
        Thread.sleep(4_000);

        assertThat(viewer.isOpen()).as("the viewer, answered by pings").isTrue();
        assertThat(camera.isOpen()).as("the paused camera").isTrue();
    }

    @Test
    void limitsSessionCreationPerClientAddress() throws Exception {
        WebGateway gateway = gateway("it-limit", builder -> builder.sessionsPerMinutePerClient(3));
        GatewayApi api = new GatewayApi(gateway.uri());
        for (int i = 0; i < 3; i++) {
            api.createSession();
        }
        GatewayApi.Reply refused = api.post("/api/sessions");
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.body().get("error").asText()).startsWith("more than 3 sessions a minute from ");
        // a client cannot name another address to escape its limit
        assertThat(api.postForwardedFor("/api/sessions", "198.51.100.7").status()).isEqualTo(429);
    }

    @Test
    void behindAProxyThatItTrustsLimitsEachForwardedClientOnItsOwn() throws Exception {
        WebGateway gateway = gateway("it-proxied", builder -> builder.sessionsPerMinutePerClient(2)
                .trustForwardedHeaders(true));
        GatewayApi api = new GatewayApi(gateway.uri());
        for (int i = 0; i < 2; i++) {
            assertThat(api.postForwardedFor("/api/sessions", "198.51.100.7").status()).isEqualTo(201);
        }
        GatewayApi.Reply refused = api.postForwardedFor("/api/sessions", "198.51.100.7");
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.body().get("error").asText()).isEqualTo("more than 2 sessions a minute from 198.51.100.7");
        assertThat(api.postForwardedFor("/api/sessions", "203.0.113.9").status())
                .as("another client behind the same proxy").isEqualTo(201);
    }

    private static byte[] randomKey() {
        byte[] bytes = new byte[TokenKey.MIN_BYTES];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    private void assertRefused(GatewayApi api, String token, String reason) throws Exception {
        SocketClient socket = SocketClient.open(sockets, api.socket(WebGateway.CAMERA_PATH, token), null);
        open.add(socket);
        assertThat(socket.awaitClose(Duration.ofSeconds(10))).as("close code for: %s", reason)
                .isEqualTo(StatusCode.POLICY_VIOLATION);
        assertThat(socket.closeReason()).isEqualTo(reason);
    }

    private void assertThatUpgradeFails(URI uri, String origin) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SocketClient.open(sockets, uri, origin))
                .hasMessageContaining("403");
    }

    private static void assertFaceFound(SocketClient.Message annotated, double[] faceBox) {
        JsonNode detections = annotated.json.get("detections");
        assertThat(detections).as("detections of frame %d", annotated.seq()).isNotEmpty();
        JsonNode box = detections.get(0).get("box");
        double[] found = {box.get(0).asDouble(), box.get(1).asDouble(), box.get(2).asDouble(), box.get(3).asDouble()};
        assertThat(FaceFrames.iou(found, faceBox)).as("IoU of frame %d's face", annotated.seq())
                .isGreaterThanOrEqualTo(MIN_IOU);
        assertThat(annotated.binary).as("annotated JPEG").startsWith((byte) 0xFF, (byte) 0xD8);
    }

    /** The glasses sit on the bridge of the nose: inside the face box. */
    private static void assertAnchorsOnTheFace(SocketClient camera, long seq, double[] faceBox) throws Exception {
        SocketClient.Message coordinates = camera.await(m -> m.seq() == seq && m.type().equals("coordinates"),
                ANSWER_TIMEOUT, "coordinates of frame " + seq);
        JsonNode bridge = coordinates.json.path("anchors").path("glasses_bridge");
        assertThat(bridge.get(0).asDouble()).as("bridge x of frame %d", seq).isBetween(faceBox[0], faceBox[2]);
        assertThat(bridge.get(1).asDouble()).as("bridge y of frame %d", seq).isBetween(faceBox[1], faceBox[3]);
    }

    /** The photo at 0.9 to 1.4 times its size, placed so that the whole face is in the frame. */
    private static FaceFrames.Shot randomShot(Random random) {
        double scale = 0.9 + 0.5 * random.nextDouble();
        double dx = -183 * scale + 20 + random.nextDouble() * (640 - 40 - 85 * scale);
        double dy = -82 * scale + 20 + random.nextDouble() * (480 - 40 - 95 * scale);
        return FaceFrames.shot(scale, dx, dy);
    }

    private static Set<String> keysIn(String replyTo) {
        Set<String> keys = new HashSet<>();
        for (String suffix : List.of(ReplyReader.COORDINATES_SUFFIX, ReplyReader.ANNOTATED_SUFFIX,
                ReplyReader.DROPPED_SUFFIX)) {
            keys.addAll(keys(replyTo + suffix));
        }
        return keys;
    }

    /** Every record key in {@code topic}, read from the beginning to its end now. */
    private static Set<String> keys(String topic) {
        Set<String> keys = new HashSet<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, CLUSTER.bootstrapServers()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            // polled on this thread: a KafkaConsumer has a single owner
            await(topic + " read to its end").atMost(Duration.ofSeconds(30)).pollInSameThread()
                    .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                    .until(() -> {
                        if (partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p))) {
                            return true;
                        }
                        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                            keys.add(record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8));
                        }
                        return false;
                    });
        }
        return keys;
    }
}
