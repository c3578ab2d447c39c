package io.driftless.inference.image;

/**
 * The time an image path's stages spent on one frame (decoding, the model's run, drawing and
 * encoding), without the time the frame waited between them. Each stage adds its own; the stages
 * run one after another and hand the frame over through futures, which order memory between them.
 */
final class WorkTime {

    private long micros;

    void add(long stageMicros) {
        micros += stageMicros;
    }

    long micros() {
        return micros;
    }
}
