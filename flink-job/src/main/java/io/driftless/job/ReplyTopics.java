package io.driftless.job;

import java.io.Serializable;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The reply topics a frame may ask for with {@code reply_to}: a topic name prefix, to which the
 * job appends one suffix per kind of answer. Only prefixes the job's configuration allows are
 * honoured, so that a client cannot make the job write to any topic it likes.
 */
public final class ReplyTopics implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final String COORDINATES_SUFFIX = ".ar-coordinates";
    public static final String ANNOTATED_SUFFIX = ".annotated";
    public static final String DROPPED_SUFFIX = ".dropped";

    /** Kafka's limit on topic names, less the longest suffix. */
    public static final int MAX_REPLY_TO_LENGTH = 249 - COORDINATES_SUFFIX.length();

    private static final Pattern TOPIC_CHARS = Pattern.compile("[A-Za-z0-9._-]+");

    private final List<String> allowedPrefixes;

    /** @param allowedPrefixes what a {@code reply_to} must start with; none: every reply_to is refused */
    public ReplyTopics(List<String> allowedPrefixes) {
        for (String prefix : allowedPrefixes) {
            if (prefix.isEmpty() || !TOPIC_CHARS.matcher(prefix).matches()) {
                throw new IllegalArgumentException("reply-to prefix '" + prefix + "' is not the start of a valid"
                        + " Kafka topic name: use characters of [A-Za-z0-9._-]");
            }
        }
        this.allowedPrefixes = List.copyOf(allowedPrefixes);
    }

    /** @return null when the job honours {@code replyTo}, else why it does not */
    public String invalidReason(String replyTo) {
        if (replyTo.length() > MAX_REPLY_TO_LENGTH || !TOPIC_CHARS.matcher(replyTo).matches()) {
            return "reply_to must be 1-" + MAX_REPLY_TO_LENGTH + " characters of [A-Za-z0-9._-]";
        }
        for (String prefix : allowedPrefixes) {
            if (replyTo.startsWith(prefix) && replyTo.length() > prefix.length()) {
                return null;
            }
        }
        return "reply_to '" + replyTo + "' is not under a prefix this job answers to " + allowedPrefixes
                + " (" + DriftlessOptions.REPLY_TO_ALLOWED_PREFIXES.key() + ")";
    }

    public static String coordinates(String replyTo) {
        return replyTo + COORDINATES_SUFFIX;
    }

    public static String annotated(String replyTo) {
        return replyTo + ANNOTATED_SUFFIX;
    }

    public static String dropped(String replyTo) {
        return replyTo + DROPPED_SUFFIX;
    }
}
