package io.driftless.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftless.kafka.SelfSignedCertificates.Identity;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A broker whose listener speaks TLS and requires client certificates. */
class EmbeddedKafkaBrokerTlsITCase {

    private static final String PASSWORD = "changeit";

    @TempDir
    static Path stores;

    private static Identity client;
    private static Path clientTrust;
    private static EmbeddedKafkaBroker kafka;

    @BeforeAll
    static void startTlsBroker() {
        Identity broker = SelfSignedCertificates.create(stores, "broker", PASSWORD);
        client = SelfSignedCertificates.create(stores, "client", PASSWORD);
        Path brokerTrust = SelfSignedCertificates.trustStore(stores.resolve("broker-trust.p12"), PASSWORD, broker, client);
        clientTrust = SelfSignedCertificates.trustStore(stores.resolve("client-trust.p12"), PASSWORD, broker);
        kafka = EmbeddedKafkaBroker.builder()
                .tls(broker.keyStore(), PASSWORD, brokerTrust, PASSWORD)
                .brokerProperty("ssl.client.auth", "required")
                .build();
        kafka.start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    private static Map<String, Object> tls(Identity presented, Path trusted) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        settings.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        settings.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
        settings.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, trusted.toString());
        settings.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, PASSWORD);
        if (presented != null) {
            settings.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, presented.keyStore().toString());
            settings.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, PASSWORD);
        }
        return settings;
    }

    private static String clusterId(Map<String, Object> settings) throws Exception {
        try (Admin admin = Admin.create(settings)) {
            return admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void servesAClientThatTrustsItAndPresentsATrustedCertificate() throws Exception {
        kafka.createTopic("tls-topic", 2);

        assertThat(clusterId(tls(client, clientTrust))).isNotBlank();
    }

    @Test
    void refusesAClientWithoutACertificate() {
        assertThatThrownBy(() -> clusterId(tls(null, clientTrust)))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(SslAuthenticationException.class);
    }

    @Test
    void refusesAClientWhoseCertificateItDoesNotTrust(@TempDir Path elsewhere) {
        Identity stranger = SelfSignedCertificates.create(elsewhere, "stranger", PASSWORD);

        assertThatThrownBy(() -> clusterId(tls(stranger, clientTrust)))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(SslAuthenticationException.class);
    }

    @Test
    void isRefusedByAClientThatDoesNotTrustIt(@TempDir Path elsewhere) {
        Identity stranger = SelfSignedCertificates.create(elsewhere, "stranger", PASSWORD);
        Path trustsOnlyStranger = SelfSignedCertificates.trustStore(elsewhere.resolve("t.p12"), PASSWORD, stranger);

        assertThatThrownBy(() -> clusterId(tls(client, trustsOnlyStranger)))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(SslAuthenticationException.class);
    }

    @Test
    void plaintextClientsGetNoAnswer() {
        Map<String, Object> plaintext = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 1_000);

        assertThatThrownBy(() -> clusterId(plaintext)).isInstanceOf(ExecutionException.class);
    }
}
