package io.driftless.source.internal;

/** Makes a Kafka failure readable: its own message is often just "Failed to construct ...". */
public final class Failures {

    private Failures() {}

    /** The messages of the throwable and its causes, outermost first, without repeats. */
    public static String describe(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            String message = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
            if (text.indexOf(message) < 0) {
                text.append(text.length() == 0 ? "" : ": ").append(message);
            }
        }
        return text.toString();
    }
}
