package io.driftless.local.testutils;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.driftless.gateway.WebGateway;
import io.driftless.inference.pose.FaceGeometry;
import io.driftless.inference.pose.HeadPose;
import io.driftless.inference.pose.PinholeCamera;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the streamer page does, with the JDK's HTTP and WebSocket clients: creates a session on a
 * web gateway, opens its camera socket and a viewer socket, and sends a frontal face's six
 * keypoints as landmark frames at a steady rate until closed.
 */
public final class GatewayCamera implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int WIDTH = 640;
    private static final int HEIGHT = 480;

    private final WebSocket camera;
    private final WebSocket viewer;
    private final ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gateway-camera");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong seq = new AtomicLong();
    private final String keypoints;
    private final double focalPx;

    private GatewayCamera(WebSocket camera, WebSocket viewer) {
        this.camera = camera;
        this.viewer = viewer;
        PinholeCamera lens = PinholeCamera.withHorizontalFov(WIDTH, HEIGHT, PinholeCamera.DEFAULT_HORIZONTAL_FOV_DEG);
        float[] xy = FaceGeometry.projectKeypoints(new HeadPose(0, 0, 0, 0, 0, 0.5), lens);
        ArrayNode points = JSON.createArrayNode();
        for (int i = 0; i < xy.length; i += 2) {
            points.addArray().add(xy[i]).add(xy[i + 1]);
        }
        this.keypoints = points.toString();
        this.focalPx = lens.focalPx();
    }

    /** Creates a session on {@code gateway} and streams {@code fps} landmark frames a second to it. */
    public static GatewayCamera start(WebGateway gateway, int fps) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(gateway.uri().resolve("/api/sessions"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("session not created: " + created.statusCode() + " " + created.body());
        }
        JsonNode session = JSON.readTree(created.body());
        // the listener's defaults take each answer and ask for the next
        WebSocket.Listener answers = new WebSocket.Listener() {};
        WebSocket camera = http.newWebSocketBuilder()
                .buildAsync(socketUri(gateway, WebGateway.CAMERA_PATH, session.get("cameraToken").asText()), answers)
                .get(10, TimeUnit.SECONDS);
        WebSocket viewer = http.newWebSocketBuilder()
                .buildAsync(socketUri(gateway, WebGateway.VIEWER_PATH, session.get("viewToken").asText()), answers)
                .get(10, TimeUnit.SECONDS);
        GatewayCamera streaming = new GatewayCamera(camera, viewer);
        streaming.pacer.scheduleAtFixedRate(streaming::sendFrame, 0, 1_000_000 / fps, TimeUnit.MICROSECONDS);
        return streaming;
    }

    private static URI socketUri(WebGateway gateway, String path, String token) {
        return URI.create("ws://" + gateway.uri().getAuthority() + path + "?token=" + token);
    }

    private void sendFrame() {
        long nowUs = System.currentTimeMillis() * 1000;
        ObjectNode frame = JSON.createObjectNode()
                .put("seq", seq.incrementAndGet())
                .put("captureTimeUs", nowUs)
                .put("sendTimeUs", nowUs)
                .put("width", WIDTH)
                .put("height", HEIGHT)
                .put("kind", "landmarks")
                .put("focalLengthPx", focalPx);
        frame.set("keypoints", readTree(keypoints));
        camera.sendText(frame.toString(), true).join();
    }

    private static JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Frames sent so far. */
    public long sent() {
        return seq.get();
    }

    @Override
    public void close() {
        pacer.shutdownNow();
        camera.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        viewer.sendClose(WebSocket.NORMAL_CLOSURE, "done");
    }
}
