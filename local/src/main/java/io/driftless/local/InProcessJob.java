package io.driftless.local;

import io.driftless.inference.MicroClock;
import io.driftless.job.DriftlessJob;
import io.driftless.job.JobConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The job on a Flink MiniCluster in this JVM, with the web UI and the Prometheus reporter. */
final class InProcessJob implements LocalJob {

    private final JobClient job;
    private final LocalSystem.Ports ports;

    private InProcessJob(JobClient job, LocalSystem.Ports ports) {
        this.job = job;
        this.ports = ports;
    }

    /** Submits the job and returns once it runs. */
    static InProcessJob start(JobConfig config, LocalSystem.Ports ports, int parallelism, Path checkpoints)
            throws Exception {
        Configuration flink = new Configuration();
        flink.set(RestOptions.PORT, ports.web());
        flink.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        if (ports.prometheusEnabled()) {
            flink.setString("metrics.reporter.prom.factory.class",
                    "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
            flink.setString("metrics.reporter.prom.port", Integer.toString(ports.prometheus()));
        }
        JobConfig.applyFlinkDefaults(flink);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(flink);
        env.setParallelism(parallelism);
        DriftlessJob.build(env, config, MicroClock.system());
        JobClient job = env.executeAsync("driftless");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (job.getJobStatus().get() != JobStatus.RUNNING) {
            if (job.getJobStatus().get().isGloballyTerminalState()) {
                job.getJobExecutionResult().get();
                throw new IllegalStateException("the job ended before it ran");
            }
            if (System.nanoTime() > deadline) {
                job.cancel();
                throw new IllegalStateException("the job did not start within 60 s");
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        return new InProcessJob(job, ports);
    }

    @Override
    public String webUi() {
        return "http://localhost:" + ports.web();
    }

    @Override
    public List<String> metricsEndpoints() {
        return ports.prometheusEnabled() ? List.of("http://localhost:" + ports.prometheus() + "/metrics") : List.of();
    }

    @Override
    public String describe() {
        return "in this JVM, on a Flink MiniCluster";
    }

    /** Cancels the job and waits for it to end; the MiniCluster goes with it. */
    @Override
    public void close() throws Exception {
        job.cancel().get(30, TimeUnit.SECONDS);
        try {
            job.getJobExecutionResult().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException cancelled) {
            // the expected end of a cancelled job
        }
    }
}
