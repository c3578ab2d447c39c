package io.driftless.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ConfigurationUtils;
import org.apache.flink.configuration.GlobalConfiguration;

/**
 * The Flink distribution's layout, assembled from Maven artifacts at build time (this module's
 * pom copies them): {@code lib/} with Flink's jars and log4j, {@code plugins/metrics-prometheus/}
 * with the Prometheus reporter. {@link #writeConf} adds a {@code conf/} built from a deployed
 * {@code config.yaml}.
 *
 * <pre>{@code
 * FlinkDistribution flink = FlinkDistribution.at(Path.of("flink-cluster/target/flink"));
 * Configuration conf = flink.writeConf(confDir, Path.of("deploy/flink/config.yaml"), Map.of("rest.port", "18081"));
 * }</pre>
 */
public final class FlinkDistribution {

    /** Flink's Java 17 flags; a cluster without them fails translating the job's Kafka sinks. */
    public static final String JAVA_OPTS_ALL = "env.java.opts.all";
    /** Log4j lines the deployment appends to the distribution's logging configuration. */
    public static final String LOG_FILTERS = "log4j-filters.properties";

    private final Path home;

    private FlinkDistribution(Path home) {
        this.home = home;
    }

    /** The layout under {@code home}, checked to hold Flink's runtime and the reporter plugin. */
    public static FlinkDistribution at(Path home) {
        Path lib = home.resolve("lib");
        if (!hasJar(lib, "flink-runtime-") || !hasJar(lib, "flink-clients-") || !hasJar(lib, "flink-runtime-web-")) {
            throw new IllegalArgumentException("no Flink distribution at " + home.toAbsolutePath()
                    + ": lib/ lacks flink-runtime, flink-clients or flink-runtime-web; build the flink-cluster"
                    + " module (mvn -pl flink-cluster -am verify) so that its pom lays them out");
        }
        if (!hasJar(home.resolve("plugins").resolve("metrics-prometheus"), "flink-metrics-prometheus-")) {
            throw new IllegalArgumentException("no plugins/metrics-prometheus/flink-metrics-prometheus-*.jar under "
                    + home.toAbsolutePath() + ": the deployed config names the Prometheus reporter");
        }
        return new FlinkDistribution(home.toAbsolutePath());
    }

    public Path home() {
        return home;
    }

    public Path lib() {
        return home.resolve("lib");
    }

    public Path plugins() {
        return home.resolve("plugins");
    }

