package io.driftless.gateway;

import io.driftless.cli.Commands;
import io.driftless.cli.DurationConverter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The web gateway's command line. */
@Command(
        name = "driftless-gateway",
        mixinStandardHelpOptions = true,
        version = "driftless 0.1.0",
        sortOptions = false,
        description = {
            "Serves the streamer and viewer pages and their WebSockets in front of a running driftless job:"
                    + " browsers send camera frames, the gateway produces them to the job's frames topic and"
                    + " returns each session's answers, read from this instance's own reply topics.",
            "",
            "Session tokens are signed with an HMAC key: --token-key-file, else the environment variable "
                    + TokenKey.ENVIRONMENT_VARIABLE + " (base64, at least 32 bytes), else a random key"
                    + " (tokens then hold on this instance only). Instances behind one address need the same key.",
            ""})
public final class GatewayMain implements Callable<Integer> {

    private static final String LOG_CONFIG = "web-gateway-log4j2.xml";

    @Option(names = "--bootstrap-servers", required = true, paramLabel = "HOST:PORT",
            description = "Kafka brokers of the job, host:port[,host:port...].")
    String bootstrapServers;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080", description = "HTTP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "9402",
            description = "Port of the Prometheus endpoint (/metrics) on the same address; -1 serves none, 0 picks a"
                    + " free one (default: ${DEFAULT-VALUE}).")
    int metricsPort;

    @Option(names = "--bind", defaultValue = "0.0.0.0", paramLabel = "HOST",
            description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--frames-topic", paramLabel = "TOPIC", defaultValue = "driftless.frames",
            description = "The job's frames topic (default: ${DEFAULT-VALUE}).")
    String framesTopic;

    @Option(names = "--reply-topic-prefix", paramLabel = "PREFIX", defaultValue = "driftless.reply.",
            description = "Start of this instance's reply topics; must be one of the job's"
                    + " driftless.reply-to.allowed-prefixes (default: ${DEFAULT-VALUE}).")
    String replyTopicPrefix;

    @Option(names = "--instance-id", paramLabel = "ID",
            description = "Names this instance's reply topics (prefix + ID + .ar-coordinates|.annotated|.dropped);"
                    + " give each instance a stable one, e.g. its pod name. Default: a random one.")
    String instanceId;

    @Option(names = "--token-key-file", paramLabel = "FILE", description = "File holding the token key, base64.")
    Path tokenKeyFile;

    @Option(names = "--token-lifetime", paramLabel = "DURATION", defaultValue = "1h", converter = DurationConverter.class,
            description = "How long a session's tokens hold, e.g. 30m (default: ${DEFAULT-VALUE}).")
    Duration tokenLifetime;

    @Option(names = "--max-message-size", defaultValue = "1048576", paramLabel = "BYTES",
            description = "Largest camera message (a JPEG); a larger one closes the socket with 1009"
                    + " (default: ${DEFAULT-VALUE}).")
    int maxMessageBytes;

    @Option(names = "--max-session-fps", paramLabel = "FPS", defaultValue = "40",
            description = "Most frames per second one session may send; faster frames are refused with reason"
                    + " RATE (default: ${DEFAULT-VALUE}).")
    int maxSessionFps;

    @Option(names = "--sessions-per-minute", paramLabel = "N", defaultValue = "10",
            description = "Sessions one client address may create per minute (default: ${DEFAULT-VALUE}).")
    int sessionsPerMinute;

    @Option(names = "--trust-forwarded-headers",
            description = "Take the client's address and scheme from the Forwarded and X-Forwarded-* headers of a"
                    + " reverse proxy or ingress in front, so that each client has its own session limit. Only"
                    + " where every request passes that proxy: a client reaching the gateway directly could name"
                    + " any address.")
    boolean trustForwardedHeaders;

    @Option(names = "--allowed-origin", paramLabel = "URL",
            description = "Another origin whose pages may open the sockets, e.g. https://app.example.com"
                    + " (repeatable). The gateway's own origin is always allowed.")
    List<String> allowedOrigins = List.of();

    @Option(names = "--tls-cert", paramLabel = "PEM",
            description = "Certificate chain, leaf first; with --tls-key turns HTTPS and WSS on. Browsers let a"
                    + " page use the camera only on https:// or localhost.")
    Path tlsCertificate;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "Unencrypted private key of --tls-cert"
            + " (PKCS#8, or the traditional RSA/EC form).")
    Path tlsKey;

    @Option(names = "--deadline", defaultValue = "0", paramLabel = "MS",
            description = "Capture-to-answer budget each frame carries; 0: the job's default (default: ${DEFAULT-VALUE}).")
    int deadlineMs;

    public static void main(String[] args) {
        Commands.useLogConfigUnlessSet(LOG_CONFIG);
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new GatewayMain())
                .setExecutionExceptionHandler((e, commandLine, parseResult) -> {
                    commandLine.getErr().println("error: " + e.getMessage());
                    return e instanceof IllegalArgumentException
                            ? CommandLine.ExitCode.USAGE
                            : CommandLine.ExitCode.SOFTWARE;
                });
    }

    /** The settings from the command line; a bad one fails with a message naming it. */
    GatewayConfig config() {
        TokenKey key = tokenKeyFile != null ? TokenKey.fromFile(tokenKeyFile) : TokenKey.fromEnvironment();
        GatewayConfig.Builder builder = GatewayConfig.builder()
                .bootstrapServers(bootstrapServers)
                .port(port)
                .metricsPort(metricsPort)
                .bindHost(bind)
                .framesTopic(framesTopic)
                .replyTopicPrefix(replyTopicPrefix)
                .tokenKey(key != null ? key : TokenKey.random())
                .tokenLifetime(tokenLifetime)
                .maxMessageBytes(maxMessageBytes)
                .maxSessionFps(maxSessionFps)
                .sessionsPerMinutePerClient(sessionsPerMinute)
                .trustForwardedHeaders(trustForwardedHeaders)
                .allowedOrigins(allowedOrigins)
                .deadlineMs(deadlineMs);
        if (instanceId != null) {
            builder.instanceId(instanceId);
        }
        if (tlsCertificate != null || tlsKey != null) {
            builder.tls(tlsCertificate, tlsKey);
        }
        return builder.build();
    }

    @Override
    public Integer call() throws Exception {
        GatewayConfig config = config();
        try (WebGateway gateway = WebGateway.start(config)) {
            System.out.printf("driftless gateway %s on %s (frames to %s, answers from %s.*, %s)%n",
                    config.instanceId, gateway.uri(), config.framesTopic, config.replyTo(), config.tokenKey);
            if (gateway.metricsPort() >= 0) {
                System.out.printf("metrics on http://localhost:%d/metrics%n", gateway.metricsPort());
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    gateway.close();
                } catch (Exception e) {
                    System.err.println("driftless gateway: stopping failed: " + e.getMessage());
                }
            }, "gateway-shutdown"));
            gateway.join();
        }
        return 0;
    }
}
