package io.driftless.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftless.gateway.testutils.SelfSignedTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayTlsTest {

    @TempDir
    static Path dir;
    private static SelfSignedTls ec;
    private static SelfSignedTls rsa;

    @BeforeAll
    static void makeCertificates() throws Exception {
        ec = SelfSignedTls.create(dir, "EC");
        rsa = SelfSignedTls.create(dir, "RSA");
    }

    @Test
    void takesAnEcOrRsaCertificateWithItsPkcs8Key() throws Exception {
        for (SelfSignedTls pair : List.of(ec, rsa)) {
            SslContextFactory.Server tls = GatewayTls.fromPem(pair.certificate, pair.key);
            assertThat(tls.getKeyStore().getCertificateChain("gateway")).hasSize(1);
        }
    }

    @Test
    void takesATraditionalEcKey() throws Exception {
        // what `openssl ecparam -genkey` writes: BEGIN EC PRIVATE KEY, the curve named inside
        PrivateKeyInfo pkcs8 = PrivateKeyInfo.getInstance(privateKey(ec.key).getEncoded());
        ECPrivateKey inner = ECPrivateKey.getInstance(pkcs8.parsePrivateKey());
        ECPrivateKey withCurve = new ECPrivateKey(256, inner.getKey(), pkcs8.getPrivateKeyAlgorithm().getParameters());
        Path traditional = SelfSignedTls.pem(dir.resolve("traditional.key"),
                List.of(new PemObject("EC PRIVATE KEY", withCurve.getEncoded())));
        assertThat(Files.readString(traditional)).startsWith("-----BEGIN EC PRIVATE KEY-----");

        assertThat(GatewayTls.fromPem(ec.certificate, traditional)).isNotNull();
    }

    @Test
    void refusesTheKeyOfAnotherCertificate() throws Exception {
        SelfSignedTls other = SelfSignedTls.create(dir, "EC");

        assertThatThrownBy(() -> GatewayTls.fromPem(ec.certificate, other.key))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not belong to the first certificate in " + ec.certificate);
        assertThatThrownBy(() -> GatewayTls.fromPem(ec.certificate, rsa.key))
                .hasMessageContaining("does not belong");
    }

    @Test
    void refusesAnEncryptedKeyAndSaysWhatToDo() throws Exception {
        JcaPKCS8Generator encrypted = new JcaPKCS8Generator(privateKey(ec.key),
                new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC).setProvider(new BouncyCastleProvider())
                        .setPassword("secret".toCharArray()).build());
        Path key = SelfSignedTls.pem(dir.resolve("encrypted.key"), List.of(encrypted));

        assertThatThrownBy(() -> GatewayTls.fromPem(ec.certificate, key))
                .hasMessageContaining("encrypted private key").hasMessageContaining(key.toString());
    }

    @Test
    void refusesSwappedOrMissingFilesNamingThem() {
        assertThatThrownBy(() -> GatewayTls.fromPem(ec.key, ec.certificate))
                .hasMessageContaining(ec.key + " holds a PrivateKeyInfo where only certificates belong");
        assertThatThrownBy(() -> GatewayTls.fromPem(ec.certificate, ec.certificate))
                .hasMessageContaining(ec.certificate + " holds a X509CertificateHolder, not a private key");
        Path missing = dir.resolve("missing.pem");
        assertThatThrownBy(() -> GatewayTls.fromPem(missing, ec.key))
                .hasMessageContaining(missing + " is not a readable file");
    }

    @Test
    void theConfigurationWantsBothFilesAndChecksThemWhenSet() {
        assertThatThrownBy(() -> GatewayConfig.builder().tls(ec.certificate, null))
                .hasMessageContaining("both a certificate chain and its private key");
        assertThatThrownBy(() -> GatewayConfig.builder().tls(ec.certificate, rsa.key))
                .hasMessageContaining("does not belong");
        GatewayConfig config = GatewayConfig.builder().bootstrapServers("localhost:9092").tokenKey(TokenKey.random())
                .tls(ec.certificate, ec.key).build();
        assertThat(config.tls()).isTrue();
    }

    private static PrivateKey privateKey(Path pkcs8) throws Exception {
        try (PEMParser pem = new PEMParser(Files.newBufferedReader(pkcs8))) {
            PrivateKeyInfo info = (PrivateKeyInfo) pem.readObject();
            PrivateKey key = new JcaPEMKeyConverter().getPrivateKey(info);
            return KeyFactory.getInstance(key.getAlgorithm()).generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded()));
        }
    }
}
