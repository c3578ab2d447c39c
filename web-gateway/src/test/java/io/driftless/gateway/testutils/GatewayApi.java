package io.driftless.gateway.testutils;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/** The gateway's HTTP API, as a page calls it. */
public final class GatewayApi {

    /** A response: its status and JSON body. */
    public record Reply(int status, JsonNode body) {}

    /** A created session. */
    public record CreatedSession(String sessionId, String cameraToken, String viewToken, JsonNode body) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final URI base;

    public GatewayApi(URI base) {
        this(base, HttpClient.newBuilder());
    }

    /** For a gateway serving HTTPS with a certificate {@code tls} trusts. */
    public GatewayApi(URI base, SSLContext tls) {
        this(base, HttpClient.newBuilder().sslContext(tls));
    }

    private GatewayApi(URI base, HttpClient.Builder http) {
        this.base = base;
        this.http = http.connectTimeout(Duration.ofSeconds(10)).build();
    }

    public Reply post(String path) throws Exception {
        return send(HttpRequest.newBuilder(base.resolve(path)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** A POST as a reverse proxy in front would send it for the client at {@code clientAddress}. */
    public Reply postForwardedFor(String path, String clientAddress) throws Exception {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("X-Forwarded-For", clientAddress)
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    public Reply get(String path, String bearer) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).GET();
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return send(request);
    }

    public CreatedSession createSession() throws Exception {
        Reply reply = post("/api/sessions");
        if (reply.status() != 201) {
            throw new AssertionError("session not created: " + reply);
        }
        JsonNode body = reply.body();
        return new CreatedSession(body.get("sessionId").asText(), body.get("cameraToken").asText(),
                body.get("viewToken").asText(), body);
    }

    public JsonNode stats(CreatedSession session) throws Exception {
        Reply reply = get("/api/sessions/" + session.sessionId() + "/stats", session.viewToken());
        if (reply.status() != 200) {
            throw new AssertionError("no stats: " + reply);
        }
        return reply.body();
    }

    /** The socket address of {@code path} with {@code token}: WSS when the gateway serves HTTPS. */
    public URI socket(String path, String token) {
        String scheme = base.getScheme().equals("https") ? "wss" : "ws";
        return URI.create(scheme + "://" + base.getAuthority() + path + "?token=" + token);
    }

    private Reply send(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), JSON.readTree(response.body()));
    }
}
