package io.driftless.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The HTTP API: {@code POST /api/sessions} creates a session (its tokens and page links), at
 * most {@link GatewayConfig#sessionsPerMinutePerClient} per client address and minute;
 * {@code GET /api/sessions/{id}/stats} reports on it to a bearer of either of its tokens
 * ({@code Authorization: Bearer} or {@code ?token=}).
 */
final class ApiHandler extends Handler.Abstract {

    private static final Pattern STATS = Pattern.compile("/api/sessions/([A-Za-z0-9_-]{1,64})/stats");
    /** Past this many client addresses, those whose limit has recovered are forgotten. */
    private static final int MAX_TRACKED_CLIENTS = 10_000;

    private final GatewayContext gateway;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, TokenBucket> creations = new ConcurrentHashMap<>();

    ApiHandler(GatewayContext gateway) {
        this.gateway = gateway;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        if (!path.startsWith("/api/")) {
            return false;
        }
        if (path.equals("/api/sessions") && HttpMethod.POST.is(request.getMethod())) {
            createSession(request, response, callback);
            return true;
        }
        Matcher stats = STATS.matcher(path);
        if (stats.matches() && HttpMethod.GET.is(request.getMethod())) {
            stats(stats.group(1), request, response, callback);
            return true;
        }
        error(response, callback, HttpStatus.NOT_FOUND_404, "no such resource: " + request.getMethod() + " " + path);
        return true;
    }

    private void createSession(Request request, Response response, Callback callback) {
        String client = Request.getRemoteAddr(request);
        long now = gateway.nanoTime().getAsLong();
        if (creations.size() > MAX_TRACKED_CLIENTS) {
            creations.values().removeIf(bucket -> bucket.full(now));
        }
        TokenBucket bucket = creations.computeIfAbsent(client, c -> new TokenBucket(
                gateway.config().sessionsPerMinutePerClient, TimeUnit.MINUTES.toNanos(1), now));
        if (!bucket.tryTake(now)) {
            String why = "more than " + gateway.config().sessionsPerMinutePerClient + " sessions a minute from "
                    + client;
            gateway.refusals().warn("refusing a session: {}", why);
            response.getHeaders().put(HttpHeader.RETRY_AFTER, "60");
            error(response, callback, HttpStatus.TOO_MANY_REQUESTS_429, why);
            return;
        }
        byte[] id = new byte[16];
        random.nextBytes(id);
        String sessionId = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
        SessionTokens tokens = gateway.tokens();
        var expiresAt = tokens.expiryFromNow();
        String camera = tokens.issue(sessionId, SessionTokens.Scope.CAMERA, expiresAt);
        String view = tokens.issue(sessionId, SessionTokens.Scope.VIEW, expiresAt);
        String base = request.getHttpURI().getScheme() + "://" + request.getHttpURI().getAuthority();
        ObjectNode body = gateway.json().createObjectNode();
        body.put("sessionId", sessionId);
        body.put("cameraToken", camera);
        body.put("viewToken", view);
        body.put("expiresAt", expiresAt.toString());
        // tokens ride in the fragment, which browsers never send to a server (nor to its logs)
        body.put("cameraUrl", base + "/stream.html#" + camera);
        body.put("viewUrl", base + "/view.html#" + view);
        gateway.sessions().metrics().sessionCreated();
        write(response, callback, HttpStatus.CREATED_201, body.toString());
    }

    private void stats(String sessionId, Request request, Response response, Callback callback) {
        try {
            gateway.tokens().verify(bearer(request), EnumSet.allOf(SessionTokens.Scope.class), sessionId);
        } catch (SessionTokens.InvalidTokenException e) {
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
            error(response, callback, HttpStatus.UNAUTHORIZED_401, e.getMessage());
            return;
        }
        SessionHub hub = gateway.sessions().find(sessionId);
        ObjectNode body = gateway.json().createObjectNode();
        body.put("sessionId", sessionId);
        body.put("instance", gateway.config().instanceId);
        boolean camera = hub != null && hub.cameraConnected();
        body.put("connection", camera ? "streaming" : hub != null ? "viewers only" : "not connected here");
        body.put("viewers", hub == null ? 0 : hub.viewerCount());
        SessionStats.Snapshot s = hub == null ? SessionStats.Snapshot.NONE
                : hub.stats.snapshot(gateway.nanoTime().getAsLong());
        body.put("framesIn", s.received());
        body.put("answered", s.answered());
        body.put("dropped", s.dropped());
        body.put("refused", s.refused());
        body.put("fpsIn", s.fpsIn());
        body.put("fpsOut", s.fpsOut());
        body.put("rttP50Ms", s.rttP50Ms());
        body.put("rttP95Ms", s.rttP95Ms());
        body.put("onTimeRatio", s.onTimeRatio());
        ObjectNode drops = body.putObject("dropsByReason");
        s.dropsByReason().forEach(drops::put);
        ObjectNode quality = body.putObject("quality");
        quality.put("fps", s.quality().fps());
        quality.put("jpegQuality", s.quality().jpegQuality());
        quality.put("width", s.quality().width());
        quality.put("height", s.quality().height());
        if (s.asked() != null) {
            ObjectNode asked = body.putObject("askedQuality");
            asked.put("fps", s.asked().fps());
            asked.put("jpegQuality", s.asked().jpegQuality());
            asked.put("scale", s.asked().scale());
        }
        write(response, callback, HttpStatus.OK_200, body.toString());
    }

    static String bearer(Request request) {
        String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return header.substring(7).strip();
        }
        return Request.extractQueryParameters(request).getValue("token");
    }

    private void error(Response response, Callback callback, int status, String message) {
        ObjectNode body = gateway.json().createObjectNode();
        body.put("error", message);
        write(response, callback, status, body.toString());
    }

    private static void write(Response response, Callback callback, int status, String json) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        Content.Sink.write(response, true, json, callback);
    }
}
