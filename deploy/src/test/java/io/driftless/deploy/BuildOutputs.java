package io.driftless.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The build outputs the deployments use: jars copied into images or mounted into containers. */
final class BuildOutputs {

    static final String DOCKERFILES = "deploy/docker";
    private static final Pattern MAIN_CLASS = Pattern.compile("<mainClass>\\s*([\\w.]+)\\s*</mainClass>");

    private BuildOutputs() {}

    static boolean isBuildOutput(String path) {
        return path.contains("/target/");
    }

    /** Every Dockerfile under deploy/docker. */
    static List<Dockerfile> dockerfiles(Repository repository) {
        List<Dockerfile> dockerfiles = new ArrayList<>();
        try (Stream<Path> files = Files.walk(repository.resolve(DOCKERFILES))) {
            files.filter(p -> p.getFileName().toString().equals("Dockerfile"))
                    .sorted()
                    .forEach(p -> dockerfiles.add(Dockerfile.read(repository, repository.root().relativize(p).toString())));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + DOCKERFILES, e);
        }
        return dockerfiles;
    }

    /** Jars the compose services mount and the Dockerfiles copy, as repository paths. */
    static Set<String> jarsTheDeploymentsRun(Repository repository, ComposeFile compose) {
        Set<String> jars = new LinkedHashSet<>();
        for (ComposeFile.Service service : compose.services()) {
            service.bindMounts().keySet().stream().filter(s -> s.endsWith(".jar")).forEach(jars::add);
        }
        for (Dockerfile dockerfile : dockerfiles(repository)) {
            dockerfile.copySources.stream().filter(s -> s.endsWith(".jar")).forEach(jars::add);
        }
        return jars;
    }

    /** The main class flink-job's shaded jar declares. */
    static String jobMainClass(Repository repository) {
        Matcher m = MAIN_CLASS.matcher(repository.read("flink-job/pom.xml"));
        if (!m.find()) {
            throw new IllegalStateException("flink-job/pom.xml declares no <mainClass> for the job jar");
        }
        return m.group(1);
    }

    /**
     * Whether .dockerignore lets {@code path} into the build context: its rules in order, the
     * last match deciding, {@code *} for everything and {@code !path} for an exception.
     */
    static boolean dockerIgnoreLetsThrough(Repository repository, String path) {
        if (!repository.exists(".dockerignore")) {
            return true;
        }
        boolean included = true;
        for (String raw : repository.read(".dockerignore").split("\n")) {
            String rule = raw.trim();
            if (rule.isEmpty() || rule.startsWith("#")) {
                continue;
            }
            boolean exception = rule.startsWith("!");
            String pattern = exception ? rule.substring(1) : rule;
            if (pattern.equals("*") || pattern.equals(path) || path.startsWith(pattern + "/")) {
                included = exception;
            }
        }
        return included;
    }
}
