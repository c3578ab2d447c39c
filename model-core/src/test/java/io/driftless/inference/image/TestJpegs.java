package io.driftless.inference.image;

import io.driftless.inference.face.RgbImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** JPEGs for the tests, made by the JDK's own encoder so that they do not come from the codec under test. */
final class TestJpegs {

    /** NASA's public-domain portrait of astronaut Eileen Collins, 512 x 512, shared with the face tests. */
    static final String ASTRONAUT = "/faces/astronaut.jpg";

    private TestJpegs() {}

    static byte[] astronaut() {
        try (InputStream in = TestJpegs.class.getResourceAsStream(ASTRONAUT)) {
            if (in == null) {
                throw new IllegalStateException(ASTRONAUT + " is not on the test classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A smooth colour image: red rises left to right, green top to bottom, blue is constant, so
     * that a decoded copy can be compared pixel by pixel within JPEG's loss.
     */
    static BufferedImage gradient(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, gradientPixel(x, y, width, height));
            }
        }
        return image;
    }

    static int gradientPixel(int x, int y, int width, int height) {
        int r = 255 * x / Math.max(1, width - 1);
        int g = 255 * y / Math.max(1, height - 1);
        return r << 16 | g << 8 | 96;
    }

    static BufferedImage grayGradient(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int v = 255 * x / Math.max(1, width - 1);
                image.getRaster().setSample(x, y, 0, v);
            }
        }
        return image;
    }

    static byte[] jpeg(BufferedImage image, float quality, boolean progressive) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            if (progressive) {
                param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            } else {
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(quality);
            }
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    static byte[] jpeg(BufferedImage image) {
        return jpeg(image, 0.9f, false);
    }

    static RgbImage rgb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        return RgbImage.fromPackedRgb(w, h, image.getRGB(0, 0, w, h, null, 0, w));
    }

    static BufferedImage decodeWithImageIo(byte[] jpeg) {
        try {
            return ImageIO.read(new java.io.ByteArrayInputStream(jpeg));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The start of a JPEG whose frame header declares {@code width x height} with {@code
     * components} components, followed by nothing else: enough for the header parser, and what an
     * attacker would send to make a decoder allocate for a size it never fills.
     */
    static byte[] frameHeaderOnly(int marker, int precision, int width, int height, int components) {
        int length = 8 + 3 * components;
        byte[] jpeg = new byte[4 + 2 + length + 2];
        int at = 0;
        jpeg[at++] = (byte) 0xFF;
        jpeg[at++] = (byte) 0xD8;
        jpeg[at++] = (byte) 0xFF;
        jpeg[at++] = (byte) marker;
        jpeg[at++] = (byte) (length >> 8);
        jpeg[at++] = (byte) length;
        jpeg[at++] = (byte) precision;
        jpeg[at++] = (byte) (height >> 8);
        jpeg[at++] = (byte) height;
        jpeg[at++] = (byte) (width >> 8);
        jpeg[at++] = (byte) width;
        jpeg[at++] = (byte) components;
        for (int c = 0; c < components; c++) {
            jpeg[at++] = (byte) (c + 1);
            jpeg[at++] = 0x11;
            jpeg[at++] = 0;
        }
        jpeg[at++] = (byte) 0xFF;
        jpeg[at] = (byte) 0xD9;
        return jpeg;
    }

    /** {@code jpeg} with its first frame header's width and height replaced. */
    static byte[] withDeclaredSize(byte[] jpeg, int width, int height) {
        byte[] forged = jpeg.clone();
        int sof = frameHeaderAt(forged);
        forged[sof + 5] = (byte) (height >> 8);
        forged[sof + 6] = (byte) height;
        forged[sof + 7] = (byte) (width >> 8);
        forged[sof + 8] = (byte) width;
        return forged;
    }

    /** Where the first SOF0/SOF2 marker starts. */
    static int frameHeaderAt(byte[] jpeg) {
        for (int i = 2; i + 1 < jpeg.length; i++) {
            if ((jpeg[i] & 0xFF) == 0xFF && ((jpeg[i + 1] & 0xFF) == 0xC0 || (jpeg[i + 1] & 0xFF) == 0xC2)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no SOF0 or SOF2 marker");
    }
}
