package io.driftless.inference.remote;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.TlsChannelCredentials;
import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;

/**
 * How the job's client reaches the inference server: plaintext, TLS, or mutual TLS, from PEM
 * files that must exist where the job runs.
 *
 * @param trustCertificates CA certificates to check the server's certificate against; null for
 *     plaintext
 * @param clientCertificate this client's certificate chain, for mutual TLS; null otherwise
 * @param clientKey the private key (PKCS#8) of {@code clientCertificate}
 */
public record ClientTls(String trustCertificates, String clientCertificate, String clientKey)
        implements Serializable {

    public static final ClientTls PLAINTEXT = new ClientTls(null, null, null);

    public ClientTls {
        if ((clientCertificate == null) != (clientKey == null)) {
            throw new IllegalArgumentException("a client certificate needs its key and a key its certificate:"
                    + " set both or neither");
        }
        if (clientCertificate != null && trustCertificates == null) {
            throw new IllegalArgumentException("a client certificate is for mutual TLS: set the CA"
                    + " certificates to trust the server by as well");
        }
    }

    public boolean enabled() {
        return trustCertificates != null;
    }

    ChannelCredentials credentials() {
        if (!enabled()) {
            return InsecureChannelCredentials.create();
        }
        try {
            TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder()
                    .trustManager(new File(trustCertificates));
            if (clientCertificate != null) {
                tls.keyManager(new File(clientCertificate), new File(clientKey));
            }
            return tls.build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the TLS files " + this + ": " + e.getMessage(), e);
        }
    }
}
