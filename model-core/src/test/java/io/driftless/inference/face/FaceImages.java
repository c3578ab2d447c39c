package io.driftless.inference.face;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Random;
import javax.imageio.ImageIO;

/** Test images: the shipped face photo, transformed copies of it, and images without a face. */
final class FaceImages {

    /** NASA's public-domain portrait of astronaut Eileen Collins (scikit-image's {@code astronaut}), 512 x 512. */
    static final String ASTRONAUT = "/faces/astronaut.jpg";

    private FaceImages() {}

    static BufferedImage astronaut() {
        try (InputStream in = FaceImages.class.getResourceAsStream(ASTRONAUT)) {
            if (in == null) {
                throw new IllegalStateException(ASTRONAUT + " is not on the test classpath");
            }
            return ImageIO.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code source} drawn through {@code transform} onto a grey canvas of the given size. */
    static BufferedImage transformed(BufferedImage source, AffineTransform transform, int width, int height) {
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(new Color(128, 128, 128));
        g.fillRect(0, 0, width, height);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.drawImage(source, transform, null);
        g.dispose();
        return out;
    }

    static BufferedImage flat(int width, int height, Color color) {
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, width, height);
        g.dispose();
        return out;
    }

    static BufferedImage noise(int width, int height, long seed) {
        Random random = new Random(seed);
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                out.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        return out;
    }

    static RgbImage rgb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        return RgbImage.fromPackedRgb(w, h, image.getRGB(0, 0, w, h, null, 0, w));
    }
}
