package io.driftless.source.accounting;

import io.driftless.proto.DropReason;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Matches what a client sent with what came back, frame by frame, by {@code (session, sequence)}.
 *
 * <p>One byte of state per frame, so the books of a long run fit in memory: a session's frames
 * are a dense range of sequences. Not thread-safe: one thread fills it.
 */
public final class FrameLedger {

    /** A session's sequences may span at most this many numbers (256 MiB of state). */
    static final long MAX_SPAN = 1L << 28;

    private static final int SENT = 1;
    private static final int RESPONDED = 1 << 1;
    private static final int ANSWERED_BEFORE = 1 << 2;
    private static final int DUPLICATED = 1 << 3;
    private static final int REASON_SHIFT = 4;
    /** Reasons take bits 4 to 6 (ordinal + 1 is at most 7); the top bit is free for this. */
    private static final int ANNOTATED = 1 << 7;

    private final Map<String, Book> books = new HashMap<>();
    private long outstanding;
    private long foreignAnswers;

    /** Records a frame the client sent. */
    public void sent(String sessionId, long sequence) {
        Book book = books.computeIfAbsent(sessionId, id -> new Book());
        if (!book.covers(sequence) && !book.extendTo(sequence)) {
            throw new IllegalArgumentException("session '" + sessionId + "' sent sequence " + sequence
                    + ", more than " + MAX_SPAN + " from its others: the ledger keeps a dense range");
        }
        int state = book.get(sequence);
        if ((state & SENT) == 0) {
            book.set(sequence, state | SENT);
            book.sent++;
            outstanding++;
        }
    }

    /** The sessions with frames in the ledger. */
    public Set<String> sessionIds() {
        return Collections.unmodifiableSet(books.keySet());
    }

    /** Records a response: the coordinates of a frame. */
    public void responded(String sessionId, long sequence) {
        answer(sessionId, sequence, RESPONDED);
    }

    /**
     * Records an annotated frame, the response to an image frame. An image frame with a face is
     * answered by its annotated frame and its coordinates together: the pair is one answer, in
     * either order, and only a second record of the same kind is a duplicate.
     */
    public void annotated(String sessionId, long sequence) {
        answer(sessionId, sequence, ANNOTATED);
    }

    /** Records a drop with its reason. */
    public void dropped(String sessionId, long sequence, DropReason reason) {
        answer(sessionId, sequence, (reason.ordinal() + 1) << REASON_SHIFT);
    }

    private void answer(String sessionId, long sequence, int what) {
        Book book = books.get(sessionId);
        if (book == null) {
            foreignAnswers++;
            return;
        }
        int state = book.covers(sequence) ? book.get(sequence) : 0;
        if ((state & SENT) == 0) {
            book.unexpected++;
            return;
        }
        boolean response = what == RESPONDED || what == ANNOTATED;
        boolean dropped = (state >>> REASON_SHIFT & 0x7) != 0;
        if ((state & ANSWERED_BEFORE) == 0) {
            outstanding--;
        } else if (!response || dropped || (state & what) != 0) {
            // a drop after anything, anything after a drop, or the same kind of response twice
            state |= DUPLICATED;
        }
        state |= ANSWERED_BEFORE;
        if (response || !dropped) {
            // a response outranks a drop; of several drops the first reason stands
            state |= what;
        }
        book.set(sequence, state);
    }

    /** Frames sent and not answered yet. */
    public long outstanding() {
        return outstanding;
    }

    /** The books as they stand. */
    public AccountingReport report() {
        List<SessionAccount> accounts = new ArrayList<>(books.size());
        DropReason[] reasons = DropReason.values();
        books.forEach((sessionId, book) -> {
            long answered = 0;
            long duplicated = 0;
            long unaccounted = 0;
            Map<DropReason, Long> dropped = new EnumMap<>(DropReason.class);
            for (int i = 0; i < book.length; i++) {
                int state = book.states[i];
                if ((state & SENT) == 0) {
                    continue;
                }
                if ((state & DUPLICATED) != 0) {
                    duplicated++;
                }
                if ((state & (RESPONDED | ANNOTATED)) != 0) {
                    answered++;
                } else if ((state & ANSWERED_BEFORE) != 0) {
                    dropped.merge(reasons[(state >>> REASON_SHIFT & 0x7) - 1], 1L, Long::sum);
                } else {
                    unaccounted++;
                }
            }
            accounts.add(new SessionAccount(sessionId, book.sent, answered, dropped, duplicated,
                    unaccounted, book.unexpected));
        });
        return new AccountingReport(accounts, foreignAnswers);
    }

    /** One session's states, indexed by sequence minus {@link #base}. */
    private static final class Book {
        long base;
        int length;
        byte[] states = new byte[0];
        long sent;
        long unexpected;

        boolean covers(long sequence) {
            return sequence >= base && sequence - base < length;
        }

        int get(long sequence) {
            return states[(int) (sequence - base)] & 0xff;
        }

        void set(long sequence, int state) {
            states[(int) (sequence - base)] = (byte) state;
        }

        /** Grows the range to include {@code sequence}; false when it would grow too wide. */
        boolean extendTo(long sequence) {
            if (length == 0) {
                base = sequence;
                length = 1;
                states = new byte[16];
                return true;
            }
            long low = Math.min(base, sequence);
            long high = Math.max(base + length - 1, sequence);
            if (high - low + 1 > MAX_SPAN) {
                return false;
            }
            int newLength = (int) (high - low + 1);
            int shift = (int) (base - low);
            if (shift == 0 && newLength <= states.length) {
                length = newLength;
                return true;
            }
            byte[] grown = new byte[(int) Math.min(MAX_SPAN, Math.max(newLength, 2L * states.length))];
            System.arraycopy(states, 0, grown, shift, length);
            states = grown;
            base = low;
            length = newLength;
            return true;
        }
    }
}
