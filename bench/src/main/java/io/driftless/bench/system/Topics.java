package io.driftless.bench.system;

import java.util.List;

/** The three topics one system under test reads and writes, distinct per system. */
public record Topics(String frames, String coordinates, String annotated, String dropped) {

    /** {@code bench.<system>.frames} and so on. */
    public static Topics of(String system) {
        String prefix = "bench." + system + ".";
        return new Topics(prefix + "frames", prefix + "ar-coordinates", prefix + "annotated", prefix + "dropped");
    }

    /** The topics answers come back on. */
    public List<String> answers() {
        return List.of(coordinates, annotated, dropped);
    }
}
