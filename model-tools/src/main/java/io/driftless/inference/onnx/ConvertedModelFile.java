package io.driftless.inference.onnx;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * What the converters' command lines share: the {@code --sha256} pin a source must match, and
 * the ONNX file they write.
 */
public final class ConvertedModelFile {

    private ConvertedModelFile() {}

    /** The SHA-256 of {@code bytes}, as 64 lowercase hex digits. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Refuses a {@code --sha256} that is not 64 hex digits; null (no pin) passes. */
    public static void checkSha256Option(CommandLine commandLine, String sha256) {
        if (sha256 != null && !sha256.matches("[0-9a-fA-F]{64}")) {
            throw new ParameterException(commandLine, "--sha256 must be 64 hex digits, got '" + sha256 + "'");
        }
    }

    /**
     * Writes {@code onnx} to {@code out}, making its folder if need be.
     *
     * @return whether it was written; if not, {@code err} has said why
     */
    public static boolean write(Path out, byte[] onnx, PrintStream err) {
        try {
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.write(out, onnx);
            return true;
        } catch (IOException e) {
            err.println("error: cannot write " + out + ": " + e);
            return false;
        }
    }
}
