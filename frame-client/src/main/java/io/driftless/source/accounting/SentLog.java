package io.driftless.source.accounting;

import io.driftless.source.FrameSourceException;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The client's own record of what it sent: one line per frame, {@code session<TAB>sequence}.
 *
 * <p>Plain text so a person can grep it and any client, in any language, can write it. The
 * writer buffers and is meant for the one sending thread; lines still buffered when the process
 * dies are lost, so close it before checking the books.
 */
public final class SentLog implements AutoCloseable {

    private static final int BUFFER_CHARS = 1 << 16;

    private final Path file;
    private final BufferedWriter out;

    private SentLog(Path file, BufferedWriter out) {
        this.file = file;
        this.out = out;
    }

    /** Creates (or truncates) the log at {@code file}. */
    public static SentLog create(Path file) {
        try {
            return new SentLog(file, new BufferedWriter(
                    Files.newBufferedWriter(file, StandardCharsets.UTF_8), BUFFER_CHARS));
        } catch (IOException e) {
            throw new FrameSourceException("cannot write the sent log " + file + ": " + e.getMessage(), e);
        }
    }

    public Path file() {
        return file;
    }

    public void record(String sessionId, long sequence) {
        try {
            out.write(sessionId);
            out.write('\t');
            out.write(Long.toString(sequence));
            out.write('\n');
        } catch (IOException e) {
            throw new FrameSourceException("cannot write the sent log " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new FrameSourceException("cannot close the sent log " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a sent log into {@code ledger}. Blank lines and lines starting with {@code #} are
     * skipped; any other line that is not {@code session<TAB>sequence} fails with its number.
     */
    public static void readInto(Path file, FrameLedger ledger) {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            long number = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                number++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int tab = line.indexOf('\t');
                long sequence = tab > 0 ? parseSequence(line, tab + 1) : -1;
                if (sequence < 0) {
                    throw new FrameSourceException("line " + number + " of the sent log " + file
                            + " is not 'session<TAB>sequence': '" + line + "'");
                }
                ledger.sent(line.substring(0, tab), sequence);
            }
        } catch (IOException e) {
            throw new FrameSourceException("cannot read the sent log " + file + ": " + e.getMessage(), e);
        }
    }

    private static long parseSequence(String line, int from) {
        try {
            return Long.parseLong(line, from, line.length(), 10);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
