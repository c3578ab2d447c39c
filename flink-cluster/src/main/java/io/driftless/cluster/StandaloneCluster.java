package io.driftless.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.configuration.Configuration;

/**
 * A standalone Flink session cluster on this machine, each process a JVM of its own started as
 * the distribution's scripts start it: a JobManager ({@code StandaloneSessionClusterEntrypoint})
 * and TaskManagers ({@code TaskManagerRunner}), memory flags from {@code BashJavaUtils}, JVM
 * options from {@code env.java.opts.*}. Its {@code conf/config.yaml} is the deployed one with
 * only what a local cluster must change: addresses and ports, checkpoint and savepoint folders,
 * memory sizes.
 *
 * <pre>{@code
 * try (StandaloneCluster cluster = StandaloneCluster.builder()
 *         .distribution(FlinkDistribution.at(Path.of("flink-cluster/target/flink")))
 *         .deployedConfig(Path.of("deploy/flink/config.yaml"))
 *         .workDir(Path.of("flink-cluster/target/cluster/my-test"))
 *         .taskManagers(2)
 *         .config("heartbeat.timeout", "5 s")
 *         .build()) {
 *     cluster.start();
 *     String jar = cluster.rest().uploadJar(jobJar);
 *     ...
 *     cluster.killTaskManager(0);
 *     cluster.startTaskManager();
 * }
 * }</pre>
 */
public final class StandaloneCluster implements AutoCloseable {

    /** Memory sizes that let a JobManager and three TaskManagers share a small machine. */
    public static final String LOCAL_JOBMANAGER_MEMORY = "1024m";
    public static final String LOCAL_TASKMANAGER_MEMORY = "1280m";

    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

    private final FlinkDistribution flink;
    private final Path deployedConfig;
    private final Path workDir;
    private final int initialTaskManagers;
    private final int requestedRestPort;
    private final Map<String, String> overrides;

    private final List<TaskManagerProcess> taskManagers = new ArrayList<>();
    private Path confDir;
    private Path logDir;
    private Configuration conf;
    private ChildJvm jobManager;
    private ClusterRest rest;
    private int restPort;
    private int jobManagerPrometheusPort;
    private FlinkDistribution.ResourceParams taskManagerParams;
    private FlinkCli cli;

