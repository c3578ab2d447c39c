package io.driftless.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * The HMAC key that signs and checks session tokens. Its {@link #toString()} never shows it, so
 * no log line can.
 */
public final class TokenKey {

    /** The variable a deployment puts the key in, base64. */
    public static final String ENVIRONMENT_VARIABLE = "DRIFTLESS_GATEWAY_TOKEN_KEY";

    /** HS256 needs at least 256 bits. */
    public static final int MIN_BYTES = 32;

    private final byte[] bytes;
    private final String source;

    private TokenKey(byte[] bytes, String source) {
        if (bytes.length < MIN_BYTES) {
            throw new IllegalArgumentException("the token key from " + source + " has " + bytes.length
                    + " bytes; HS256 needs at least " + MIN_BYTES + " (e.g. head -c 32 /dev/urandom | base64)");
        }
        this.bytes = bytes.clone();
        this.source = source;
    }

    /** A key of {@code bytes}. */
    public static TokenKey of(byte[] bytes) {
        return new TokenKey(bytes, "the caller");
    }

    /** A fresh random key: tokens then hold on this instance only. */
    public static TokenKey random() {
        byte[] bytes = new byte[MIN_BYTES];
        new SecureRandom().nextBytes(bytes);
        return new TokenKey(bytes, "a random key");
    }

    /** The base64 key in {@code file} (surrounding white space ignored). */
    public static TokenKey fromFile(Path file) {
        try {
            return new TokenKey(decode(Files.readString(file).strip(), file.toString()), file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the token key file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The base64 key in {@link #ENVIRONMENT_VARIABLE}, or null when it is not set. */
    public static TokenKey fromEnvironment() {
        String value = System.getenv(ENVIRONMENT_VARIABLE);
        return value == null || value.isBlank() ? null
                : new TokenKey(decode(value.strip(), ENVIRONMENT_VARIABLE), ENVIRONMENT_VARIABLE);
    }

    private static byte[] decode(String base64, String source) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the token key in " + source + " is not base64", e);
        }
    }

    byte[] bytes() {
        return bytes.clone();
    }

    /** Where the key came from, never the key. */
    @Override
    public String toString() {
        return "token key from " + source;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenKey other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }
}
