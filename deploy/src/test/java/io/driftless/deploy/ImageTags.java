package io.driftless.deploy;

import java.util.regex.Pattern;

/** Image references pinned to a release, so that a deployment runs today what it ran yesterday. */
final class ImageTags {

    /** name:tag where the tag carries a full major.minor.patch version, e.g. flink:2.2.1-java17. */
    private static final Pattern PINNED = Pattern.compile("[a-z0-9./_-]+:[A-Za-z._-]*\\d+\\.\\d+\\.\\d+[A-Za-z0-9._-]*");

    private ImageTags() {}

    static boolean isPinnedRelease(String image) {
        return image != null && PINNED.matcher(image).matches();
    }
}
