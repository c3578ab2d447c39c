package io.driftless.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Self-signed identities in PKCS12 stores, made with the JDK's own {@code keytool}, for a TLS
 * broker on this machine and its clients: local runs and tests, never production.
 *
 * <pre>{@code
 * Identity broker = SelfSignedCertificates.create(dir, "broker", "changeit");
 * Identity client = SelfSignedCertificates.create(dir, "client", "changeit");
 * Path brokerTrust = SelfSignedCertificates.trustStore(dir.resolve("broker-trust.p12"), "changeit", broker, client);
 * }</pre>
 */
public final class SelfSignedCertificates {

    private static final long KEYTOOL_TIMEOUT_SECONDS = 60;

    /** A key pair with its certificate, valid for localhost and 127.0.0.1. */
    public record Identity(String name, Path keyStore, Path certificate, String password) {}

    private SelfSignedCertificates() {}

    /** Creates {@code name.p12} (key and certificate) and {@code name.crt} in {@code directory}. */
    public static Identity create(Path directory, String name, String password) {
        Path keyStore = directory.resolve(name + ".p12");
        Path certificate = directory.resolve(name + ".crt");
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=" + name, "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "7",
                "-keystore", keyStore.toString(), "-storetype", "PKCS12",
                "-storepass", password, "-keypass", password);
        keytool("-exportcert", "-rfc", "-alias", name, "-keystore", keyStore.toString(),
                "-storepass", password, "-file", certificate.toString());
        return new Identity(name, keyStore, certificate, password);
    }

    /** Creates a PKCS12 trust store at {@code file} holding the certificates of {@code trusted}. */
    public static Path trustStore(Path file, String password, Identity... trusted) {
        for (Identity identity : trusted) {
            keytool("-importcert", "-noprompt", "-alias", identity.name(),
                    "-file", identity.certificate().toString(), "-keystore", file.toString(),
                    "-storetype", "PKCS12", "-storepass", password);
        }
        return file;
    }

    private static void keytool(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            if (!process.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("keytool " + args[0] + " did not finish within "
                        + KEYTOOL_TIMEOUT_SECONDS + " s");
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException("keytool " + args[0] + " failed with exit code "
                        + process.exitValue() + ": " + output.strip());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run keytool from " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running keytool", e);
        }
    }
}
