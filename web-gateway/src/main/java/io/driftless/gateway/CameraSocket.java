package io.driftless.gateway;

import com.google.protobuf.ByteString;
import io.driftless.log.ThrottledLog;
import io.driftless.proto.Frame;
import io.driftless.proto.Image;
import io.driftless.proto.KeypointScheme;
import io.driftless.proto.Landmarks;
import io.driftless.proto.Point;
import java.nio.ByteBuffer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The camera socket of one session: metadata and frames in, the session's answers out. A socket
 * whose token was refused is closed at once with the reason (1008), which a browser can read
 * where it cannot read a refused upgrade's body.
 *
 * <p>Public only because Jetty invokes its listener methods by reflection.
 */
public final class CameraSocket implements Session.Listener.AutoDemanding {

    private static final Logger LOG = LoggerFactory.getLogger(CameraSocket.class);
    private static final ThrottledLog REFUSED = new ThrottledLog(LOG, 10_000);

    private final GatewayContext gateway;
    private final String sessionId;
    private final String refusal;
    private Session socket;
    private SessionHub hub;
    /** The metadata of the JPEG the next binary message carries. */
    private CameraMetadata awaitingImage;

    private CameraSocket(GatewayContext gateway, String sessionId, String refusal) {
        this.gateway = gateway;
        this.sessionId = sessionId;
        this.refusal = refusal;
    }

    static CameraSocket accepted(GatewayContext gateway, String sessionId) {
        return new CameraSocket(gateway, sessionId, null);
    }

    static CameraSocket refused(GatewayContext gateway, String reason) {
        return new CameraSocket(gateway, null, reason);
    }

    @Override
    public void onWebSocketOpen(Session session) {
        this.socket = session;
        if (refusal != null) {
            session.close(StatusCode.POLICY_VIOLATION, refusal, Callback.NOOP);
            return;
        }
        hub = gateway.sessions().join(sessionId, h -> h.attachCamera(session));
        if (hub == null) {
            session.close(StatusCode.POLICY_VIOLATION, "this session already has a camera connected", Callback.NOOP);
        }
    }

    @Override
    public void onWebSocketText(String text) {
        if (hub == null) {
            return;
        }
        if (awaitingImage != null) {
            refuseMalformed(awaitingImage.seq(), "metadata came where the JPEG of frame " + awaitingImage.seq()
                    + " was expected");
            awaitingImage = null;
        }
        CameraMetadata frame;
        try {
            frame = CameraMetadata.parse(gateway.json(), text);
        } catch (CameraMetadata.MalformedException e) {
            refuseMalformed(0, e.getMessage());
            return;
        }
        if (frame.kind() == CameraMetadata.Kind.JPEG) {
            awaitingImage = frame;
            return;
        }
        Landmarks.Builder landmarks = Landmarks.newBuilder()
                .setScheme(KeypointScheme.BLAZEFACE_SIX)
                .setImageWidth(frame.width())
                .setImageHeight(frame.height())
                .setFocalLengthPx(frame.focalLengthPx());
        float[] xy = frame.keypoints();
        for (int i = 0; i < 6; i++) {
            landmarks.addKeypoints(Point.newBuilder().setX(xy[2 * i]).setY(xy[2 * i + 1]));
        }
        publish(frame, frameOf(frame).setLandmarks(landmarks));
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        CameraMetadata frame = awaitingImage;
        awaitingImage = null;
        if (hub == null) {
            callback.succeed();
            return;
        }
        if (frame == null) {
            callback.succeed();
            refuseMalformed(0, "a binary message must follow its frame's JSON metadata (kind \"jpeg\")");
            return;
        }
        ByteString jpeg = ByteString.copyFrom(payload);
        callback.succeed();
        Image.Builder image = Image.newBuilder()
                .setJpeg(jpeg)
                .setWidth(frame.width())
                .setHeight(frame.height());
        if (frame.model() != null) {
            image.setModel(frame.model());
        }
        publish(frame, frameOf(frame).setImage(image));
    }

    private Frame.Builder frameOf(CameraMetadata frame) {
        return Frame.newBuilder()
                .setSessionId(sessionId)
                .setSequence(frame.seq())
                .setCaptureTimeUs(frame.captureTimeUs())
                .setSendTimeUs(frame.sendTimeUs())
                .setDeadlineMs(gateway.config().deadlineMs)
                .setReplyTo(gateway.config().replyTo());
    }

    private void publish(CameraMetadata metadata, Frame.Builder frame) {
        long now = gateway.nanoTime().getAsLong();
        if (!hub.admit(metadata, now)) {
            refuse(metadata.seq(), "RATE", "more than " + gateway.config().maxSessionFps
                    + " frames per second; lower the frame rate");
            return;
        }
        hub.sent(metadata.seq(), metadata.kind(), now);
        gateway.frames().publish(frame.build(), e -> refuse(metadata.seq(), "KAFKA",
                "the gateway could not hand the frame to Kafka: " + e.getMessage()));
    }

    private void refuse(long seq, String reason, String detail) {
        REFUSED.warn("refusing frame {} of session {}: {} ({})", seq, sessionId, reason, detail);
        hub.refuse(seq, reason, detail);
    }

    private void refuseMalformed(long seq, String detail) {
        REFUSED.warn("refusing frame {} of session {}: METADATA ({})", seq, sessionId, detail);
        hub.refuseMalformed(seq, detail, gateway.nanoTime().getAsLong());
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        if (hub != null) {
            hub.detachCamera(socket);
            gateway.sessions().leave(hub);
        }
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        LOG.debug("camera socket of session {} failed", sessionId, cause);
    }
}
