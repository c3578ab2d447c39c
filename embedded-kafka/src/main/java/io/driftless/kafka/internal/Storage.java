package io.driftless.kafka.internal;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Formatting of the broker's single data directory, which also holds the metadata log. */
public final class Storage {

    private Storage() {}

    /**
     * Formats an empty or missing directory for a new single-node cluster and leaves a formatted one
     * as it is, so a broker restarted on it keeps its cluster id and records.
     *
     * <p>Formats with the newest production metadata version: the test kit's choice, the newest
     * unstable one, would not be readable by a later Kafka that finalised that version differently.
     *
     * @param scramArguments SCRAM credentials to write into the new cluster's metadata, in the
     *     formatter's {@code --add-scram} syntax; a formatted directory keeps the ones it has
     * @return whether the directory was formatted now
     * @throws IllegalStateException if the directory holds other files, which a broker would try to
     *     load as partitions
     */
    public static boolean formatIfNeeded(Path directory, List<String> scramArguments) throws Exception {
        Files.createDirectories(directory);
        if (Files.exists(directory.resolve(MetaPropertiesEnsemble.META_PROPERTIES_NAME))) {
            return false;
        }
        if (!isEmpty(directory)) {
            throw new IllegalStateException("the data directory " + directory
                    + " is neither empty nor a Kafka data directory (it has no "
                    + MetaPropertiesEnsemble.META_PROPERTIES_NAME
                    + "): point dataDirectory at an empty directory or one a broker used before");
        }
        String path = directory.toAbsolutePath().toString();
        new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(BrokerProperties.NODE_ID)
                .setClusterId(Uuid.randomUuid().toString())
                .setDirectories(List.of(path))
                .setMetadataLogDirectory(path)
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .setControllerListenerName(BrokerProperties.CONTROLLER_LISTENER)
                .setScramArguments(scramArguments)
                .run();
        return true;
    }

    private static boolean isEmpty(Path directory) throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.findAny().isEmpty();
        }
    }
}
