package io.driftless.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftless.job.testutils.CapturedLogs;
import io.driftless.job.testutils.ConfigurationViews;
import io.driftless.job.testutils.JobUnderTest;
import io.driftless.job.testutils.SecuredPath;
import io.driftless.kafka.EmbeddedKafkaBroker;
import io.driftless.kafka.SelfSignedCertificates;
import io.driftless.kafka.SelfSignedCertificates.Identity;
import io.driftless.source.FrameSourceException;
import io.driftless.source.RunSummary;
import io.driftless.source.SyntheticRun;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path over TLS with client certificates: the job and the client get their Kafka
 * security settings passed through, a client without a certificate the broker trusts is refused,
 * and the store password shows up neither in the logs nor in the web UI's configuration views.
 */
class SecureKafkaITCase {

    /** Distinctive, so a leak anywhere is found by a plain search. */
    private static final String PASSWORD = "pw-5ecr3t-7d1f";

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    @TempDir
    static Path stores;

    private static Identity client;
    private static Path clientTrust;
    private static EmbeddedKafkaBroker kafka;
    private JobUnderTest job;

    @BeforeAll
    static void startTlsBroker() {
        Identity broker = SelfSignedCertificates.create(stores, "broker", PASSWORD);
        client = SelfSignedCertificates.create(stores, "client", PASSWORD);
        Path brokerTrust = SelfSignedCertificates.trustStore(stores.resolve("broker-trust.p12"), PASSWORD, broker, client);
        clientTrust = SelfSignedCertificates.trustStore(stores.resolve("client-trust.p12"), PASSWORD, broker);
        kafka = EmbeddedKafkaBroker.builder()
                .defaultPartitions(2)
                .tls(broker.keyStore(), PASSWORD, brokerTrust, PASSWORD)
                .brokerProperty("ssl.client.auth", "required")
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

    /** Standard Kafka client settings for TLS with a client certificate; none is driftless-specific. */
    private static Map<String, String> tls(boolean withCertificate) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("security.protocol", "SSL");
        settings.put("ssl.truststore.location", clientTrust.toString());
        settings.put("ssl.truststore.password", PASSWORD);
        if (withCertificate) {
            settings.put("ssl.keystore.location", client.keyStore().toString());
            settings.put("ssl.keystore.password", PASSWORD);
        }
        return settings;
    }

    @Test
    void servesTheWholePathOverTlsAndRefusesAClientWithoutACertificate(
            @InjectClusterClient RestClusterClient<?> rest) throws Exception {
        Map<String, String> flink = SecuredPath.inFlinkConfiguration(tls(true));
        JobConfig config = SecuredPath.jobConfig(kafka.bootstrapServers(), "secure", flink);

        StringWriter logs = new StringWriter();
        RunSummary summary;
        try (CapturedLogs captured = CapturedLogs.start(logs)) {
            assertThat(io.driftless.job.kafka.TopicSetup.createMissing(config)).hasSize(4);
            job = JobUnderTest.start(config, DriftlessJob.poseInference(config), flink);
            job.awaitServing();
            try (SyntheticRun run = new SyntheticRun(SecuredPath.users(config, tls(true)))) {
                summary = run.run();
            }
        }

        assertThat(summary.sent()).isGreaterThan(300);
        assertThat(summary.unanswered()).isZero();
        assertThat(summary.responses()).isGreaterThan(summary.sent() / 2);

        try (SyntheticRun stranger = new SyntheticRun(SecuredPath.users(config, tls(false)))) {
            assertThatThrownBy(stranger::run).isInstanceOf(FrameSourceException.class);
        }

        assertThat(logs.toString()).as("log lines at INFO and above").contains("ssl.keystore.password")
                .doesNotContain(PASSWORD);
        // every configuration view of the web UI: the cluster's, and the job's own
        String jobId = job.client().getJobID().toString();
        Map<String, String> views = ConfigurationViews.fetch(rest.getWebInterfaceURL(), jobId);
        assertThat(views.get("/jobmanager/config")).contains("taskmanager.numberOfTaskSlots");
        assertThat(views.get("/jobs/" + jobId + "/config")).contains(jobId);
        assertThat(views).allSatisfy((path, body) -> assertThat(body).as(path).doesNotContain(PASSWORD));
    }
}
