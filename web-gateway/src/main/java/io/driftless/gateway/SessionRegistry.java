package io.driftless.gateway;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/** The sessions this instance has sockets for; a session leaves when its last socket closes. */
final class SessionRegistry {

    private final ConcurrentMap<String, SessionHub> sessions = new ConcurrentHashMap<>();
    private final int maxSessionFps;
    private final int deadlineMs;
    private final AnswerMessages messages;
    private final LongSupplier nanoTime;
    private final GatewayMetrics metrics;

    SessionRegistry(int maxSessionFps, int deadlineMs, AnswerMessages messages, LongSupplier nanoTime) {
        this.maxSessionFps = maxSessionFps;
        this.deadlineMs = deadlineMs;
        this.messages = messages;
        this.nanoTime = nanoTime;
        this.metrics = new GatewayMetrics(this::cameras, this::viewers);
    }

    /** The instance's metrics, which count what its sessions do. */
    GatewayMetrics metrics() {
        return metrics;
    }

    /**
     * Joins {@code socket} to the session, under the registry's lock so that the session cannot
     * be forgotten in between.
     *
     * @return the session, or null when {@code attach} refused the socket
     */
    SessionHub join(String sessionId, Predicate<SessionHub> attach) {
        SessionHub[] joined = new SessionHub[1];
        sessions.compute(sessionId, (id, current) -> {
            SessionHub hub = current != null ? current : new SessionHub(id, maxSessionFps, deadlineMs, messages,
                    metrics, nanoTime.getAsLong());
            if (attach.test(hub)) {
                joined[0] = hub;
            }
            return hub.idle() ? null : hub;
        });
        return joined[0];
    }

    /** Forgets the session once nobody is connected to it. */
    void leave(SessionHub hub) {
        sessions.computeIfPresent(hub.sessionId, (id, current) -> current == hub && hub.idle() ? null : current);
    }

    /** Pings every socket of every session connected here. */
    void pingAll() {
        sessions.values().forEach(SessionHub::ping);
    }

    /** Camera sockets connected here now. */
    int cameras() {
        return (int) sessions.values().stream().filter(SessionHub::cameraConnected).count();
    }

    /** Viewer sockets connected here now. */
    int viewers() {
        return sessions.values().stream().mapToInt(SessionHub::viewerCount).sum();
    }

    /** The session, or null when no socket of it is connected here. */
    SessionHub find(String sessionId) {
        return sessions.get(sessionId);
    }
}
