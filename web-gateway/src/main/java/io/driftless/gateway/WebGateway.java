package io.driftless.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import io.driftless.log.ThrottledLog;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One web gateway instance: the pages, the HTTP API and the camera and viewer sockets on one
 * port, in front of the job's frames topic and this instance's reply topics.
 *
 * <pre>{@code
 * try (WebGateway gateway = WebGateway.start(config)) {
 *     System.out.println("open " + gateway.uri());
 *     gateway.join();
 * }
 * }</pre>
 */
public final class WebGateway implements AutoCloseable {

    /** Socket paths; the token rides in the query ({@code ?token=}), since browsers cannot set headers there. */
    public static final String CAMERA_PATH = "/ws/camera";
    public static final String VIEWER_PATH = "/ws/view";

    /** Metadata messages are small; a larger text message is no metadata. */
    private static final int MAX_TEXT_MESSAGE_BYTES = 16 << 10;

    private static final Logger LOG = LoggerFactory.getLogger(WebGateway.class);

    private final Server server;
    private final FramePublisher frames;
    private final ReplyReader replies;
    private final HTTPServer metrics;
    private final ScheduledExecutorService keepAlive;
    private final boolean tls;

    private WebGateway(Server server, FramePublisher frames, ReplyReader replies, HTTPServer metrics,
            ScheduledExecutorService keepAlive, boolean tls) {
        this.server = server;
        this.tls = tls;
        this.frames = frames;
        this.replies = replies;
        this.metrics = metrics;
        this.keepAlive = keepAlive;
    }

