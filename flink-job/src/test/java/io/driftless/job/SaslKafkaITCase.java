package io.driftless.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftless.job.kafka.TopicSetup;
import io.driftless.job.testutils.CapturedLogs;
import io.driftless.job.testutils.ConfigurationViews;
import io.driftless.job.testutils.JobUnderTest;
import io.driftless.job.testutils.SecuredPath;
import io.driftless.kafka.EmbeddedKafkaBroker;
import io.driftless.source.FrameSourceException;
import io.driftless.source.RunSummary;
import io.driftless.source.SyntheticRun;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole path against a broker that requires SASL/SCRAM-SHA-512 logins: the job and the client
 * log in with standard Kafka settings passed through, a client with a wrong password is refused
 * with a message that says so, and the login (sasl.jaas.config) shows up neither in the logs nor
 * in the web UI's configuration views.
 */
class SaslKafkaITCase {

    /** Distinctive, so a leak anywhere is found by a plain search. */
    private static final String JOB_PASSWORD = "job-pw-9a7c-5ecr3t";
    private static final String CAMERA_PASSWORD = "camera-pw-41e0-5ecr3t";

    /** The job's login as config.yaml would carry it: kafka.<property> keys in the cluster's configuration. */
    private static final Map<String, String> JOB_LOGIN_IN_FLINK =
            SecuredPath.inFlinkConfiguration(login("driftless-job", JOB_PASSWORD));

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setConfiguration(Configuration.fromMap(JOB_LOGIN_IN_FLINK))
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    private static EmbeddedKafkaBroker kafka;
    private JobUnderTest job;

    @BeforeAll
    static void startSaslBroker() {
        kafka = EmbeddedKafkaBroker.builder()
                .defaultPartitions(2)
                .saslScram(Map.of("driftless-job", JOB_PASSWORD, "camera-7", CAMERA_PASSWORD))
                .build();
        kafka.start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @AfterEach
    void cancelJob() throws Exception {
        if (job != null) {
            job.close();
        }
    }

    /** Standard Kafka client settings of a SCRAM login; none is driftless-specific. */
    private static Map<String, String> login(String user, String password) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("security.protocol", "SASL_PLAINTEXT");
        settings.put("sasl.mechanism", "SCRAM-SHA-512");
        settings.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"" + user + "\" password=\"" + password + "\";");
        return settings;
    }

    @Test
    void servesTheWholePathToLoggedInClientsAndRefusesAWrongPassword(
            @InjectClusterClient RestClusterClient<?> rest) throws Exception {
        JobConfig config = SecuredPath.jobConfig(kafka.bootstrapServers(), "sasl", JOB_LOGIN_IN_FLINK);

        StringWriter logs = new StringWriter();
        RunSummary summary;
        try (CapturedLogs captured = CapturedLogs.start(logs)) {
            assertThat(TopicSetup.createMissing(config)).hasSize(4);
            job = JobUnderTest.start(config, DriftlessJob.poseInference(config), JOB_LOGIN_IN_FLINK);
            job.awaitServing();
            try (SyntheticRun run = new SyntheticRun(
                    SecuredPath.users(config, login("camera-7", CAMERA_PASSWORD)))) {
                summary = run.run();
            }
        }

        assertThat(summary.sent()).isGreaterThan(300);
        assertThat(summary.unanswered()).isZero();
        assertThat(summary.responses()).isGreaterThan(summary.sent() / 2);

        try (SyntheticRun impostor = new SyntheticRun(
                SecuredPath.users(config, login("camera-7", JOB_PASSWORD)))) {
            assertThatThrownBy(impostor::run)
                    .isInstanceOf(FrameSourceException.class)
                    .hasMessageContaining("invalid credentials with SASL mechanism SCRAM-SHA-512");
        }

        assertThat(logs.toString()).as("log lines at INFO and above").contains("sasl.jaas.config")
                .doesNotContain(JOB_PASSWORD).doesNotContain(CAMERA_PASSWORD);
        String jobId = job.client().getJobID().toString();
        Map<String, String> views = ConfigurationViews.fetch(rest.getWebInterfaceURL(), jobId);
        assertThat(views.get("/jobmanager/config")).as("the cluster's view lists the login, masked")
                .contains("taskmanager.numberOfTaskSlots", "kafka.sasl.jaas.config", "******");
        assertThat(views.get("/jobs/" + jobId + "/config")).contains(jobId);
        assertThat(views).allSatisfy((path, body) ->
                assertThat(body).as(path).doesNotContain(JOB_PASSWORD).doesNotContain(CAMERA_PASSWORD));
    }
}
