package io.driftless.gateway;

import io.driftless.proto.AnnotatedFrame;
import io.driftless.proto.ArCoordinates;
import io.driftless.proto.DropReason;
import io.driftless.proto.DroppedFrame;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
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
    /** What a camera that reports no capture settings is assumed to start at. */
    private static final double DEFAULT_FPS = 30;
    private static final double DEFAULT_JPEG_QUALITY = 0.8;

    final String sessionId;
    final SessionStats stats;
    private final TokenBucket rate;
    private final int maxFps;
    private final int deadlineMs;
    private final AnswerMessages messages;
    private final Set<Session> viewers = ConcurrentHashMap.newKeySet();
    private final Map<Long, Pending> pending = new LinkedHashMap<>();
    private Session camera;
    /** Set by the camera's first frame, whose settings are the top of its ladder. */
    private AdaptiveQuality quality;

    private record Pending(long receivedNanos, CameraMetadata.Kind kind) {}

    SessionHub(String sessionId, int maxFps, int deadlineMs, AnswerMessages messages, GatewayMetrics metrics,
            long nowNanos) {
        this.sessionId = sessionId;
        this.rate = new TokenBucket(maxFps, TimeUnit.SECONDS.toNanos(1), nowNanos);
        this.maxFps = maxFps;
        this.deadlineMs = deadlineMs;
        this.messages = messages;
        this.stats = new SessionStats(metrics);
    }

    /**
     * Takes the socket as this session's camera and tells it what its frames are held to.
     *
     * @return false when another camera socket streams this session already
     */
    synchronized boolean attachCamera(Session socket) {
        if (camera != null && camera.isOpen()) {
            return false;
        }
        camera = socket;
        send(socket, messages.session(deadlineMs, maxFps), null);
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
        synchronized (this) {
            if (quality == null) {
                quality = ladderFor(frame, nowNanos);
                stats.asked(quality.current());
            }
        }
        return rate.tryTake(nowNanos);
    }

    private AdaptiveQuality ladderFor(CameraMetadata frame, long nowNanos) {
        SessionStats.Quality reported = frame.quality();
        double fps = Math.min(maxFps, reported != null && reported.fps() > 0 ? reported.fps() : DEFAULT_FPS);
        if (frame.kind() == CameraMetadata.Kind.LANDMARKS) {
            return AdaptiveQuality.forLandmarks(fps, deadlineMs, nowNanos);
        }
        double jpegQuality = reported != null && reported.jpegQuality() > 0 ? reported.jpegQuality()
                : DEFAULT_JPEG_QUALITY;
        return AdaptiveQuality.forJpeg(fps, jpegQuality, deadlineMs, nowNanos);
    }

    /**
     * Feeds one frame's fate to the session's quality ladder; a change goes to the camera. A frame
     * dropped for reasons time has nothing to do with (invalid, a failed model) says nothing.
     */
    private void judge(Pending frame, boolean answered, long nowNanos) {
        Optional<AdaptiveQuality.Change> change;
        synchronized (this) {
            if (quality == null) {
                return;
            }
            change = quality.outcome(answered, (nowNanos - frame.receivedNanos) / 1e6, frame.receivedNanos, nowNanos);
            change.ifPresent(c -> stats.asked(c.setting()));
        }
        change.ifPresent(c -> sendToCamera(messages.quality(c), null));
    }

    private static boolean forWantOfTime(DropReason reason) {
        return reason == DropReason.LATE_ON_ARRIVAL || reason == DropReason.DEADLINE_EXCEEDED
                || reason == DropReason.OVERLOADED || reason == DropReason.STALE;
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
        if (frame != null && frame.kind == CameraMetadata.Kind.LANDMARKS) {
            judge(frame, true, nowNanos);
        }
    }

    void onAnnotated(AnnotatedFrame answer, long nowNanos) {
        Pending frame;
        synchronized (this) {
            frame = pending.remove(answer.getSequence());
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
        if (frame != null) {
            judge(frame, true, nowNanos);
        }
    }

    void onDropped(DroppedFrame drop, long nowNanos) {
        Pending frame;
        synchronized (this) {
            frame = pending.remove(drop.getSequence());
            if (frame != null) {
                stats.dropped(drop.getReason().name());
            }
        }
        sendToCamera(messages.dropped(drop), null);
        if (frame != null && forWantOfTime(drop.getReason())) {
            judge(frame, false, nowNanos);
        }
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