    StandaloneCluster(FlinkDistribution flink, Path deployedConfig, Path workDir, int taskManagers, int restPort,
            Map<String, String> overrides) {
        this.flink = flink;
        this.deployedConfig = deployedConfig;
        this.workDir = workDir.toAbsolutePath();
        this.initialTaskManagers = taskManagers;
        this.requestedRestPort = restPort;
        this.overrides = overrides;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Writes conf/, starts the JobManager and the TaskManagers, and returns once all registered. */
    public StandaloneCluster start() {
        if (jobManager != null) {
            throw new IllegalStateException("the cluster in " + workDir + " is started already");
        }
        try {
            Files.createDirectories(workDir);
            confDir = workDir.resolve("conf");
            logDir = workDir.resolve("log");
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        restPort = requestedRestPort != 0 ? requestedRestPort : FreePorts.next();
        Map<String, String> local = new LinkedHashMap<>();
        local.put("jobmanager.rpc.address", "localhost");
        local.put("jobmanager.rpc.port", String.valueOf(FreePorts.next()));
        local.put("rest.address", "localhost");
        local.put("rest.port", String.valueOf(restPort));
        local.put("taskmanager.host", "localhost");
        local.put("execution.checkpointing.dir", workDir.resolve("checkpoints").toUri().toString());
        local.put("execution.checkpointing.savepoint-dir", workDir.resolve("savepoints").toUri().toString());
        local.put("jobmanager.memory.process.size", LOCAL_JOBMANAGER_MEMORY);
        local.put("taskmanager.memory.process.size", LOCAL_TASKMANAGER_MEMORY);
        local.putAll(overrides);
        conf = flink.writeConf(confDir, deployedConfig, local);
        rest = new ClusterRest(URI.create("http://localhost:" + restPort));
        try {
            startJobManager();
            startTaskManagers(initialTaskManagers);
        } catch (RuntimeException e) {
            String logs = diagnostics();
            close();
            throw new IllegalStateException("the cluster did not start: " + e.getMessage() + "\n" + logs, e);
        }
        return this;
    }

    private void startJobManager() {
        Path tmp = directory("jobmanager-tmp");
        FlinkDistribution.ResourceParams params =
                flink.resourceParams("GET_JM_RESOURCE_PARAMS", confDir, List.of(), workDir);
        List<String> jvm = new ArrayList<>(params.jvmOptions());
        jvm.addAll(FlinkDistribution.javaOpts(conf, "jobmanager"));
        jvm.addAll(logSettings("jobmanager"));
        jvm.add("-Djava.io.tmpdir=" + tmp);
        List<String> args = new ArrayList<>(List.of("--configDir", confDir.toString()));
        args.addAll(params.dynamicProperties());
        jobManagerPrometheusPort = FreePorts.next();
        args.addAll(List.of("-D", "metrics.reporter.prom.port=" + jobManagerPrometheusPort));
        jobManager = ChildJvm.start("jobmanager", jvm, flink.classpath(),
                "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint", args, environment(),
                logDir.resolve("jobmanager.out"));
        ClusterRest.awaitCondition("JobManager REST on port " + restPort + " up", START_TIMEOUT, () -> {
            if (!jobManager.isAlive()) {
                throw new IllegalStateException("the JobManager exited; its log ends:\n"
                        + ChildJvm.tail(logDir.resolve("jobmanager.log"), 40));
            }
            return rest.reachable();
        });
    }

    /** Starts one more TaskManager and returns once the JobManager lists it. */
    public TaskManagerProcess startTaskManager() {
        return startTaskManagers(1).get(0);
    }

    /** Starts {@code count} more TaskManagers side by side and returns once the JobManager lists them all. */
    public List<TaskManagerProcess> startTaskManagers(int count) {
        List<TaskManagerProcess> started = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            started.add(launchTaskManager());
        }
        for (TaskManagerProcess tm : started) {
            ClusterRest.awaitCondition(tm.resourceId() + " registered at the JobManager", START_TIMEOUT, () -> {
                if (!tm.isAlive()) {
                    throw new IllegalStateException(tm.resourceId() + " exited; its log ends:\n"
                            + ChildJvm.tail(tm.logFile(), 40));
                }
                return rest.taskManagers().stream().anyMatch(t -> t.id().equals(tm.resourceId()));
            });
        }
        return started;
    }

    private TaskManagerProcess launchTaskManager() {
        int index = taskManagers.size();
        String resourceId = "tm-" + index;
        Path tmp = directory(resourceId + "-tmp");
        if (taskManagerParams == null) {
            // the same conf/ gives every TaskManager the same sizes: ask once
            taskManagerParams = flink.resourceParams("GET_TM_RESOURCE_PARAMS", confDir, List.of(), workDir);
        }
        List<String> jvm = new ArrayList<>(taskManagerParams.jvmOptions());
        jvm.addAll(FlinkDistribution.javaOpts(conf, "taskmanager"));
        jvm.addAll(logSettings(resourceId));
        jvm.add("-Djava.io.tmpdir=" + tmp);
        List<String> args = new ArrayList<>(List.of("--configDir", confDir.toString()));
        args.addAll(taskManagerParams.dynamicProperties());
        int prometheusPort = FreePorts.next();
        args.addAll(List.of(
                "-D", "taskmanager.resource-id=" + resourceId,
                "-D", "io.tmp.dirs=" + tmp,
                "-D", "metrics.reporter.prom.port=" + prometheusPort));
        ChildJvm process = ChildJvm.start(resourceId, jvm, flink.classpath(),
                "org.apache.flink.runtime.taskexecutor.TaskManagerRunner", args, environment(),
                logDir.resolve(resourceId + ".out"));
        TaskManagerProcess tm = new TaskManagerProcess(index, resourceId, tmp, logDir.resolve(resourceId + ".log"),
                prometheusPort, process);
        taskManagers.add(tm);
        return tm;
    }

    /** {@code kill -9} of TaskManager {@code index}: it vanishes without a word to the JobManager. */
    public void killTaskManager(int index) {
        taskManager(index).jvm().kill();
    }

    public TaskManagerProcess taskManager(int index) {
        if (index < 0 || index >= taskManagers.size()) {
            throw new IllegalArgumentException("no TaskManager " + index + "; started: " + taskManagers.size());
        }
        return taskManagers.get(index);
    }

    /** Every TaskManager started so far, the killed ones too, in start order. */
    public List<TaskManagerProcess> taskManagers() {
        return List.copyOf(taskManagers);
    }

    /** The TaskManager with this Flink resource id. */
    public TaskManagerProcess taskManager(String resourceId) {
        return taskManagers.stream().filter(t -> t.resourceId().equals(resourceId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no TaskManager " + resourceId));
    }

    public ChildJvm jobManager() {
        return jobManager;
    }

    /** The port of the JobManager's Prometheus endpoint (each process of the cluster has its own). */
    public int jobManagerPrometheusPort() {
        requireStarted();
        return jobManagerPrometheusPort;
    }

    /** The port of the web UI and REST API. */
    public int restPort() {
        requireStarted();
        return restPort;
    }

    public ClusterRest rest() {
        requireStarted();
        return rest;
    }

    /** Flink's command line against this cluster ({@code -m localhost:REST_PORT}). */
    public FlinkCli cli() {
        requireStarted();
        if (cli == null) {
            cli = new FlinkCli(flink, confDir, conf, "localhost:" + restPort, logDir);
        }
        return cli;
    }

    /** The configuration the processes read (conf/config.yaml). */
    public Configuration configuration() {
        requireStarted();
        return conf;
    }

    public Path workDir() {
        return workDir;
    }

    public Path logDir() {
        return logDir;
    }

    /** The tails of every process's log and output, for a failure message. */
    public String diagnostics() {
        if (logDir == null || !Files.isDirectory(logDir)) {
            return "(no logs)";
        }
        StringBuilder text = new StringBuilder();
        try (var files = Files.list(logDir)) {
            for (Path file : files.sorted().toList()) {
                if (file.getFileName().toString().matches("(jobmanager|tm-\\d+|kafka)\\.(log|out)")) {
                    text.append("==== ").append(file).append(" ====\n").append(ChildJvm.tail(file, 30)).append('\n');
                }
            }
        } catch (IOException e) {
            text.append("(could not list ").append(logDir).append(": ").append(e).append(")\n");
        }
        return text.toString();
    }

    /** Stops the TaskManagers, then the JobManager. */
    @Override
    public void close() {
        for (TaskManagerProcess tm : taskManagers) {
            tm.jvm().close();
        }
        if (jobManager != null) {
            jobManager.close();
        }
    }

    private void requireStarted() {
        if (rest == null) {
            throw new IllegalStateException("start() the cluster first");
        }
    }

    private List<String> logSettings(String name) {
        return List.of("-Dlog.file=" + logDir.resolve(name + ".log"),
                "-Dlog4j.configurationFile=" + confDir.resolve("log4j.properties").toUri());
    }

    private Map<String, String> environment() {
        return Map.of("FLINK_CONF_DIR", confDir.toString(),
                "FLINK_LIB_DIR", flink.lib().toString(),
                "FLINK_PLUGINS_DIR", flink.plugins().toString(),
                "FLINK_LOG_DIR", logDir.toString());
    }

    private Path directory(String name) {
        try {
            return Files.createDirectories(workDir.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A cluster's shape; every setter checks its argument. */
    public static final class Builder {
        private FlinkDistribution flink;
        private Path deployedConfig;
        private Path workDir;
        private int taskManagers = 2;
        private int restPort;
        private final Map<String, String> overrides = new LinkedHashMap<>();

        private Builder() {}

        public Builder distribution(FlinkDistribution flink) {
            this.flink = Objects.requireNonNull(flink, "distribution");
            return this;
        }

        /** The {@code config.yaml} that is deployed, e.g. {@code deploy/flink/config.yaml}. */
        public Builder deployedConfig(Path config) {
            Objects.requireNonNull(config, "deployedConfig");
            if (!Files.isRegularFile(config)) {
                throw new IllegalArgumentException("deployedConfig " + config.toAbsolutePath() + " is not a file");
            }
            this.deployedConfig = config;
            return this;
        }

        /** Where conf/, logs, temp folders, checkpoints and savepoints go. */
        public Builder workDir(Path dir) {
            this.workDir = Objects.requireNonNull(dir, "workDir");
            return this;
        }

        public Builder taskManagers(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("taskManagers must be at least 1, got " + count);
            }
            this.taskManagers = count;
            return this;
        }

        /** The web UI and REST port; 0 (the default) picks a free one. */
        public Builder restPort(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("restPort must be in 0..65535, got " + port);
            }
            this.restPort = port;
            return this;
        }

        public Builder slotsPerTaskManager(int slots) {
            if (slots < 1) {
                throw new IllegalArgumentException("slotsPerTaskManager must be at least 1, got " + slots);
            }
            return config("taskmanager.numberOfTaskSlots", String.valueOf(slots));
        }

        /** A setting on top of the deployed file's (and of the local addresses and sizes). */
        public Builder config(String key, String value) {
            Objects.requireNonNull(key, "config key");
            Objects.requireNonNull(value, "config value of " + key);
            if (key.equals("rest.port")) {
                throw new IllegalArgumentException("set the REST port with restPort(int): the harness calls it");
            }
            if (key.equals(FlinkDistribution.JAVA_OPTS_ALL)) {
                throw new IllegalArgumentException(FlinkDistribution.JAVA_OPTS_ALL
                        + " comes from the deployed config, so that what is deployed is what is tested");
            }
            overrides.put(key, value);
            return this;
        }

        public StandaloneCluster build() {
            if (flink == null || deployedConfig == null || workDir == null) {
                throw new IllegalStateException("a cluster needs distribution, deployedConfig and workDir; missing:"
                        + (flink == null ? " distribution" : "") + (deployedConfig == null ? " deployedConfig" : "")
                        + (workDir == null ? " workDir" : ""));
            }
            return new StandaloneCluster(flink, deployedConfig, workDir, taskManagers, restPort, Map.copyOf(overrides));
        }
    }
}
