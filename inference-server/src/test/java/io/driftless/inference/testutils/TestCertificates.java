package io.driftless.inference.testutils;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates made for one test run: a CA, a server certificate for localhost and 127.0.0.1,
 * a client certificate from the same CA, and a client certificate from another CA that the
 * server must refuse. Written as PEM files, as a deployment would have them.
 */
public final class TestCertificates {

    public final Path caCertificate;
    public final Path serverCertificate;
    public final Path serverKey;
    public final Path clientCertificate;
    public final Path clientKey;
    public final Path strangerCertificate;
    public final Path strangerKey;

    private TestCertificates(Path directory) throws Exception {
        Authority ca = new Authority("driftless test CA");
        caCertificate = write(directory.resolve("ca.pem"), ca.certificate);
        KeyPair server = keyPair();
        serverCertificate = write(directory.resolve("server.pem"), ca.sign("localhost", server, true));
        serverKey = writeKey(directory.resolve("server.key"), server.getPrivate());
        KeyPair client = keyPair();
        clientCertificate = write(directory.resolve("client.pem"), ca.sign("driftless-job", client, false));
        clientKey = writeKey(directory.resolve("client.key"), client.getPrivate());
        Authority other = new Authority("some other CA");
        KeyPair stranger = keyPair();
        strangerCertificate = write(directory.resolve("stranger.pem"), other.sign("stranger", stranger, false));
        strangerKey = writeKey(directory.resolve("stranger.key"), stranger.getPrivate());
    }

    public static TestCertificates createIn(Path directory) throws Exception {
        return new TestCertificates(directory);
    }

    private static KeyPair keyPair() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256, new SecureRandom());
        return generator.generateKeyPair();
    }

    private static final class Authority {
        final KeyPair keys;
        final X500Name name;
        final X509Certificate certificate;
        private long serial = 1;

        Authority(String commonName) throws Exception {
            keys = keyPair();
            name = new X500Name("CN=" + commonName);
            X509v3CertificateBuilder builder = builder(name, keys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            certificate = convert(builder, keys.getPrivate());
        }

        X509Certificate sign(String commonName, KeyPair subject, boolean server) throws Exception {
            X509v3CertificateBuilder builder = builder(new X500Name("CN=" + commonName), subject.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(server ? KeyPurposeId.id_kp_serverAuth : KeyPurposeId.id_kp_clientAuth));
            if (server) {
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1")
                }));
            }
            return convert(builder, keys.getPrivate());
        }

        private X509v3CertificateBuilder builder(X500Name subject, java.security.PublicKey key) {
            Instant now = Instant.now();
            return new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(serial++),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), subject, key);
        }
    }

    private static X509Certificate convert(X509v3CertificateBuilder builder, PrivateKey signer) throws Exception {
        ContentSigner contentSigner = new JcaContentSignerBuilder("SHA256withECDSA").build(signer);
        return new JcaX509CertificateConverter().getCertificate(builder.build(contentSigner));
    }

    private static Path write(Path file, X509Certificate certificate) throws IOException {
        return writePem(file, certificate);
    }

    private static Path writeKey(Path file, PrivateKey key) throws IOException {
        return writePem(file, new JcaPKCS8Generator(key, null));
    }

    private static Path writePem(Path file, Object object) throws IOException {
        StringWriter pem = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
            writer.writeObject(object);
        }
        Files.writeString(file, pem.toString(), StandardCharsets.UTF_8);
        return file;
    }
}
