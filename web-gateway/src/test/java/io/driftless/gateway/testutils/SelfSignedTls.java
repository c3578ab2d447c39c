package io.driftless.gateway.testutils;

import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * A self-signed certificate for localhost and 127.0.0.1, made with the JDK's own keytool as an
 * operator would, and written as the PEM files the gateway's {@code --tls-cert}/{@code --tls-key}
 * take; plus clients that trust it and nothing else.
 */
public final class SelfSignedTls {

    private static final char[] PASSWORD = "changeit".toCharArray();

    public final Path certificate;
    public final Path key;
    private final KeyStore trust;

    private SelfSignedTls(Path certificate, Path key, KeyStore trust) {
        this.certificate = certificate;
        this.key = key;
        this.trust = trust;
    }

    /** Makes a key pair of {@code algorithm} ({@code EC} or {@code RSA}) in {@code dir}; each call a new one. */
    public static SelfSignedTls create(Path dir, String algorithm) throws Exception {
        Path store = Files.createTempFile(dir, "gateway-", ".p12");
        Files.delete(store);
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "gateway",
                "-keyalg", algorithm, "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
        KeyStore pkcs12 = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            pkcs12.load(in, PASSWORD);
        }
        Certificate cert = pkcs12.getCertificate("gateway");
        PrivateKey privateKey = (PrivateKey) pkcs12.getKey("gateway", PASSWORD);
        String name = store.getFileName().toString().replace(".p12", "");
        Path certificate = pem(dir.resolve(name + ".crt"), List.of(cert));
        Path key = pem(dir.resolve(name + ".key"), List.of(new JcaPKCS8Generator(privateKey, null)));
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("gateway", cert);
        return new SelfSignedTls(certificate, key, trust);
    }

    /** Writes {@code items} as PEM, one after the other. */
    public static Path pem(Path file, List<?> items) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
                JcaPEMWriter writer = new JcaPEMWriter(out)) {
            for (Object item : items) {
                writer.writeObject(item);
            }
        }
        return file;
    }

    /** For the JDK's HTTP client. */
    public SSLContext clientContext() throws Exception {
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustManagers.getTrustManagers(), null);
        return context;
    }

    /** For Jetty's WebSocket client. */
    public SslContextFactory.Client jettyClient() {
        SslContextFactory.Client client = new SslContextFactory.Client();
        client.setTrustStore(trust);
        return client;
    }
}
