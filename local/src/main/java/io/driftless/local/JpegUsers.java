package io.driftless.local;

import com.google.protobuf.ByteString;
import io.driftless.inference.MicroClock;
import io.driftless.proto.Frame;
import io.driftless.proto.Image;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Camera sessions that send JPEG frames instead of landmarks, so the job's video path (the face
 * detector, annotated frames) has traffic in the local run: each session sends 640 x 480 frames
 * of a face photo that drifts in a small circle, at a steady rate, with the job's default
 * deadline. They only send; their responses show on the dashboards and the annotated topic.
 *
 * <pre>{@code
 * try (JpegUsers jpeg = JpegUsers.start(bootstrapServers, "driftless.frames", 4, 15)) {
 *     // ... run; jpeg.sent() frames so far
 * }
 * }</pre>
 */
public final class JpegUsers implements AutoCloseable {

    static final int WIDTH = 640;
    static final int HEIGHT = 480;
    /** Frames of one turn of the face's circle; sent over and over. */
    static final int SHOTS = 16;
    /** NASA's public-domain portrait of astronaut Eileen Collins, 512 x 512. */
    private static final String PHOTO = "/faces/astronaut.jpg";

    private final List<ByteString> shots;
    private final KafkaProducer<byte[], byte[]> producer;
    private final ScheduledExecutorService sender =
            Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "jpeg-users"));
    private final String topic;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    private JpegUsers(List<ByteString> shots, KafkaProducer<byte[], byte[]> producer, String topic) {
        this.shots = shots;
        this.producer = producer;
        this.topic = topic;
    }

    /**
     * Starts {@code users} sessions ({@code jpeg-user-0}, ...) sending {@code fps} frames each
     * per second to {@code topic}, spread evenly over each frame interval.
     */
    public static JpegUsers start(String bootstrapServers, String topic, int users, int fps) {
        if (users < 1 || fps < 1 || fps > 120) {
            throw new IllegalArgumentException("JPEG users need at least 1 user and 1..120 fps, got " + users
                    + " users at " + fps + " fps");
        }
        JpegUsers jpeg = new JpegUsers(shots().stream().map(ByteString::copyFrom).toList(), new KafkaProducer<>(producerProperties(bootstrapServers)), topic);
        long periodMicros = 1_000_000L / fps;
        for (int user = 0; user < users; user++) {
            Session session = jpeg.new Session("jpeg-user-" + user);
            jpeg.sender.scheduleAtFixedRate(session::send, periodMicros * user / users, periodMicros,
                    TimeUnit.MICROSECONDS);
        }
        return jpeg;
    }

    /** Frames handed to Kafka so far. */
    public long sent() {
        return sent.get();
    }

    /** Frames Kafka did not take (e.g. the broker went away). */
    public long failed() {
        return failed.get();
    }

    @Override
    public void close() throws InterruptedException {
        sender.shutdownNow();
        try {
            if (!sender.awaitTermination(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the JPEG users' sender did not stop within 10 s");
            }
        } finally {
            producer.close(Duration.ofSeconds(5));
        }
    }

    /** One session: its id and next sequence number; runs on the sender thread only. */
    private final class Session {
        private final String id;
        private final byte[] key;
        private long sequence;

        Session(String id) {
            this.id = id;
            this.key = id.getBytes(StandardCharsets.UTF_8);
        }

        void send() {
            long now = MicroClock.system().nowMicros();
            ByteString jpeg = shots.get((int) (sequence % shots.size()));
            byte[] frame = Frame.newBuilder()
                    .setSessionId(id)
                    .setSequence(++sequence)
                    .setCaptureTimeUs(now)
                    .setSendTimeUs(now)
                    .setImage(Image.newBuilder().setJpeg(jpeg).setWidth(WIDTH).setHeight(HEIGHT))
                    .build()
                    .toByteArray();
            producer.send(new ProducerRecord<>(topic, key, frame), (metadata, error) -> {
                if (error == null) {
                    sent.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                }
            });
        }
    }

    private static Properties producerProperties(String bootstrapServers) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "driftless-local-jpeg-users");
        // Kafka 4 defaults linger.ms to 5 ms; every frame would wait that long for company
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.ACKS_CONFIG, "1");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    /** The photo at {@link #SHOTS} places on a small circle, each a 640 x 480 JPEG. */
    static List<byte[]> shots() {
        BufferedImage photo = photo();
        List<byte[]> shots = new ArrayList<>(SHOTS);
        for (int i = 0; i < SHOTS; i++) {
            double angle = 2 * Math.PI * i / SHOTS;
            AffineTransform placement = AffineTransform.getTranslateInstance(
                    64 + 24 * Math.cos(angle), -16 + 12 * Math.sin(angle));
            BufferedImage frame = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = frame.createGraphics();
            try {
                g.setColor(new Color(40, 40, 48));
                g.fillRect(0, 0, WIDTH, HEIGHT);
                g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
                g.drawImage(photo, placement, null);
            } finally {
                g.dispose();
            }
            shots.add(jpeg(frame));
        }
        return List.copyOf(shots);
    }

    private static BufferedImage photo() {
        try (InputStream in = JpegUsers.class.getResourceAsStream(PHOTO)) {
            if (in == null) {
                throw new IllegalStateException(PHOTO + " is missing from the local module's resources");
            }
            return ImageIO.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + PHOTO, e);
        }
    }

    private static byte[] jpeg(BufferedImage image) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.8f);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
