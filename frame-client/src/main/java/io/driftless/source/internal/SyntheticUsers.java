package io.driftless.source.internal;

import io.driftless.inference.pose.FaceGeometry;
import io.driftless.inference.pose.HeadPose;
import io.driftless.inference.pose.PinholeCamera;
import io.driftless.proto.Frame;
import io.driftless.proto.Image;
import io.driftless.proto.KeypointScheme;
import io.driftless.proto.Landmarks;
import io.driftless.proto.Point;
import io.driftless.source.HeadMotion;
import io.driftless.source.SyntheticConfig;
import java.util.SplittableRandom;

/**
 * The simulated users of a run: each has its head motion, its clock skew and its keypoint noise,
 * all from generators seeded per (seed, user), and sends landmarks or JPEG frames. Used by the
 * sender thread only.
 */
public final class SyntheticUsers {

    private final SessionIds sessions;
    private final PinholeCamera camera;
    private final int deadlineMs;
    private final double noisePx;
    /** The image model the JPEG frames ask for; empty for the job's first. */
    private final String imageModel;
    private final HeadMotion[] motions;
    private final SplittableRandom[] noise;
    private final long[] skewMicros;

    public SyntheticUsers(SyntheticConfig config, SessionIds sessions) {
        this.sessions = sessions;
        this.camera = config.camera();
        this.deadlineMs = config.frames().deadlineMs();
        this.noisePx = config.noisePx();
        this.imageModel = config.frames().imageModel();
        int users = sessions.users();
        this.motions = new HeadMotion[users];
        this.noise = new SplittableRandom[users];
        this.skewMicros = new long[users];
        long maxSkew = config.maxClockSkew().toNanos() / 1_000;
        for (int user = 0; user < users; user++) {
            motions[user] = HeadMotion.forUser(config.seed(), user, camera, config.motion());
            noise[user] = Seeds.forUser(config.seed(), user, Seeds.NOISE);
            skewMicros[user] = maxSkew == 0 ? 0
                    : Seeds.forUser(config.seed(), user, Seeds.CLOCK).nextLong(-maxSkew, maxSkew + 1);
        }
    }

    /** The user's true head pose {@code seconds} after the start. */
    public HeadPose truth(int user, double seconds) {
        return motions[user].at(seconds);
    }

    /** How far the user's clock is off, in microseconds. */
    public long skewMicros(int user) {
        return skewMicros[user];
    }

    /**
     * The frame the user's camera client sends: the true pose projected, plus noise, stamped on
     * the user's own (skewed) clock.
     */
    public Frame frame(int user, long sequence, HeadPose truth, long captureMicros,
            long sendMicros) {
        float[] xy = FaceGeometry.projectKeypoints(truth, camera);
        Landmarks.Builder landmarks = Landmarks.newBuilder()
                .setScheme(KeypointScheme.BLAZEFACE_SIX)
                .setImageWidth(camera.width())
                .setImageHeight(camera.height())
                .setFocalLengthPx((float) camera.focalPx());
        SplittableRandom random = noise[user];
        for (int i = 0; i < xy.length; i += 2) {
            landmarks.addKeypoints(Point.newBuilder()
                    .setX((float) (xy[i] + noisePx * random.nextGaussian()))
                    .setY((float) (xy[i + 1] + noisePx * random.nextGaussian())));
        }
        return stamped(user, sequence, captureMicros, sendMicros).setLandmarks(landmarks).build();
    }

    /** The frame the user's camera client sends as a JPEG, stamped on the user's own clock. */
    public Frame frame(int user, long sequence, Image image, long captureMicros, long sendMicros) {
        Frame.Builder frame = stamped(user, sequence, captureMicros, sendMicros).setImage(image);
        if (!imageModel.isEmpty()) {
            frame.getImageBuilder().setModel(imageModel);
        }
        return frame.build();
    }

    /** The user's frame without its payload: session, sequence, budget and stamps on its clock. */
    private Frame.Builder stamped(int user, long sequence, long captureMicros, long sendMicros) {
        return Frame.newBuilder()
                .setSessionId(sessions.sessionId(user))
                .setSequence(sequence)
                .setCaptureTimeUs(captureMicros + skewMicros[user])
                .setSendTimeUs(sendMicros + skewMicros[user])
                .setDeadlineMs(deadlineMs);
    }
}
