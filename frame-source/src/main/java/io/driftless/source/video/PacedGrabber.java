package io.driftless.source.video;

import io.driftless.inference.face.RgbImage;
import io.driftless.source.internal.Failures;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegLogCallback;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a {@link VideoSource} through FFmpeg and hands out its frames in real time.
 *
 * <p>A file is paced by the client, at its own frame rate or the one asked for, and starts again
 * at its end when it loops. A live source delivers at its own rate; a lower rate asked for skips
 * the frames in between. When a live source fails or ends after it once opened, the grabber
 * reconnects with exponential {@link Backoff}, one log line per attempt (at most six a minute
 * with the default bounds), until it is back or {@link #stop()} is called.
 *
 * <p>Threads: one thread calls {@link #open()}, {@link #next()} and {@link #close()};
 * {@link #stop()} may come from any thread.
 */
public final class PacedGrabber implements AutoCloseable {

    /** One frame as grabbed: RGB pixels and the moment it was taken off the source. */
    public record Grabbed(RgbImage image, long grabNanos) {}

    /** The rate used when neither the source nor the caller names a plausible one. */
    public static final double FALLBACK_FPS = 30;
    /** What counts as a plausible frame rate from a container or stream. */
    private static final double MAX_PLAUSIBLE_FPS = 240;

    private static final Logger LOG = LoggerFactory.getLogger(PacedGrabber.class);

    static {
        // FFmpeg's own log lines go through JavaCV's callback, only errors, so a stream that
        // drops does not print a screen of decoder noise.
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        FFmpegLogCallback.set();
    }

    private final VideoSource source;
    private final double requestedFps;
    private final Backoff backoff;
    private final Duration ioTimeout;
    private final Map<String, String> ffmpegOptions;
    private FFmpegFrameGrabber grabber;
    private double fps;
    private long periodNanos;
    private long nextDueNanos;
    /** False until the first frame after an open, restart or reconnect sets the schedule. */
    private boolean scheduled;
    private long reconnects;
    private long loops;
    private volatile boolean stopped;
    private volatile Thread reader;

    /**
     * @param requestedFps the rate to deliver at, or 0 for the source's own
     * @param ioTimeout how long a network read or connect may hang before the source counts as
     *     dropped
     * @param ffmpegOptions extra FFmpeg options (demuxer and protocol), e.g.
     *     {@code rtsp_transport=tcp}
     */
    public PacedGrabber(VideoSource source, double requestedFps, Backoff backoff,
            Duration ioTimeout, Map<String, String> ffmpegOptions) {
        if (!(requestedFps >= 0 && requestedFps <= MAX_PLAUSIBLE_FPS)) {
            throw new IllegalArgumentException("fps must be between 0 (the source's own) and "
                    + MAX_PLAUSIBLE_FPS + ", got " + requestedFps);
        }
        this.source = source;
        this.requestedFps = requestedFps;
        this.backoff = backoff;
        this.ioTimeout = ioTimeout;
        this.ffmpegOptions = Map.copyOf(ffmpegOptions);
    }

    /**
     * Opens the source. A source that cannot be opened now is an error, not something to wait
     * for: reconnecting is for sources that worked and dropped.
     *
     * @throws SourceUnavailableException naming the source and what to check
     */
    public void open() {
        reader = Thread.currentThread();
        checkExists();
        try {
            grabber = start();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            throw new SourceUnavailableException("cannot open " + describe() + ": " + Failures.describe(e)
                    + hint(), e);
        }
        double sourceFps = grabber.getVideoFrameRate();
        boolean plausible = sourceFps > 0 && sourceFps <= MAX_PLAUSIBLE_FPS;
        fps = requestedFps > 0 ? requestedFps : plausible ? sourceFps : FALLBACK_FPS;
        periodNanos = Math.round(1e9 / fps);
        LOG.info("opened {}: {}x{} at {} fps, sending at {} fps", describe(),
                grabber.getImageWidth(), grabber.getImageHeight(),
                plausible ? String.format(Locale.ROOT, "%.2f", sourceFps) : "an unknown rate",
                String.format(Locale.ROOT, "%.2f", fps));
    }

    /** The rate frames are handed out at. */
    public double fps() {
        return fps;
    }

    /** The source's frame width as opened. */
    public int width() {
        return grabber.getImageWidth();
    }

    /** The source's frame height as opened. */
    public int height() {
        return grabber.getImageHeight();
    }

    /** Times a live source came back after dropping. */
    public long reconnects() {
        return reconnects;
    }

    /** Times a file started again from its beginning. */
    public long loops() {
        return loops;
    }

    /**
     * The next frame, when it is due; null once a file ends without looping, or after
     * {@link #stop()}.
     */
    public Grabbed next() {
        while (!stopped) {
            Frame frame;
            try {
                frame = grabber.grabImage();
            } catch (FrameGrabber.Exception | RuntimeException e) {
                if (!source.live()) {
                    throw new SourceUnavailableException("reading " + describe() + " failed: "
                            + Failures.describe(e), e);
                }
                reconnect(Failures.describe(e));
                continue;
            }
            if (frame == null || frame.image == null) {
                if (source.live()) {
                    reconnect("the stream ended");
                    continue;
                }
                if (!source.loop()) {
                    return null;
                }
                restartFile();
                continue;
            }
            if (source.live()) {
                startSchedule();
                long now = System.nanoTime();
                if (now - nextDueNanos < 0) {
                    continue;
                }
                schedule(now);
                return new Grabbed(rgb(frame), now);
            }
            RgbImage image = rgb(frame);
            // a file's first frame is on time once converted: a slow first conversion must not
            // make the second frame follow it early
            startSchedule();
            for (long wait = nextDueNanos - System.nanoTime(); wait > 0 && !stopped;
                    wait = nextDueNanos - System.nanoTime()) {
                LockSupport.parkNanos(this, wait);
            }
            if (stopped) {
                return null;
            }
            long now = System.nanoTime();
            schedule(now);
            return new Grabbed(image, now);
        }
        return null;
    }

    /** Makes now the first frame's slot, unless the schedule has started. */
    private void startSchedule() {
        if (!scheduled) {
            nextDueNanos = System.nanoTime();
            scheduled = true;
        }
    }

    /**
     * Sets when the frame after the one handed out {@code now} is due: one period after this
     * one's slot, so small delays are caught up; a frame behind by more than a period (a slow
     * disk, a pause, the first frame) moves the schedule to now instead of sending a burst.
     */
    private void schedule(long now) {
        nextDueNanos += periodNanos;
        if (nextDueNanos - now < 0) {
            nextDueNanos = now + periodNanos;
        }
    }

    /** Ends {@link #next()} and any reconnect wait, from any thread. */
    public void stop() {
        stopped = true;
        Thread t = reader;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    @Override
    public void close() {
        release();
    }

    private FFmpegFrameGrabber start() throws FrameGrabber.Exception {
        FFmpegFrameGrabber g = new FFmpegFrameGrabber(source.address());
        if (source.kind() == VideoSource.Kind.WEBCAM) {
            g.setFormat("video4linux2");
            if (requestedFps > 0) {
                g.setOption("framerate", Double.toString(requestedFps));
            }
        }
        if (source.kind() == VideoSource.Kind.STREAM) {
            // FFmpeg's protocols take their I/O timeout in microseconds; it is what bounds a
            // connect to a silent RTSP server as well as a stalled read.
            g.setOption("timeout", Long.toString(TimeUnit.NANOSECONDS.toMicros(ioTimeout.toNanos())));
        }
        ffmpegOptions.forEach(g::setOption);
        g.setPixelFormat(avutil.AV_PIX_FMT_RGB24);
        try {
            g.start();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            releaseQuietly(g);
            throw e;
        }
        if (g.getImageWidth() <= 0 || g.getImageHeight() <= 0) {
            releaseQuietly(g);
            throw new FrameGrabber.Exception("it has no video stream");
        }
        return g;
    }

    private void restartFile() {
        try {
            grabber.restart();
            loops++;
        } catch (FrameGrabber.Exception e) {
            throw new SourceUnavailableException("starting " + describe() + " over failed: "
                    + Failures.describe(e), e);
        }
    }

    private void reconnect(String why) {
        release();
        LOG.warn("{} dropped ({}); reconnecting, waiting {} ms doubling up to {} ms between"
                + " attempts", describe(), why, backoff.initial().toMillis(),
                backoff.max().toMillis());
        while (!stopped) {
            Duration wait = backoff.next();
            long until = System.nanoTime() + wait.toNanos();
            for (long left = wait.toNanos(); left > 0 && !stopped;
                    left = until - System.nanoTime()) {
                LockSupport.parkNanos(this, left);
            }
            if (stopped) {
                return;
            }
            try {
                grabber = start();
                reconnects++;
                LOG.info("{} is back after {} attempt(s)", describe(), backoff.attempts());
                backoff.reset();
                scheduled = false;
                return;
            } catch (FrameGrabber.Exception | RuntimeException e) {
                LOG.warn("reconnect attempt {} to {} failed: {}", backoff.attempts(), describe(),
                        Failures.describe(e));
            }
        }
    }

    private void checkExists() {
        if (source.kind() == VideoSource.Kind.FILE) {
            Path file = Path.of(source.address());
            if (!Files.exists(file)) {
                throw new SourceUnavailableException("video file '" + file + "' does not exist");
            }
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                throw new SourceUnavailableException("video file '" + file + "' is not a readable file");
            }
        } else if (source.kind() == VideoSource.Kind.WEBCAM
                && !Files.exists(Path.of(source.address()))) {
            throw new SourceUnavailableException("no webcam at " + source.address()
                    + ": plug one in, or name its device, e.g. 'webcam /dev/video1'"
                    + " (v4l2-ctl --list-devices lists them)");
        }
    }

    private String hint() {
        return switch (source.kind()) {
            case FILE -> " (is it a video FFmpeg can decode?)";
            case WEBCAM -> " (is the device a V4L2 camera, and free? Is the user in group 'video'?)";
            case STREAM -> " (check the URL, the camera's credentials, and that it is reachable"
                    + " within " + ioTimeout.toMillis() + " ms)";
        };
    }

    private String describe() {
        return switch (source.kind()) {
            case FILE -> "video file '" + source.address() + "'";
            case WEBCAM -> "webcam " + source.address();
            case STREAM -> "stream " + source.address();
        };
    }

    private void release() {
        if (grabber != null) {
            releaseQuietly(grabber);
            grabber = null;
        }
    }

    private static void releaseQuietly(FFmpegFrameGrabber g) {
        try {
            g.release();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            LOG.debug("releasing the grabber failed: {}", Failures.describe(e));
        }
    }

    /** The frame's RGB24 pixels, without the row padding FFmpeg may add. */
    private static RgbImage rgb(Frame frame) {
        int width = frame.imageWidth;
        int height = frame.imageHeight;
        int row = width * 3;
        ByteBuffer pixels = ((ByteBuffer) frame.image[0]).duplicate();
        byte[] rgb = new byte[row * height];
        int stride = frame.imageStride;
        for (int y = 0; y < height; y++) {
            pixels.position(y * stride);
            pixels.get(rgb, y * row, row);
        }
        return new RgbImage(width, height, rgb);
    }
}