    /** Every jar in {@code lib/}, sorted, as the distribution's scripts build the classpath. */
    public String classpath() {
        try (Stream<Path> jars = Files.list(lib())) {
            return jars.filter(p -> p.toString().endsWith(".jar")).sorted().map(Path::toString)
                    .collect(Collectors.joining(java.io.File.pathSeparator));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes {@code confDir/config.yaml}: the {@code deployed} file as Flink reads it, with
     * {@code overrides} on top, plus {@code log4j.properties} in the distribution's style with the
     * deployed {@value #LOG_FILTERS} beside {@code deployed}, if there is one, appended as the job
     * image appends it to the distribution's.
     *
     * @return the written configuration
     * @throws IllegalStateException if the deployed file lacks {@value #JAVA_OPTS_ALL}
     */
    public Configuration writeConf(Path confDir, Path deployed, Map<String, String> overrides) {
        if (!Files.isRegularFile(deployed) || !deployed.getFileName().toString().equals("config.yaml")) {
            throw new IllegalArgumentException("deployed config " + deployed + " is not a config.yaml file");
        }
        Configuration conf = GlobalConfiguration.loadConfiguration(deployed.getParent().toString());
        String javaOpts = conf.toMap().get(JAVA_OPTS_ALL);
        if (javaOpts == null || !javaOpts.contains("--add-opens=java.base/java.util=ALL-UNNAMED")) {
            throw new IllegalStateException(deployed + " has no " + JAVA_OPTS_ALL + " with Flink's Java 17 flags"
                    + " (--add-opens=java.base/java.util=ALL-UNNAMED and the rest): without them `flink run` fails"
                    + " translating the job's Kafka sinks (InaccessibleObjectException). Copy the key from the"
                    + " Flink distribution's conf/config.yaml (flink-dist/src/main/resources/config.yaml).");
        }
        overrides.forEach(conf::setString);
        try {
            Files.createDirectories(confDir);
            List<String> lines = new ArrayList<>();
            lines.add("# " + deployed.toAbsolutePath() + " with a local cluster's addresses, folders and sizes");
            lines.addAll(ConfigurationUtils.convertConfigToWritableLines(conf, false));
            Files.write(confDir.resolve("config.yaml"), lines, StandardCharsets.UTF_8);
            Path log4jProperties = confDir.resolve("log4j.properties");
            try (InputStream log4j = FlinkDistribution.class.getResourceAsStream("log4j.properties")) {
                Files.copy(log4j, log4jProperties, StandardCopyOption.REPLACE_EXISTING);
            }
            Path filters = deployed.resolveSibling(LOG_FILTERS);
            if (Files.isRegularFile(filters)) {
                Files.write(log4jProperties, Files.readAllBytes(filters), StandardOpenOption.APPEND);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + confDir, e);
        }
        return GlobalConfiguration.loadConfiguration(confDir.toString());
    }

    /** The JVM options of a Flink process: {@code env.java.opts.all} and then the role's own. */
    public static List<String> javaOpts(Configuration conf, String role) {
        List<String> opts = new ArrayList<>();
        for (String key : List.of(JAVA_OPTS_ALL, "env.java.opts." + role)) {
            String value = conf.toMap().get(key);
            if (value != null && !value.isBlank()) {
                opts.addAll(List.of(value.trim().split("\\s+")));
            }
        }
        return opts;
    }

    /**
     * What {@code BashJavaUtils GET_JM_RESOURCE_PARAMS|GET_TM_RESOURCE_PARAMS} says, as the
     * distribution's scripts ask it: JVM memory flags, then dynamic properties for the process.
     */
    public ResourceParams resourceParams(String command, Path confDir, List<String> dynamicProperties, Path workDir) {
        List<String> args = new ArrayList<>(List.of(command, "--configDir", confDir.toString()));
        args.addAll(dynamicProperties);
        Path output = workDir.resolve("log").resolve(command.toLowerCase() + "-" + System.nanoTime() + ".out");
        try (ChildJvm utils = ChildJvm.start("BashJavaUtils", List.of("-Xmx128m"), classpath(),
                "org.apache.flink.runtime.util.bash.BashJavaUtils", args, Map.of(), output)) {
            int exit = utils.awaitExit(Duration.ofMinutes(1));
            List<String> results;
            try (Stream<String> lines = Files.lines(output, StandardCharsets.UTF_8)) {
                results = lines.filter(l -> l.startsWith("BASH_JAVA_UTILS_EXEC_RESULT:"))
                        .map(l -> l.substring("BASH_JAVA_UTILS_EXEC_RESULT:".length()).trim())
                        .toList();
            }
            if (exit != 0 || results.isEmpty()) {
                throw new IllegalStateException("BashJavaUtils " + command + " failed (exit " + exit + "):\n"
                        + ChildJvm.tail(output, 30));
            }
            List<String> jvm = List.of(results.get(0).split("\\s+"));
            List<String> dynamic = results.size() > 1 && !results.get(1).isBlank()
                    ? List.of(results.get(1).split("\\s+")) : List.of();
            return new ResourceParams(jvm, dynamic);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code BashJavaUtils}' answer: JVM flags ({@code -Xmx…}) and {@code -D key=value} pairs. */
    public record ResourceParams(List<String> jvmOptions, List<String> dynamicProperties) {}

    private static boolean hasJar(Path dir, String prefix) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(p -> p.getFileName().toString().startsWith(prefix)
                    && p.getFileName().toString().endsWith(".jar"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
