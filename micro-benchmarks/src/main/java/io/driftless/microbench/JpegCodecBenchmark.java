package io.driftless.microbench;

import static io.driftless.microbench.CameraFrames.HEIGHT;
import static io.driftless.microbench.CameraFrames.QUALITY;
import static io.driftless.microbench.CameraFrames.WIDTH;

import io.driftless.inference.face.RgbImage;
import io.driftless.inference.image.JpegCodec;
import io.driftless.inference.image.JpegLimits;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * {@link JpegCodec} (libjpeg-turbo inside Leptonica) against the JDK's ImageIO on a 640 x 480
 * load-generator frame at quality 80, one thread: decode to RGB pixels, encode from RGB pixels,
 * and the codec's resize from 1280 x 960. ImageIO's side includes the conversion between its
 * {@link BufferedImage} and RGB pixels, as a server built on it would pay.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class JpegCodecBenchmark {

    private final JpegCodec codec = new JpegCodec(JpegLimits.DEFAULTS);
    private byte[] jpeg;
    private RgbImage frame;
    private RgbImage large;

    @Setup
    public void encodeFrames() {
        jpeg = CameraFrames.jpegs(1)[0];
        frame = codec.decode(jpeg, WIDTH, HEIGHT);
        large = codec.resize(frame, 2 * WIDTH, 2 * HEIGHT);
    }

    @Benchmark
    public RgbImage codecDecode() {
        return codec.decode(jpeg, WIDTH, HEIGHT);
    }

    @Benchmark
    public RgbImage imageIoDecode() throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
        int w = image.getWidth();
        int h = image.getHeight();
        return RgbImage.fromPackedRgb(w, h, image.getRGB(0, 0, w, h, null, 0, w));
    }

    @Benchmark
    public byte[] codecEncode() {
        return codec.encode(frame, QUALITY);
    }

    @Benchmark
    public byte[] imageIoEncode() throws IOException {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        byte[] rgb = frame.rgb();
        for (int i = 0; i < rgb.length; i += 3) {
            bgr[i] = rgb[i + 2];
            bgr[i + 1] = rgb[i + 1];
            bgr[i + 2] = rgb[i];
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(QUALITY / 100f);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    @Benchmark
    public RgbImage codecResize() {
        return codec.resize(large, WIDTH, HEIGHT);
    }
}
