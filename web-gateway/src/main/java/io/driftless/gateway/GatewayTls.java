package io.driftless.gateway;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The gateway's TLS identity from PEM files, as certificate authorities, cert-manager and the
 * inference server's {@code --tls-cert}/{@code --tls-key} have them: a certificate chain (leaf
 * first) and its unencrypted private key (PKCS#8, or the traditional RSA/EC form). Browsers grant
 * a page the camera only in a secure context, so a gateway reached by any name but localhost
 * needs TLS, here or at a proxy in front of it.
 */
final class GatewayTls {

    private static final String ALIAS = "gateway";

    private GatewayTls() {}

    /**
     * Reads and checks the pair: each file must hold what its flag says, and the key must belong
     * to the chain's first certificate.
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    static SslContextFactory.Server fromPem(Path certificateChain, Path privateKey) {
        List<X509Certificate> chain = certificates(certificateChain);
        PrivateKey key = key(privateKey);
        requireMatch(chain.get(0), key, certificateChain, privateKey);
        try {
            char[] password = randomPassword();
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, key, password, chain.toArray(X509Certificate[]::new));
            SslContextFactory.Server tls = new SslContextFactory.Server();
            tls.setKeyStore(store);
            tls.setKeyStorePassword(new String(password));
            tls.setCertAlias(ALIAS);
            return tls;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot use the key of " + privateKey + " with the certificates of "
                    + certificateChain + ": " + e.getMessage(), e);
        }
    }

    private static List<X509Certificate> certificates(Path file) {
        List<X509Certificate> chain = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (PEMParser pem = parser(file)) {
            for (Object item = pem.readObject(); item != null; item = pem.readObject()) {
                if (!(item instanceof X509CertificateHolder certificate)) {
                    throw new IllegalArgumentException(file + " holds a " + describe(item)
                            + " where only certificates belong (--tls-cert: the certificate chain, leaf first)");
                }
                chain.add(converter.getCertificate(certificate));
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read the certificates of " + file + ": " + e.getMessage(), e);
        }
        if (chain.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no PEM certificate (--tls-cert)");
        }
        return chain;
    }

    private static PrivateKey key(Path file) {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (PEMParser pem = parser(file)) {
            Object item = pem.readObject();
            if (item instanceof PrivateKeyInfo pkcs8) {
                return converter.getPrivateKey(pkcs8);
            }
            if (item instanceof PEMKeyPair traditional) {
                // the traditional form may leave the public key out: the private part is all it takes
                return converter.getPrivateKey(traditional.getPrivateKeyInfo());
            }
            if (item instanceof PKCS8EncryptedPrivateKeyInfo || item instanceof PEMEncryptedKeyPair) {
                throw new IllegalArgumentException(file + " holds an encrypted private key; give the gateway the"
                        + " key unencrypted, readable by it alone (e.g. from a Kubernetes secret)");
            }
            throw new IllegalArgumentException(file + " holds " + (item == null ? "no PEM private key"
                    : "a " + describe(item) + ", not a private key") + " (--tls-key)");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the private key of " + file + ": " + e.getMessage(), e);
        }
    }

    private static void requireMatch(X509Certificate leaf, PrivateKey key, Path certificateChain, Path privateKey) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            return;
        }
        try {
            byte[] probe = "driftless gateway key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(leaf.getPublicKey());
            verifier.update(probe);
            if (verifier.verify(signature)) {
                return;
            }
        } catch (GeneralSecurityException mismatch) {
            // a key of another algorithm than the certificate's: the same answer as a wrong key
        }
        throw new IllegalArgumentException("the private key in " + privateKey + " does not belong to the first"
                + " certificate in " + certificateChain + " (" + leaf.getSubjectX500Principal() + ")");
    }

    private static PEMParser parser(Path file) throws IOException {
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException(file + " is not a readable file");
        }
        Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        return new PEMParser(reader);
    }

    private static String describe(Object pemItem) {
        return pemItem.getClass().getSimpleName();
    }

    /** The in-memory key store's password: it never leaves this process, so any unguessable one will do. */
    private static char[] randomPassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes).toCharArray();
    }
}
