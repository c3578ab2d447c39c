package io.driftless.source.video;

import io.driftless.inference.face.FaceDetectionAdapter;
import io.driftless.inference.face.RgbImage;
import io.driftless.proto.Anchor;
import io.driftless.proto.AnnotatedFrame;
import io.driftless.proto.ArCoordinates;
import io.driftless.proto.Box;
import io.driftless.inference.pose.FaceGeometry;
import io.driftless.source.AnchorTrack;
import io.driftless.source.FrameSourceException;
import io.driftless.source.internal.AnswerListener;
import io.driftless.source.internal.Failures;
import java.awt.AlphaComposite;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the video a person would have seen: every frame sent, with the AR overlay drawn where the
 * answers in by the frame's deadline put it, carried forward to the frame's capture instant
 * ({@link AnchorTrack}): a frame whose own answer is late or never came shows the overlay of the
 * earlier ones, moving on, fading out once the newest is {@link AnchorTrack#FADE_OUT} old. No
 * freeze, no jump. The detection box of a JPEG frame is drawn only with the frame's own answer.
 *
 * <p>The sending thread only offers frames to a bounded queue ({@link #submit}); a writer thread
 * of its own waits for each frame's answer up to its deadline, draws and encodes. A full queue
 * costs the video that frame, never the sender its pace. The consumer thread delivers answers
 * through {@link AnswerListener}. {@link #close()} writes what is queued and finishes the file.
 */
public final class OverlayRenderer implements AnswerListener, AutoCloseable {

    /** The sequence of a frame not sent (no face in it): no answer of its own will come. */
    public static final long UNSENT = 0;

    /** How many frames may wait for the writer: a few seconds of video. */
    public static final int QUEUE_CAPACITY = 256;

    private static final Logger LOG = LoggerFactory.getLogger(OverlayRenderer.class);
    /** How often the writer looks again for an answer while a frame's deadline has not passed. */
    private static final long ANSWER_POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(500);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    /** An answer as it arrived; the receive stamp decides whether it counts. */
    private record Answer<T>(T value, long receiveNanos) {}

    /**
     * A frame waiting for its answer; the answer's pixels are those of an
     * {@code answerWidth x answerHeight} frame (the frame as sent).
     */
    private record Pending(long sequence, RgbImage image, long captureNanos, long deadlineNanos,
            int answerWidth, int answerHeight) {}

    private static final Pending END = new Pending(-1, null, 0, 0, 1, 1);
    /** Capture instants remembered, for answers that come after their frame was written. */
    private static final int CAPTURES_KEPT = 1_024;

    private final Path output;
    private final String sessionId;
    private final boolean imageAnswers;
    private final FFmpegFrameRecorder recorder;
    private final String codecName;
    private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final ConcurrentSkipListMap<Long, Answer<ArCoordinates>> coordinates =
            new ConcurrentSkipListMap<>();
    private final ConcurrentSkipListMap<Long, Answer<AnnotatedFrame>> annotated =
            new ConcurrentSkipListMap<>();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong withOverlay = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread writer;
    // Writer thread only.
    private final AnchorTrack track = new AnchorTrack();
    private final Map<Long, Long> captures = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
            return size() > CAPTURES_KEPT;
        }
    };

    /**
     * Opens {@code output} as an MP4 of {@code width x height} at {@code fps}, H.264 when the
     * bundled FFmpeg has an H.264 encoder, else MPEG-4 Part 2.
     *
     * @param imageAnswers whether frames are images, answered by an annotated frame (the answer
     *     the writer waits for) rather than by coordinates
     */
    public OverlayRenderer(Path output, String sessionId, boolean imageAnswers, int width,
            int height, double fps) {
        this.output = output;
        this.sessionId = sessionId;
        this.imageAnswers = imageAnswers;
        FFmpegFrameRecorder opened = null;
        String name = null;
        FrameRecorder.Exception last = null;
        for (int codec : new int[] {avcodec.AV_CODEC_ID_H264, avcodec.AV_CODEC_ID_MPEG4}) {
            FFmpegFrameRecorder r = new FFmpegFrameRecorder(output.toFile(), even(width),
                    even(height), 0);
            r.setFormat("mp4");
            r.setVideoCodec(codec);
            r.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            r.setFrameRate(fps);
            // Near-constant quality, a good picture at a modest size.
            r.setVideoQuality(codec == avcodec.AV_CODEC_ID_H264 ? 23 : 3);
            r.setGopSize((int) Math.max(1, Math.round(fps * 2)));
            try {
                r.start();
                opened = r;
                name = codec == avcodec.AV_CODEC_ID_H264 ? "H.264" : "MPEG-4";
                break;
            } catch (FrameRecorder.Exception e) {
                last = e;
                releaseQuietly(r);
            }
        }
        if (opened == null) {
            throw new FrameSourceException("cannot write video to " + output + ": "
                    + Failures.describe(last) + " (is the folder writable?)", last);
        }
        this.recorder = opened;
        this.codecName = name;
        this.writer = new Thread(this::writeLoop, "driftless-source-render");
        writer.setDaemon(true);
        writer.start();
        LOG.info("rendering to {} ({}, {}x{} at {} fps)", output, codecName, even(width),
                even(height), fps);
    }

    /** The encoder in use: {@code H.264} or {@code MPEG-4}. */
    public String codec() {
        return codecName;
    }

    /**
     * Queues frame {@code sequence} for writing once its answer is in or its deadline has passed;
     * never blocks. Call in sequence order, from one thread.
     *
     * @param captureNanos when the frame was grabbed ({@link System#nanoTime()})
     * @param sentWidth the width of the frame as sent, whose pixels the answer is in (a JPEG
     *     frame is resized before sending; landmarks are in {@code image}'s own pixels)
     * @param sentHeight the height of the frame as sent
     */
    public void submit(long sequence, RgbImage image, long captureNanos, long deadlineNanos,
            int sentWidth, int sentHeight) {
        if (sentWidth < 1 || sentHeight < 1) {
            throw new IllegalArgumentException("sentWidth and sentHeight must be positive, got "
                    + sentWidth + "x" + sentHeight);
        }
        if (!queue.offer(new Pending(sequence, image, captureNanos, deadlineNanos, sentWidth,
                sentHeight))) {
            skipped.incrementAndGet();
        }
    }

    @Override
    public void onCoordinates(ArCoordinates answer, long receiveNanos) {
        if (answer.getSessionId().equals(sessionId)) {
            coordinates.putIfAbsent(answer.getSequence(), new Answer<>(answer, receiveNanos));
        }
    }

    @Override
    public void onAnnotated(AnnotatedFrame answer, long receiveNanos) {
        if (answer.getSessionId().equals(sessionId)) {
            annotated.putIfAbsent(answer.getSequence(), new Answer<>(answer, receiveNanos));
        }
    }

    /** Frames written to the video. */
    public long written() {
        return written.get();
    }

    /**
     * Frames written with an overlay: their own answer came in time, or earlier ones were carried
     * forward to them.
     */
    public long withOverlay() {
        return withOverlay.get();
    }

    /** Frames the writer could not keep up with, left out of the video. */
    public long skipped() {
        return skipped.get();
    }

    /**
     * Writes every queued frame (each waits for its answer until its deadline at most), then
     * finishes the file.
     *
     * @throws FrameSourceException when writing failed
     */
    @Override
    public void close() {
        boolean interrupted = false;
        while (true) {
            try {
                queue.put(END);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        try {
            writer.join(CLOSE_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            interrupted = true;
        }
        try {
            recorder.stop();
            recorder.release();
        } catch (FrameRecorder.Exception e) {
            failure.compareAndSet(null, e);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable t = failure.get();
        if (t != null) {
            throw new FrameSourceException("writing " + output + " failed: "
                    + Failures.describe(t), t);
        }
    }

    private void writeLoop() {
        try {
            while (true) {
                Pending frame = queue.take();
                if (frame == END) {
                    return;
                }
                write(frame);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (FrameRecorder.Exception | RuntimeException e) {
            failure.compareAndSet(null, e);
            // Keeps the sender from filling a queue nobody empties.
            queue.clear();
        }
    }

    private void write(Pending frame) throws FrameRecorder.Exception {
        long sequence = frame.sequence();
        while (System.nanoTime() - frame.deadlineNanos() < 0 && !answered(sequence)) {
            LockSupport.parkNanos(ANSWER_POLL_NANOS);
        }
        if (sequence != UNSENT) {
            captures.put(sequence, frame.captureNanos());
        }
        // Answers in by this frame's deadline, to it or to earlier frames, join the track.
        for (Iterator<Map.Entry<Long, Answer<ArCoordinates>>> it =
                coordinates.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Answer<ArCoordinates>> e = it.next();
            if (e.getValue().receiveNanos() - frame.deadlineNanos() <= 0) {
                Long capture = captures.get(e.getKey());
                if (capture != null) {
                    ArCoordinates answer = e.getValue().value();
                    track.add(capture, answer.getAnchorsList(), answer.getMotion().getAnchorVelocitiesList());
                    it.remove();
                } else if (sequence != UNSENT && e.getKey() <= sequence) {
                    // its frame was never written (the queue was full): nothing to place it by
                    it.remove();
                }
            }
        }
        Answer<AnnotatedFrame> image = annotated.remove(sequence);
        // Annotated frames to frames already written (or skipped) can no longer be drawn.
        annotated.headMap(sequence).clear();
        BufferedImage picture = picture(frame.image());
        boolean imageInTime = image != null && image.receiveNanos() <= frame.deadlineNanos();
        boolean faces = imageInTime && isFaceModel(image.value());
        Box box = faces && image.value().getDetectionsCount() > 0 ? image.value().getDetections(0).getBox() : null;
        double confidence = track.confidence(frame.captureNanos());
        List<Anchor> anchors = confidence > 0 ? named(track.at(frame.captureNanos())) : List.of();
        boolean objects = imageInTime && !faces
                && (image.value().getDetectionsCount() > 0 || image.value().getClassesCount() > 0);
        boolean drawn = !anchors.isEmpty() || box != null || objects;
        if (!anchors.isEmpty() || box != null) {
            drawAnswer(picture, anchors, box, frame.answerWidth(), frame.answerHeight(),
                    box != null ? 1 : confidence);
        }
        if (objects) {
            drawObjects(picture, image.value(), frame.answerWidth(), frame.answerHeight());
        }
        byte[] bgr = ((DataBufferByte) picture.getRaster().getDataBuffer()).getData();
        recorder.recordImage(picture.getWidth(), picture.getHeight(), Frame.DEPTH_UBYTE, 3,
                picture.getWidth() * 3, avutil.AV_PIX_FMT_BGR24, ByteBuffer.wrap(bgr));
        written.incrementAndGet();
        if (drawn) {
            withOverlay.incrementAndGet();
        }
    }

    /**
     * Draws an answer given in the pixels of an {@code answerWidth x answerHeight} frame onto
     * {@code picture}, scaled to the picture's own size, at {@code opacity} (0 to 1).
     */
    static void drawAnswer(BufferedImage picture, List<Anchor> anchors, Box box, int answerWidth,
            int answerHeight, double opacity) {
        Graphics2D g = picture.createGraphics();
        try {
            g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, (float) opacity));
            ArOverlay.draw(g, anchors, box, (double) picture.getWidth() / answerWidth,
                    (double) picture.getHeight() / answerHeight);
        } finally {
            g.dispose();
        }
    }

    /**
     * Draws a user's image model's objects and classes, given in the pixels of an {@code
     * answerWidth x answerHeight} frame, onto {@code picture} at its own size.
     */
    static void drawObjects(BufferedImage picture, AnnotatedFrame answer, int answerWidth, int answerHeight) {
        Graphics2D g = picture.createGraphics();
        try {
            ObjectOverlay.draw(g, answer.getDetectionsList(), answer.getClassesList(),
                    (double) picture.getWidth() / answerWidth, (double) picture.getHeight() / answerHeight);
        } finally {
            g.dispose();
        }
    }

    /** Whether the answer is the face detector's (older jobs name no model): its one box is the face's. */
    private static boolean isFaceModel(AnnotatedFrame answer) {
        return answer.getModel().isEmpty() || answer.getModel().equals(FaceDetectionAdapter.MODEL_NAME);
    }

    /** The anchors in {@link FaceGeometry#AR_ANCHORS} order, by name, leaving out unknown ones. */
    private static List<Anchor> named(float[] xy) {
        List<Anchor> anchors = new ArrayList<>();
        for (int i = 0; i < FaceGeometry.AR_ANCHORS.size(); i++) {
            if (!Float.isNaN(xy[2 * i]) && !Float.isNaN(xy[2 * i + 1])) {
                anchors.add(Anchor.newBuilder().setName(FaceGeometry.AR_ANCHORS.get(i).name())
                        .setX(xy[2 * i]).setY(xy[2 * i + 1]).build());
            }
        }
        return anchors;
    }

    private boolean answered(long sequence) {
        return imageAnswers ? annotated.containsKey(sequence) : coordinates.containsKey(sequence);
    }

    /** The image as packed BGR bytes, which Java2D draws on and FFmpeg takes as they are. */
    private static BufferedImage picture(RgbImage image) {
        BufferedImage picture = new BufferedImage(image.width(), image.height(),
                BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((DataBufferByte) picture.getRaster().getDataBuffer()).getData();
        byte[] rgb = image.rgb();
        for (int i = 0; i < rgb.length; i += 3) {
            bgr[i] = rgb[i + 2];
            bgr[i + 1] = rgb[i + 1];
            bgr[i + 2] = rgb[i];
        }
        return picture;
    }

    /** H.264 and MPEG-4 in 4:2:0 need even sides. */
    private static int even(int side) {
        return side & ~1;
    }

    private static void releaseQuietly(FFmpegFrameRecorder r) {
        try {
            r.release();
        } catch (FrameRecorder.Exception | RuntimeException e) {
            LOG.debug("releasing a recorder failed: {}", Failures.describe(e));
        }
    }
}
