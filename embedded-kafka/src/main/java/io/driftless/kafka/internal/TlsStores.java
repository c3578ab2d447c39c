package io.driftless.kafka.internal;

import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SslConfigs;

/** PKCS12 key and trust stores of a TLS listener, and what a client of it needs to present. */
public record TlsStores(Path keyStore, String keyStorePassword, Path trustStore, String trustStorePassword) {

    /** SSL client settings that present {@link #keyStore} and trust {@link #trustStore}. */
    public Map<String, String> clientProperties() {
        return Map.of(
                CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL",
                SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PKCS12",
                SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, keyStore.toAbsolutePath().toString(),
                SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, keyStorePassword,
                SslConfigs.SSL_KEY_PASSWORD_CONFIG, keyStorePassword,
                SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12",
                SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, trustStore.toAbsolutePath().toString(),
                SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, trustStorePassword);
    }
}
