package io.driftless.source.internal;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The session ids of one run, {@code <runId>-u<NNNN>}, and the way back from a Kafka key or a
 * topic name to the user. A run id is fresh per run, so runs that share topics never mix. A run
 * of one camera may instead use one session id as it is ({@link #single}).
 */
public final class SessionIds {

    private static final String USER_MARK = "-u";
    private static final SecureRandom RUN_IDS = new SecureRandom();

    private final String runId;
    /** Whether the one session id is the run id itself, with no user suffix. */
    private final boolean single;
    private final String prefix;
    private final byte[] prefixBytes;
    private final String[] ids;
    private final byte[][] keys;

    public SessionIds(String runId, int users) {
        this.runId = runId;
        this.single = false;
        this.prefix = runId + USER_MARK;
        this.prefixBytes = prefix.getBytes(StandardCharsets.UTF_8);
        this.ids = new String[users];
        this.keys = new byte[users][];
        for (int user = 0; user < users; user++) {
            ids[user] = String.format(Locale.ROOT, "%s%04d", prefix, user);
            keys[user] = ids[user].getBytes(StandardCharsets.UTF_8);
        }
    }

    private SessionIds(String sessionId) {
        this.runId = sessionId;
        this.single = true;
        this.prefix = sessionId;
        this.prefixBytes = sessionId.getBytes(StandardCharsets.UTF_8);
        this.ids = new String[] {sessionId};
        this.keys = new byte[][] {prefixBytes};
    }

    /** One user whose session id is {@code sessionId} exactly; it is also the run id. */
    public static SessionIds single(String sessionId) {
        return new SessionIds(sessionId);
    }

    /** A run id that no other run will draw: start time in seconds, then random characters. */
    public static String newRunId() {
        String time = Long.toString(System.currentTimeMillis() / 1000, 36);
        String random = Long.toString(Long.MAX_VALUE & RUN_IDS.nextLong(), 36);
        return "r" + time + random.substring(0, Math.min(6, random.length()));
    }

    public String runId() {
        return runId;
    }

    public int users() {
        return ids.length;
    }

    public String sessionId(int user) {
        return ids[user];
    }

    /** The Kafka key of the user's records (its session id in UTF-8); shared, do not modify. */
    public byte[] key(int user) {
        return keys[user];
    }

    /** Whether a record key may belong to this run: a cheap check before parsing the value. */
    public boolean mayOwnKey(byte[] key) {
        if (single) {
            return Arrays.equals(key, prefixBytes);
        }
        if (key == null || key.length <= prefixBytes.length) {
            return false;
        }
        for (int i = 0; i < prefixBytes.length; i++) {
            if (key[i] != prefixBytes[i]) {
                return false;
            }
        }
        return true;
    }

    /** The user a session id names, or -1 when it is not one of this run's sessions. */
    public int userOf(String sessionId) {
        if (single) {
            return ids[0].equals(sessionId) ? 0 : -1;
        }
        if (!sessionId.startsWith(prefix) || sessionId.length() == prefix.length()
                || sessionId.length() > prefix.length() + 9) {
            return -1;
        }
        int user = 0;
        for (int i = prefix.length(); i < sessionId.length(); i++) {
            char c = sessionId.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            user = user * 10 + (c - '0');
        }
        return user < ids.length && ids[user].equals(sessionId) ? user : -1;
    }

    /**
     * The topics that carry this run's answers: every per-session topic the coordinates pattern
     * gives for this run's sessions, and the dropped topic.
     */
    public Pattern answerTopics(String coordinatesPattern, String placeholder, String droppedTopic) {
        return answerTopics(coordinatesPattern, null, placeholder, droppedTopic);
    }

    /**
     * The topics that carry this run's answers: every per-session topic the coordinates pattern,
     * and the annotated pattern unless null, give for this run's sessions, and the dropped topic.
     */
    public Pattern answerTopics(String coordinatesPattern, String annotatedPattern,
            String placeholder, String droppedTopic) {
        String topics = topics(coordinatesPattern, placeholder).pattern();
        if (annotatedPattern != null) {
            topics += "|" + topics(annotatedPattern, placeholder).pattern();
        }
        return Pattern.compile(topics + "|" + Pattern.quote(droppedTopic));
    }

    /**
     * The topics a pattern gives for this run's sessions: with {@code placeholder} one per
     * session, without it the pattern itself.
     */
    public Pattern topics(String pattern, String placeholder) {
        int at = pattern.indexOf(placeholder);
        if (at < 0) {
            return Pattern.compile(Pattern.quote(pattern));
        }
        String sessionPart = single ? "" : "\\d+";
        return Pattern.compile(Pattern.quote(pattern.substring(0, at) + prefix) + sessionPart
                + Pattern.quote(pattern.substring(at + placeholder.length())));
    }
}
