package io.driftless.gateway.testutils;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * What the tests' logging configuration ({@code log4j2-test.properties}) wrote to its file since this
 * was started: the gateway's own code at DEBUG and Jetty at INFO, as an operator's log would hold
 * them, to check what a log line says and what it must never say.
 */
public final class CapturedLog {

    private static final Path FILE = Path.of("target", "gateway-test.log");

    private final long start;

    private CapturedLog(long start) {
        this.start = start;
    }

    public static CapturedLog start() {
        try {
            return new CapturedLog(Files.exists(FILE) ? Files.size(FILE) : 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lines logged since the start. */
    public String text() {
        try {
            byte[] all = Files.readAllBytes(FILE);
            return new String(Arrays.copyOfRange(all, (int) Math.min(start, all.length), all.length),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