    /** Creates this instance's reply topics, connects to Kafka and starts serving. */
    public static WebGateway start(GatewayConfig config) throws Exception {
        LongSupplier nanoTime = System::nanoTime;
        ObjectMapper json = new ObjectMapper();
        SessionRegistry sessions = new SessionRegistry(config.maxSessionFps, config.effectiveDeadlineMs(),
                new AnswerMessages(json), nanoTime);
        FramePublisher frames = new FramePublisher(config);
        ReplyReader replies;
        try {
            replies = new ReplyReader(config, sessions, nanoTime).start();
        } catch (RuntimeException e) {
            frames.close();
            throw e;
        }
        GatewayContext gateway = new GatewayContext(config, json,
                new SessionTokens(config.tokenKey, config.tokenLifetime, Clock.systemUTC()), sessions, frames, nanoTime,
                new ThrottledLog(LOG, 10_000));
        // threads named by the instance, for thread dumps and for what the gateway's own CPU time is
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName(threadName(config, "http"));
        Server server = new Server(threads);
        server.addBean(new ScheduledExecutorScheduler(threadName(config, "scheduler"), true));
        HttpConfiguration http = new HttpConfiguration();
        if (config.trustForwardedHeaders) {
            http.addCustomizer(new ForwardedRequestCustomizer());
        }
        ServerConnector connector = config.tls() ? tlsConnector(server, config, http)
                : new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(config.bindHost);
        connector.setPort(config.port);
        server.addConnector(connector);
        server.setHandler(handlers(server, gateway));
        HTTPServer metrics = null;
        try {
            server.start();
            if (config.metricsPort >= 0) {
                metrics = sessions.metrics().serve(config.bindHost, config.metricsPort);
            }
        } catch (Exception e) {
            server.stop();
            replies.close();
            frames.close();
            throw new IllegalStateException("cannot serve on " + config.bindHost + ":" + config.port
                    + (config.metricsPort >= 0 ? " and metrics on port " + config.metricsPort : "") + ": "
                    + e.getMessage() + " (is the port in use? set --port / --metrics-port)", e);
        }
        ScheduledExecutorService keepAlive = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, threadName(config, "keep-alive"));
            thread.setDaemon(true);
            return thread;
        });
        long pingMillis = config.idleTimeout.toMillis() / 3;
        keepAlive.scheduleWithFixedDelay(sessions::pingAll, pingMillis, pingMillis, TimeUnit.MILLISECONDS);
        return new WebGateway(server, frames, replies, metrics, keepAlive, config.tls());
    }

    /**
     * The name of one of an instance's threads: every thread the gateway starts has the instance id
     * in its name ({@code gateway-ID-http-N}, {@code gateway-ID-replies}, and the Kafka clients'
     * {@code ... | driftless-web-gateway-ID}).
     */
    static String threadName(GatewayConfig config, String role) {
        return "gateway-" + config.instanceId + "-" + role;
    }

    /** HTTPS and WSS: requests carry the https scheme, so the links the API hands out do too. */
    private static ServerConnector tlsConnector(Server server, GatewayConfig config, HttpConfiguration http) {
        HttpConfiguration https = new HttpConfiguration(http);
        https.addCustomizer(new SecureRequestCustomizer());
        return new ServerConnector(server,
                new SslConnectionFactory(GatewayTls.fromPem(config.tlsCertificate, config.tlsKey),
                        HttpVersion.HTTP_1_1.asString()),
                new HttpConnectionFactory(https));
    }

    private static Handler handlers(Server server, GatewayContext gateway) {
        ContextHandler context = new ContextHandler("/");
        ResourceHandler pages = new ResourceHandler();
        pages.setBaseResource(ResourceFactory.of(server).newClassLoaderResource("web"));
        pages.setWelcomeFiles("index.html");
        pages.setDirAllowed(false);
        WebSocketUpgradeHandler sockets = WebSocketUpgradeHandler.from(server, context, container -> {
            container.setMaxBinaryMessageSize(gateway.config().maxMessageBytes);
            container.setMaxTextMessageSize(MAX_TEXT_MESSAGE_BYTES);
            container.setIdleTimeout(gateway.config().idleTimeout);
            container.addMapping(CAMERA_PATH, (request, response, callback) -> {
                String origin = refusedOrigin(gateway.config(), request);
                if (origin != null) {
                    refused(gateway, request, "origin", origin);
                    Response.writeError(request, response, callback, 403, origin);
                    return null;
                }
                try {
                    return CameraSocket.accepted(gateway, gateway.tokens()
                            .verify(ApiHandler.bearer(request), SessionTokens.Scope.CAMERA, null).sessionId());
                } catch (SessionTokens.InvalidTokenException e) {
                    refused(gateway, request, "token", e.getMessage());
                    return CameraSocket.refused(gateway, e.getMessage());
                }
            });
            container.addMapping(VIEWER_PATH, (request, response, callback) -> {
                String origin = refusedOrigin(gateway.config(), request);
                if (origin != null) {
                    refused(gateway, request, "origin", origin);
                    Response.writeError(request, response, callback, 403, origin);
                    return null;
                }
                try {
                    return new ViewerSocket(gateway, gateway.tokens().verify(ApiHandler.bearer(request),
                            EnumSet.allOf(SessionTokens.Scope.class), null).sessionId(), null);
                } catch (SessionTokens.InvalidTokenException e) {
                    refused(gateway, request, "token", e.getMessage());
                    return new ViewerSocket(gateway, null, e.getMessage());
                }
            });
        });
        sockets.setHandler(new Handler.Sequence(new ApiHandler(gateway), pages));
        context.setHandler(sockets);
        return context;
    }

    /**
     * Counts a refused socket and logs why, at most one line per interval: the path and the
     * client's address, never the query that carries the token.
     */
    private static void refused(GatewayContext gateway, ServerUpgradeRequest request, String kind, String why) {
        gateway.sessions().metrics().socketRefused(kind);
        gateway.refusals().warn("refusing a socket on {} from {}: {}", Request.getPathInContext(request),
                Request.getRemoteAddr(request), why);
    }

    /**
     * A browser names the page's origin; a socket opened from another site's page is refused
     * (cross-site WebSocket hijacking). Clients that are not browsers send no Origin.
     *
     * @return null when allowed, else why not
     */
    static String refusedOrigin(GatewayConfig config, ServerUpgradeRequest request) {
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        if (origin == null || config.allowedOrigins.contains(origin)) {
            return null;
        }
        String host = request.getHeaders().get(HttpHeader.HOST);
        try {
            if (host != null && host.equalsIgnoreCase(URI.create(origin).getRawAuthority())) {
                return null;
            }
        } catch (IllegalArgumentException e) {
            return "origin '" + origin + "' is not a URL";
        }
        return "origin '" + origin + "' may not open this gateway's sockets (allowed: this host"
                + (config.allowedOrigins.isEmpty() ? "" : ", " + String.join(", ", config.allowedOrigins)) + ")";
    }

    /** The port it serves on (the one chosen when the configuration said 0). */
    public int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    /** The gateway's address on this machine, e.g. {@code http://localhost:8080/} ({@code https} with TLS). */
    public URI uri() {
        return URI.create((tls ? "https" : "http") + "://localhost:" + port() + "/");
    }

    /** The port Prometheus scrapes {@code /metrics} on, or -1 when the configuration asked for none. */
    public int metricsPort() {
        return metrics == null ? -1 : metrics.getPort();
    }

    /** Blocks until the gateway stops. */
    public void join() throws InterruptedException {
        server.join();
    }

    @Override
    public void close() throws Exception {
        keepAlive.shutdownNow();
        try {
            server.stop();
            if (metrics != null) {
                metrics.close();
            }
        } finally {
            try {
                replies.close();
            } finally {
                frames.close();
            }
        }
    }
}
