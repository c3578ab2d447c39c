package io.driftless.inference.image;

import io.driftless.inference.face.RgbImage;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * {@link JpegCodec} against the JDK's ImageIO on a 640 x 480 camera-like frame (the face photo
 * scaled up) at quality 80, one thread: decode to RGB bytes, encode from RGB bytes, and the codec's
 * resize from 1280 x 960. Prints p50 and p99 per operation and ImageIO's time over the codec's.
 * Not a test: run it by hand on a quiet machine, from the repository root:
 *
 * <pre>
 * mvn -B -q -pl model-core -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
 * java -cp model-core/target/test-classes:model-core/target/classes:$(cat model-core/target/test-classpath.txt) \
 *     io.driftless.inference.image.JpegCodecBenchmark
 * </pre>
 */
public final class JpegCodecBenchmark {

    private static final int WARM_UP = 1_000;
    private static final int RUNS = 3_000;
    private static final int QUALITY = 80;

    private JpegCodecBenchmark() {}

    public static void main(String[] args) throws IOException {
        JpegCodec codec = new JpegCodec(JpegLimits.DEFAULTS);
        RgbImage frame = codec.resize(codec.decode(TestJpegs.astronaut()), 640, 480);
        RgbImage large = codec.resize(frame, 1280, 960);
        byte[] jpeg = codec.encode(frame, QUALITY);
        System.out.printf(Locale.ROOT, "640x480 q%d: %d bytes; %d runs after %d warm-up, one thread%n",
                QUALITY, jpeg.length, RUNS, WARM_UP);

        long[] codecDecode = time(() -> codec.decode(jpeg, 640, 480).rgb().length);
        long[] imageIoDecode = time(() -> TestJpegs.rgb(ImageIO.read(new ByteArrayInputStream(jpeg))).rgb().length);
        long[] codecEncode = time(() -> codec.encode(frame, QUALITY).length);
        long[] imageIoEncode = time(() -> imageIoEncode(toBuffered(frame), QUALITY).length);
        long[] codecResize = time(() -> codec.resize(large, 640, 480).rgb().length);

        report("decode", codecDecode, imageIoDecode);
        report("encode", codecEncode, imageIoEncode);
        report("resize 1280x960 -> 640x480", codecResize, null);
    }

    private interface Op {
        int run() throws IOException;
    }

    private static long[] time(Op op) throws IOException {
        long[] nanos = new long[RUNS];
        long sink = 0;
        for (int i = -WARM_UP; i < RUNS; i++) {
            long t0 = System.nanoTime();
            sink += op.run();
            long t1 = System.nanoTime();
            if (i >= 0) {
                nanos[i] = t1 - t0;
            }
        }
        // use the results, so that the JIT cannot drop the work
        if (sink == 42) {
            System.out.println();
        }
        Arrays.sort(nanos);
        return nanos;
    }

    private static void report(String op, long[] codec, long[] imageIo) {
        if (imageIo == null) {
            System.out.printf(Locale.ROOT, "%-28s codec p50 %.3f ms  p99 %.3f ms%n", op, ms(codec, 0.5), ms(codec, 0.99));
            return;
        }
        System.out.printf(Locale.ROOT,
                "%-28s codec p50 %.3f ms  p99 %.3f ms | ImageIO p50 %.3f ms  p99 %.3f ms | ImageIO/codec p50 %.2fx%n",
                op, ms(codec, 0.5), ms(codec, 0.99), ms(imageIo, 0.5), ms(imageIo, 0.99),
                ms(imageIo, 0.5) / ms(codec, 0.5));
    }

    private static double ms(long[] sorted, double quantile) {
        return sorted[Math.min(sorted.length - 1, (int) (quantile * sorted.length))] / 1e6;
    }

    /** What a server on ImageIO would do: RGB bytes into a BufferedImage, then the JPEG writer. */
    private static BufferedImage toBuffered(RgbImage image) {
        BufferedImage out = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((DataBufferByte) out.getRaster().getDataBuffer()).getData();
        byte[] rgb = image.rgb();
        for (int i = 0; i < rgb.length; i += 3) {
            bgr[i] = rgb[i + 2];
            bgr[i + 1] = rgb[i + 1];
            bgr[i + 2] = rgb[i];
        }
        return out;
    }

    private static byte[] imageIoEncode(BufferedImage image, int quality) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality / 100f);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
