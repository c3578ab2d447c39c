package io.driftless.source;

import com.google.protobuf.ByteString;
import io.driftless.inference.face.RgbImage;
import io.driftless.inference.image.JpegCodec;
import io.driftless.inference.image.JpegLimits;
import io.driftless.proto.Image;
import io.driftless.source.internal.Seeds;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * The JPEG frames synthetic camera users send, encoded before sending starts so that the pacing
 * loop only stamps and sends. Each user sees the photo at a seeded zoom and framing of its own
 * and cycles through a short ring of frames in which the photo drifts a few pixels, so the job
 * decodes different bytes from user to user and from frame to frame.
 *
 * <pre>{@code
 * SyntheticJpegFrames frames = SyntheticJpegFrames.encode(config);   // before the run
 * frame.setImage(frames.image(user, sequence));                       // per frame, no encoding
 * }</pre>
 *
 * <p>Memory stays bounded whatever the number of users: at most {@value #MAX_PLACEMENTS}
 * framings are encoded, and users beyond that share them (user {@code u} sees framing
 * {@code u % MAX_PLACEMENTS}). Immutable once built; any thread may read it.
 */
public final class SyntheticJpegFrames {

    /** Frames per user before its ring repeats. */
    public static final int RING = 4;
    /** Distinct framings at most; about 40 KB a frame at 640 x 480, quality 80. */
    public static final int MAX_PLACEMENTS = 256;
    /** The photo sent when none is named: NASA's public-domain portrait of Eileen Collins, 512 x 512. */
    public static final String BUNDLED_PHOTO = "astronaut.jpg";

    /** The seed purpose of framings, beside {@link Seeds}'s own. */
    private static final int FRAMING = 16;
    /** How far the photo drifts around the ring, as a share of the frame's width. */
    private static final double DRIFT = 0.012;
    /** The most a user zooms in beyond the zoom at which the photo just covers the frame. */
    private static final double MAX_EXTRA_ZOOM = 0.2;

    private final Image[][] frames;

    private SyntheticJpegFrames(Image[][] frames) {
        this.frames = frames;
    }

    /** The frames for a run's users, of the photo, size and quality the config names. */
    public static SyntheticJpegFrames encode(SyntheticConfig config) {
        BufferedImage photo = config.image().map(SyntheticJpegFrames::read).orElseGet(SyntheticJpegFrames::bundled);
        return encode(photo, config.users(), config.imageWidth(), config.imageHeight(),
                config.frames().jpegQuality(), config.seed());
    }

    /**
     * The frames of {@code users} users, each {@code width x height}.
     *
     * @param quality JPEG quality, 1 to 100
     */
    public static SyntheticJpegFrames encode(BufferedImage photo, int users, int width, int height, int quality,
            long seed) {
        if (users < 1) {
            throw new IllegalArgumentException("users must be at least 1, got " + users);
        }
        if (quality < 1 || quality > 100) {
            throw new IllegalArgumentException("quality must be between 1 and 100, got " + quality);
        }
        JpegCodec codec = new JpegCodec(JpegLimits.DEFAULTS);
        BufferedImage canvas = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] pixels = new int[width * height];
        Image[][] frames = new Image[Math.min(users, MAX_PLACEMENTS)][RING];
        for (int placement = 0; placement < frames.length; placement++) {
            SplittableRandom random = Seeds.forUser(seed, placement, FRAMING);
            // the zoom at which the photo just covers the frame, then a little closer
            double scale = Math.max((double) width / photo.getWidth(), (double) height / photo.getHeight())
                    * (1 + MAX_EXTRA_ZOOM * random.nextDouble());
            double slackX = photo.getWidth() * scale - width;
            double slackY = photo.getHeight() * scale - height;
            // centred across, towards the top (where portraits have the face), per user a little off
            double x = -slackX * (0.5 + 0.4 * (random.nextDouble() - 0.5));
            double y = -slackY * 0.3 * random.nextDouble();
            Color background = new Color(random.nextInt(96, 160), random.nextInt(96, 160), random.nextInt(96, 160));
            for (int i = 0; i < RING; i++) {
                double angle = 2 * Math.PI * i / RING;
                double dx = DRIFT * width * Math.cos(angle);
                double dy = DRIFT * width * Math.sin(angle);
                draw(photo, canvas, background, x + dx, y + dy, scale);
                canvas.getRGB(0, 0, width, height, pixels, 0, width);
                byte[] jpeg = codec.encode(RgbImage.fromPackedRgb(width, height, pixels), quality);
                frames[placement][i] = Image.newBuilder()
                        .setJpeg(ByteString.copyFrom(jpeg))
                        .setWidth(width)
                        .setHeight(height)
                        .build();
            }
        }
        return new SyntheticJpegFrames(frames);
    }

    /** The image user {@code user} sends as frame {@code sequence} (sequences from 1). */
    public Image image(int user, long sequence) {
        Image[] ring = frames[user % frames.length];
        return ring[(int) Math.floorMod(sequence - 1, (long) RING)];
    }

    /** The encoded bytes of every distinct frame, for the floor measurements that decode them. */
    public byte[][] distinctJpegs() {
        byte[][] all = new byte[frames.length * RING][];
        for (int p = 0; p < frames.length; p++) {
            for (int i = 0; i < RING; i++) {
                all[p * RING + i] = frames[p][i].getJpeg().toByteArray();
            }
        }
        return all;
    }

    /** The photo shipped with frame-source. */
    public static BufferedImage bundled() {
        try (InputStream in = SyntheticJpegFrames.class.getResourceAsStream(BUNDLED_PHOTO)) {
            if (in == null) {
                throw new FrameSourceException("the bundled photo " + BUNDLED_PHOTO + " is missing from the"
                        + " classpath: rebuild frame-source, or name a photo with --image");
            }
            return ImageIO.read(in);
        } catch (IOException e) {
            throw new FrameSourceException("cannot read the bundled photo " + BUNDLED_PHOTO + ": " + e.getMessage(),
                    e);
        }
    }

    private static BufferedImage read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            BufferedImage photo = ImageIO.read(in);
            if (photo == null) {
                throw new FrameSourceException("image '" + file + "' is not a JPEG, PNG, GIF or BMP this JVM can"
                        + " read: name a photo with a face in one of those formats");
            }
            return photo;
        } catch (IOException e) {
            throw new FrameSourceException("cannot read image '" + file + "': " + e.getMessage(), e);
        }
    }

    private static void draw(BufferedImage photo, BufferedImage canvas, Color background, double x, double y,
            double scale) {
        Graphics2D g = canvas.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setColor(background);
            g.fillRect(0, 0, canvas.getWidth(), canvas.getHeight());
            g.drawImage(photo, (int) Math.round(x), (int) Math.round(y),
                    (int) Math.round(photo.getWidth() * scale), (int) Math.round(photo.getHeight() * scale), null);
        } finally {
            g.dispose();
        }
    }
}
