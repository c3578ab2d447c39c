package io.driftless.inference;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads model files from disk or from inside a jar. */
public final class ModelFiles {

    public static final String CLASSPATH = "classpath:";

    private ModelFiles() {}

    /** Reads {@code location}: a file path, or {@code classpath:NAME} for a resource. */
    public static byte[] read(String location) {
        try {
            if (location.startsWith(CLASSPATH)) {
                String name = location.substring(CLASSPATH.length());
                try (InputStream in = ModelFiles.class.getClassLoader().getResourceAsStream(name)) {
                    if (in == null) {
                        throw new IllegalArgumentException("model " + location + " is not on the classpath");
                    }
                    return in.readAllBytes();
                }
            }
            Path path = Path.of(location);
            if (!Files.isRegularFile(path)) {
                throw new IllegalArgumentException("model file " + path.toAbsolutePath() + " does not exist");
            }
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read model " + location, e);
        }
    }
}
