package io.driftless.source.accounting;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.driftless.proto.DropReason;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The books of a run, per session and in total. The invariant everywhere:
 * {@code sent = answered + dropped + unaccounted}, and {@code unaccounted} must be zero.
 *
 * @param foreignAnswers answers read for sessions the sent log does not name (other runs)
 */
public record AccountingReport(List<SessionAccount> sessions, long foreignAnswers) {

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public AccountingReport {
        sessions = sessions.stream().sorted(Comparator.comparing(SessionAccount::sessionId)).toList();
    }

    /** Every session's books added up, under the session id {@code *}. */
    public SessionAccount total() {
        long sent = 0;
        long answered = 0;
        long duplicated = 0;
        long unaccounted = 0;
        long unexpected = 0;
        Map<DropReason, Long> dropped = new EnumMap<>(DropReason.class);
        for (SessionAccount s : sessions) {
            sent += s.sent();
            answered += s.answered();
            duplicated += s.duplicated();
            unaccounted += s.unaccounted();
            unexpected += s.unexpected();
            s.dropped().forEach((reason, n) -> dropped.merge(reason, n, Long::sum));
        }
        return new SessionAccount("*", sent, answered, dropped, duplicated, unaccounted, unexpected);
    }

    /** True when every frame sent has an answer. */
    public boolean balanced() {
        return total().unaccounted() == 0;
    }

    /** Totals and each session's books as JSON. */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.set("total", json(total()));
        root.put("foreign_answers", foreignAnswers);
        ArrayNode each = root.putArray("sessions");
        sessions.forEach(s -> each.add(json(s)));
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode json(SessionAccount s) {
        ObjectNode node = JSON.createObjectNode();
        node.put("session", s.sessionId());
        node.put("sent", s.sent());
        node.put("answered", s.answered());
        ObjectNode dropped = node.putObject("dropped");
        s.dropped().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> dropped.put(e.getKey().name(), e.getValue()));
        node.put("duplicated", s.duplicated());
        node.put("unaccounted", s.unaccounted());
        node.put("unexpected", s.unexpected());
        return node;
    }

    /** A table for people: the totals, then the sessions with unaccounted frames first. */
    public String toTable(int maxSessions) {
        StringBuilder out = new StringBuilder();
        String format = "%-40s %9s %9s %9s %9s %11s%n";
        out.append(String.format(Locale.ROOT, format,
                "session", "sent", "answered", "dropped", "dup", "unaccounted"));
        row(out, format, total());
        sessions.stream()
                .sorted(Comparator.comparingLong(SessionAccount::unaccounted).reversed()
                        .thenComparing(SessionAccount::sessionId))
                .limit(maxSessions)
                .forEach(s -> row(out, format, s));
        if (sessions.size() > maxSessions) {
            out.append("... ").append(sessions.size() - maxSessions).append(" more sessions\n");
        }
        SessionAccount total = total();
        if (!total.dropped().isEmpty()) {
            out.append("dropped by reason:");
            total.dropped().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> out.append(' ').append(e.getKey().name()).append('=').append(e.getValue()));
            out.append('\n');
        }
        out.append(balanced()
                ? "every frame is accounted for\n"
                : total.unaccounted() + " frames have no answer\n");
        return out.toString();
    }

    private static void row(StringBuilder out, String format, SessionAccount s) {
        out.append(String.format(Locale.ROOT, format, s.sessionId(), s.sent(), s.answered(),
                s.droppedTotal(), s.duplicated(), s.unaccounted()));
    }
}
