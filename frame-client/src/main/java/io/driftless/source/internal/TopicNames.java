package io.driftless.source.internal;

import java.util.regex.Pattern;

/** Kafka's rules for topic names, checked before any broker sees them. */
public final class TopicNames {

    private static final int MAX_LENGTH = 249;
    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]+");

    private TopicNames() {}

    /** What is wrong with {@code name} as a topic name, or null when it is legal. */
    public static String problem(String name) {
        if (name.isEmpty()) {
            return "it is empty";
        }
        if (name.length() > MAX_LENGTH) {
            return "it is longer than " + MAX_LENGTH + " characters";
        }
        if (name.equals(".") || name.equals("..")) {
            return "'.' and '..' are reserved";
        }
        if (!LEGAL.matcher(name).matches()) {
            return "only ASCII letters, digits, '.', '_' and '-' are allowed";
        }
        return null;
    }
}
