package io.driftless.source.video;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where video frames come from: a file FFmpeg can read, a V4L2 webcam, or a network stream
 * (RTSP, HTTP, RTMP, ... — any URL FFmpeg opens).
 *
 * @param kind what sort of source it is
 * @param address the file path, device path or URL, as FFmpeg takes it
 * @param loop whether a file starts again at its end; live sources never end by themselves
 */
public record VideoSource(Kind kind, String address, boolean loop) {

    /** Files are paced by the client; webcams and streams deliver at their own rate. */
    public enum Kind {
        FILE,
        WEBCAM,
        STREAM
    }

    public static final String DEFAULT_WEBCAM = "/dev/video0";

    public VideoSource {
        Objects.requireNonNull(kind, "kind");
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException("a video source needs a file, device or URL");
        }
        if (loop && kind != Kind.FILE) {
            throw new IllegalArgumentException("only a file can loop, not a " + kind + " source");
        }
    }

    public static VideoSource file(Path file, boolean loop) {
        return new VideoSource(Kind.FILE, file.toString(), loop);
    }

    public static VideoSource webcam(String device) {
        return new VideoSource(Kind.WEBCAM, device, false);
    }

    public static VideoSource stream(String url) {
        return new VideoSource(Kind.STREAM, url, false);
    }

    /** Whether the source delivers frames in real time (and may drop and come back). */
    public boolean live() {
        return kind != Kind.FILE;
    }
}
