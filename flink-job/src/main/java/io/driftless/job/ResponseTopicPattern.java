package io.driftless.job;

import java.io.Serializable;

/**
 * Which topic a session's responses go to. Without {@value #SESSION} every session shares one
 * topic (keyed by session, which scales to millions of users); with it, each session gets its
 * own topic, for small deployments whose clients may read only their own.
 */
public final class ResponseTopicPattern implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final String SESSION = "{session}";

    private final String prefix;
    private final String suffix;
    private final boolean perSession;

    public ResponseTopicPattern(String pattern) {
        int at = pattern.indexOf(SESSION);
        this.perSession = at >= 0;
        if (perSession && pattern.indexOf(SESSION, at + 1) >= 0) {
            throw new IllegalArgumentException("topic pattern '" + pattern + "' names " + SESSION + " more than once");
        }
        this.prefix = perSession ? pattern.substring(0, at) : pattern;
        this.suffix = perSession ? pattern.substring(at + SESSION.length()) : "";
    }

    public String topicFor(String sessionId) {
        return perSession ? prefix + sessionId + suffix : prefix;
    }

    public boolean perSession() {
        return perSession;
    }
}
