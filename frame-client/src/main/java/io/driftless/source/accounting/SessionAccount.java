package io.driftless.source.accounting;

import io.driftless.proto.DropReason;
import java.util.Map;

/**
 * One session's books: every frame sent is answered, dropped with a reason, or unaccounted.
 *
 * @param sent frames in the client's log
 * @param answered frames with at least one response
 * @param dropped frames with no response but a drop, by the reason of their first drop
 * @param duplicated frames answered more than once (at-least-once redelivery after a restart)
 * @param unaccounted frames with no answer at all: the number that must be zero
 * @param unexpected answers to sequences this session never sent
 */
public record SessionAccount(String sessionId, long sent, long answered,
        Map<DropReason, Long> dropped, long duplicated, long unaccounted, long unexpected) {

    public SessionAccount {
        dropped = Map.copyOf(dropped);
    }

    public long droppedTotal() {
        return dropped.values().stream().mapToLong(Long::longValue).sum();
    }

    public long dropped(DropReason reason) {
        return dropped.getOrDefault(reason, 0L);
    }
}
