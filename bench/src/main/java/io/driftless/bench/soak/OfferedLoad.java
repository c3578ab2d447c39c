package io.driftless.bench.soak;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a run offered the job, recorded beside its memory figures so that a soak says what load
 * its curve was measured under.
 *
 * @param fromCapacity where the user count came from when it was a share of the measured
 *     capacity; null when it was given with {@code --users}
 */
record OfferedLoad(int users, int fps, int jpegUsers, int jpegFps, CapacityShare fromCapacity) {

    void writeTo(ObjectNode node) {
        node.put("users", users);
        node.put("fps", fps);
        node.put("frames_per_s", (long) users * fps);
        node.put("jpeg_users", jpegUsers);
        node.put("jpeg_fps", jpegFps);
        if (fromCapacity != null) {
            fromCapacity.writeTo(node.putObject("from_capacity"));
        }
    }
}
