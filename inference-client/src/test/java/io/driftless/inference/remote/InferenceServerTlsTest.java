package io.driftless.inference.remote;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftless.inference.MicroClock;
import io.driftless.inference.service.InferenceOutcome;
import io.driftless.inference.server.InferenceServerMain;
import io.driftless.inference.onnx.RunnerOptions;
import io.driftless.inference.testutils.Faces;
import io.driftless.inference.testutils.RunningServer;
import io.driftless.inference.testutils.TestCertificates;
import io.driftless.inference.service.FrameInference;
import io.driftless.proto.DropReason;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS and mutual TLS between the job's client and the server, with certificates made per run. */
class InferenceServerTlsTest {

    @TempDir
    static Path directory;

    private static TestCertificates certificates;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certificates = TestCertificates.createIn(directory);
    }

    private static RunningServer server(boolean mutual) throws Exception {
        return RunningServer.start(0, InferenceServerMain.credentials(certificates.serverCertificate.toFile(),
                certificates.serverKey.toFile(), mutual ? certificates.caCertificate.toFile() : null),
                RunnerOptions.DEFAULTS);
    }

    private static InferenceOutcome inferOnce(RunningServer server, ClientTls tls) throws Exception {
        try (FrameInference client = RemoteInferenceFactory.builder(server.target(), "pose-v1")
                .tls(tls)
                .warmUpCalls(0)
                .build()
                .create(MicroClock.system())) {
            return client.infer(Faces.frames(1, 1, 5_000_000).get(0)).get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    private static ClientTls trustingOnly() {
        return new ClientTls(certificates.caCertificate.toString(), null, null);
    }

    private static ClientTls withCertificate(Path certificate, Path key) {
        return new ClientTls(certificates.caCertificate.toString(), certificate.toString(), key.toString());
    }

    @Test
    void servesAClientThatTrustsItsCertificateOverTls() throws Exception {
        try (RunningServer server = server(false)) {
            InferenceOutcome outcome = inferOnce(server, trustingOnly());
            assertThat(outcome.succeeded()).as(outcome.detail).isTrue();
        }
    }

    @Test
    void refusesAPlaintextClientWhenItSpeaksTls() throws Exception {
        try (RunningServer server = server(false)) {
            InferenceOutcome outcome = inferOnce(server, ClientTls.PLAINTEXT);
            assertThat(outcome.dropReason).isEqualTo(DropReason.INFERENCE_FAILED);
            assertThat(server.counter("driftless_server_requests")).isZero();
        }
    }

    @Test
    void servesAClientWithACertificateOfItsCaOverMutualTls() throws Exception {
        try (RunningServer server = server(true)) {
            InferenceOutcome outcome = inferOnce(server,
                    withCertificate(certificates.clientCertificate, certificates.clientKey));
            assertThat(outcome.succeeded()).as(outcome.detail).isTrue();
        }
    }

    @Test
    void refusesAClientWithoutACertificateUnderMutualTls() throws Exception {
        try (RunningServer server = server(true)) {
            InferenceOutcome outcome = inferOnce(server, trustingOnly());
            assertThat(outcome.dropReason).isEqualTo(DropReason.INFERENCE_FAILED);
            assertThat(outcome.detail).startsWith("inference server unavailable: UNAVAILABLE");
            assertThat(server.counter("driftless_server_requests")).isZero();
        }
    }

    @Test
    void refusesAClientWhoseCertificateAnotherCaSignedUnderMutualTls() throws Exception {
        try (RunningServer server = server(true)) {
            InferenceOutcome outcome = inferOnce(server,
                    withCertificate(certificates.strangerCertificate, certificates.strangerKey));
            assertThat(outcome.dropReason).isEqualTo(DropReason.INFERENCE_FAILED);
            assertThat(outcome.detail).startsWith("inference server unavailable: UNAVAILABLE");
            assertThat(server.counter("driftless_server_requests")).isZero();
        }
    }
}
