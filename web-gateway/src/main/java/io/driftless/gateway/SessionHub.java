package io.driftless.gateway;

import io.driftless.proto.AnnotatedFrame;
import io.driftless.proto.ArCoordinates;
import io.driftless.proto.DroppedFrame;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * One session as this instance serves it: its camera socket, its viewers, the frames it sent
 * and awaits answers for, and its stats. The camera socket's threads and the reply reader call
 * in; each answer goes to the camera socket and annotated frames to every viewer.
 */
final class SessionHub {

    /** Frames awaiting answers beyond this many are forgotten, oldest first (the job answers far sooner). */
    private static final int MAX_PENDING = 1024;

    final String sessionId;
    final SessionStats stats;
    private final TokenBucket rate;
    private final AnswerMessages messages;
    private final Set<Session> viewers = ConcurrentHashMap.newKeySet();
    private final Map<Long, Pending> pending = new LinkedHashMap<>();
    private Session camera;

    private record Pending(long receivedNanos, CameraMetadata.Kind kind) {}

    SessionHub(String sessionId, int maxFps, AnswerMessages messages, GatewayMetrics metrics, long nowNanos) {
        this.sessionId = sessionId;
        this.rate = new TokenBucket(maxFps, TimeUnit.SECONDS.toNanos(1), nowNanos);
        this.messages = messages;
        this.stats = new SessionStats(metrics);
    }

    /** @return false when another camera socket streams this session already */
    synchronized boolean attachCamera(Session socket) {
        if (camera != null && camera.isOpen()) {
            return false;
        }
        camera = socket;
        return true;
    }

    synchronized void detachCamera(Session socket) {
        if (camera == socket) {
            camera = null;
        }
    }

    void addViewer(Session socket) {
        viewers.add(socket);
    }

    void removeViewer(Session socket) {
        viewers.remove(socket);
    }

    synchronized boolean idle() {
        return camera == null && viewers.isEmpty();
    }

    synchronized boolean cameraConnected() {
        return camera != null;
    }

    int viewerCount() {
        return viewers.size();
    }

    /** Counts the frame in; @return false when it comes faster than the session's cap allows. */
    boolean admit(CameraMetadata frame, long nowNanos) {
        stats.received(nowNanos, frame.quality());
        return rate.tryTake(nowNanos);
    }

    synchronized void sent(long seq, CameraMetadata.Kind kind, long nowNanos) {
        pending.put(seq, new Pending(nowNanos, kind));
        if (pending.size() > MAX_PENDING) {
            Iterator<Long> oldest = pending.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
    }

    /** A frame the gateway counted in but did not forward (or Kafka did not take): the page hears why. */
    void refuse(long seq, String reason, String detail) {
        synchronized (this) {
            pending.remove(seq);
        }
        stats.refused(reason);
        sendToCamera(messages.refused(seq, reason, detail), null);
    }

    /** A message that is no usable frame: it counts in as one, refused, so that in = answered + dropped + refused. */
    void refuseMalformed(long seq, String detail, long nowNanos) {
        stats.received(nowNanos, null);
        refuse(seq, "METADATA", detail);
    }

    void onCoordinates(ArCoordinates answer, long nowNanos) {
        Pending frame;
        synchronized (this) {
            frame = pending.get(answer.getSequence());
            // an image frame is answered by its annotated frame; these coordinates come beside it
            if (frame != null && frame.kind == CameraMetadata.Kind.LANDMARKS) {
                pending.remove(answer.getSequence());
                stats.answered(nowNanos, nowNanos - frame.receivedNanos);
            }
        }
        double rttMs = frame == null ? 0 : (nowNanos - frame.receivedNanos) / 1e6;
        sendToCamera(messages.coordinates(answer, rttMs), null);
    }

    void onAnnotated(AnnotatedFrame answer, long nowNanos) {
        synchronized (this) {
            Pending frame = pending.remove(answer.getSequence());
            if (frame != null) {
                stats.answered(nowNanos, nowNanos - frame.receivedNanos);
            }
        }
        String header = messages.annotated(answer);
        byte[] jpeg = answer.getJpeg().toByteArray();
        sendToCamera(header, jpeg);
        for (Session viewer : viewers) {
            send(viewer, header, jpeg);
        }
    }

    void onDropped(DroppedFrame drop) {
        synchronized (this) {
            if (pending.remove(drop.getSequence()) != null) {
                stats.dropped(drop.getReason().name());
            }
        }
        sendToCamera(messages.dropped(drop), null);
    }

    /** Pings the camera socket and every viewer: the peer's pong keeps a quiet socket from timing out. */
    void ping() {
        Session socket;
        synchronized (this) {
            socket = camera;
        }
        if (socket != null) {
            ping(socket);
        }
        viewers.forEach(SessionHub::ping);
    }

    private static void ping(Session socket) {
        if (socket.isOpen()) {
            synchronized (socket) {
                socket.sendPing(ByteBuffer.allocate(0), Callback.NOOP);
            }
        }
    }

    private void sendToCamera(String text, byte[] binary) {
        Session socket;
        synchronized (this) {
            socket = camera;
        }
        if (socket != null) {
            send(socket, text, binary);
        }
    }

    /** A text message and, when given, the binary that belongs to it, back to back on one socket. */
    private static void send(Session socket, String text, byte[] binary) {
        if (!socket.isOpen()) {
            return;
        }
        // per socket, so that the pair is never split by another answer to the same socket
        synchronized (socket) {
            socket.sendText(text, Callback.NOOP);
            if (binary != null) {
                socket.sendBinary(ByteBuffer.wrap(binary), Callback.NOOP);
            }
        }
    }
}
