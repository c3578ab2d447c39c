package io.driftless.gateway;

import java.nio.ByteBuffer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;

/**
 * A viewer of one session: gets its annotated frames (a JSON {@code annotated} message, then the
 * JPEG), sends nothing. Anything it sends closes it: a view token cannot stream.
 *
 * <p>Public only because Jetty invokes its listener methods by reflection.
 */
public final class ViewerSocket implements Session.Listener.AutoDemanding {

    private final GatewayContext gateway;
    private final String sessionId;
    private final String refusal;
    private Session socket;
    private SessionHub hub;

    ViewerSocket(GatewayContext gateway, String sessionId, String refusal) {
        this.gateway = gateway;
        this.sessionId = sessionId;
        this.refusal = refusal;
    }

    @Override
    public void onWebSocketOpen(Session session) {
        this.socket = session;
        if (refusal != null) {
            session.close(StatusCode.POLICY_VIOLATION, refusal, Callback.NOOP);
            return;
        }
        hub = gateway.sessions().join(sessionId, h -> {
            h.addViewer(session);
            return true;
        });
    }

    @Override
    public void onWebSocketText(String message) {
        socket.close(StatusCode.POLICY_VIOLATION, "a viewer cannot stream: open the camera socket with a camera token",
                Callback.NOOP);
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        callback.succeed();
        onWebSocketText("");
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        if (hub != null) {
            hub.removeViewer(socket);
            gateway.sessions().leave(hub);
        }
    }
}
