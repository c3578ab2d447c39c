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
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A broker whose listener requires SASL/SCRAM-SHA-512 logins. */
class EmbeddedKafkaBrokerSaslITCase {

    private static final Map<String, String> USERS = Map.of("alice", "alice-pw, with \"quotes\" and =", "bob", "bob-pw");

    private static EmbeddedKafkaBroker kafka;

    @BeforeAll
    static void startSaslBroker() {
        kafka = EmbeddedKafkaBroker.builder().saslScram(USERS).build();
        kafka.start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    /** The standard client settings of a SCRAM login; the JAAS value escapes quotes in the password. */
    static Map<String, Object> scram(EmbeddedKafkaBroker broker, String protocol, String user, String password) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        settings.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        settings.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, protocol);
        settings.put(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512");
        settings.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"" + user + "\" password=\"" + password.replace("\"", "\\\"") + "\";");
        return settings;
    }

    private static String clusterId(Map<String, Object> settings) throws Exception {
        try (Admin admin = Admin.create(settings)) {
            return admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void servesEachUserThatLogsInWithItsPassword() throws Exception {
        kafka.createTopic("sasl-topic", 2);

        assertThat(clusterId(scram(kafka, "SASL_PLAINTEXT", "alice", USERS.get("alice")))).isNotBlank();
        assertThat(clusterId(scram(kafka, "SASL_PLAINTEXT", "bob", USERS.get("bob")))).isNotBlank();
    }

    @Test
    void refusesAWrongPasswordSayingTheCredentialsAreInvalid() {
        assertThatThrownBy(() -> clusterId(scram(kafka, "SASL_PLAINTEXT", "alice", "bob-pw")))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(SaslAuthenticationException.class)
                .hasMessageContaining("invalid credentials with SASL mechanism SCRAM-SHA-512");
    }

    @Test
    void refusesAnUnknownUser() {
        assertThatThrownBy(() -> clusterId(scram(kafka, "SASL_PLAINTEXT", "mallory", "bob-pw")))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(SaslAuthenticationException.class);
    }

    @Test
    void plaintextClientsGetNoAnswer() {
        Map<String, Object> plaintext = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 1_000);

        assertThatThrownBy(() -> clusterId(plaintext)).isInstanceOf(ExecutionException.class);
    }

    @Test
    void keepsItsUsersAcrossARestart() throws Exception {
        try (EmbeddedKafkaBroker restarted = EmbeddedKafkaBroker.builder().saslScram(Map.of("carol", "carol-pw")).build()) {
            restarted.start();
            restarted.stop();
            restarted.start();

            assertThat(clusterId(scram(restarted, "SASL_PLAINTEXT", "carol", "carol-pw"))).isNotBlank();
        }
    }

    @Test
    void refusesToStartOnDataFormattedByAnotherBrokerWhoseUsersItWouldKeep(@TempDir Path data) {
        try (EmbeddedKafkaBroker first = EmbeddedKafkaBroker.builder().dataDirectory(data).build()) {
            first.start();
        }
        try (EmbeddedKafkaBroker second = EmbeddedKafkaBroker.builder().dataDirectory(data)
                .saslScram(Map.of("carol", "carol-pw")).build()) {
            assertThatThrownBy(second::start)
                    .isInstanceOf(EmbeddedKafkaException.class)
                    .hasMessageContaining("give saslScram(...) an empty or new dataDirectory");
        }
    }

    @Test
    void speaksSaslOverTlsWithBoth(@TempDir Path stores) throws Exception {
        Identity broker = SelfSignedCertificates.create(stores, "broker", "changeit");
        Path trust = SelfSignedCertificates.trustStore(stores.resolve("trust.p12"), "changeit", broker);
        try (EmbeddedKafkaBroker secure = EmbeddedKafkaBroker.builder()
                .tls(broker.keyStore(), "changeit", trust, "changeit")
                .saslScram(Map.of("carol", "carol-pw"))
                .build()) {
            secure.start();
            Map<String, Object> settings = scram(secure, "SASL_SSL", "carol", "carol-pw");
            settings.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, trust.toString());
            settings.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, "changeit");

            assertThat(clusterId(settings)).isNotBlank();
            settings.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule required "
                    + "username=\"carol\" password=\"wrong\";");
            assertThatThrownBy(() -> clusterId(settings)).hasCauseInstanceOf(SaslAuthenticationException.class);
        }
    }
}
