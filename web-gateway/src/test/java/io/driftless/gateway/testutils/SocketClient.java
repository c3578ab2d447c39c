package io.driftless.gateway.testutils;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * One socket to the gateway as a test sees it: what it sends, every message it gets (a JSON
 * message, each binary message attached to the JSON one before it), and how it was closed.
 */
public final class SocketClient implements Session.Listener.AutoDemanding, AutoCloseable {

    /** A JSON message, with the binary message that came right after it, if any. */
    public static final class Message {
        public final JsonNode json;
        public volatile byte[] binary;

        Message(JsonNode json) {
            this.json = json;
        }

        public String type() {
            return json.path("type").asText();
        }

        public long seq() {
            return json.path("seq").asLong();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Message> messages = new ArrayList<>();
    private final CompletableFuture<int[]> closed = new CompletableFuture<>();
    private volatile String closeReason;
    private Session session;

    private SocketClient() {}

    /** Opens a socket at {@code uri}, with {@code origin} as a browser would send it (null: none). */
    public static SocketClient open(WebSocketClient client, URI uri, String origin) throws Exception {
        SocketClient socket = new SocketClient();
        ClientUpgradeRequest request = new ClientUpgradeRequest();
        if (origin != null) {
            request.setHeader("Origin", origin);
        }
        socket.session = client.connect(socket, uri, request).get(10, TimeUnit.SECONDS);
        return socket;
    }

    @Override
    public void onWebSocketText(String text) {
        try {
            Message message = new Message(JSON.readTree(text));
            synchronized (this) {
                messages.add(message);
                notifyAll();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        byte[] bytes = new byte[payload.remaining()];
        payload.get(bytes);
        callback.succeed();
        synchronized (this) {
            messages.get(messages.size() - 1).binary = bytes;
            notifyAll();
        }
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        closeReason = reason;
        closed.complete(new int[] {statusCode});
    }

    public void sendText(String text) throws Exception {
        Callback.Completable sent = new Callback.Completable();
        session.sendText(text, sent);
        sent.get(10, TimeUnit.SECONDS);
    }

    public void sendBinary(byte[] bytes) throws Exception {
        Callback.Completable sent = new Callback.Completable();
        session.sendBinary(ByteBuffer.wrap(bytes), sent);
        sent.get(10, TimeUnit.SECONDS);
    }

    /** Waits for the first message that matches, failing after {@code timeout}. */
    public synchronized Message await(Predicate<Message> matches, Duration timeout, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (Message message : messages) {
                // an annotated frame is complete with its JPEG
                if (matches.test(message) && (!message.type().equals("annotated") || message.binary != null)) {
                    return message;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no " + what + " within " + timeout + "; got " + types());
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    public synchronized List<Message> messages() {
        return List.copyOf(messages);
    }

    private String types() {
        return messages.stream().map(m -> m.type() + "#" + m.seq()).toList().toString();
    }

    /** The close status code, once the gateway closed the socket. */
    public int awaitClose(Duration timeout) throws Exception {
        return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS)[0];
    }

    public String closeReason() {
        return closeReason;
    }

    public boolean isOpen() {
        return session.isOpen();
    }

    @Override
    public void close() {
        session.close();
    }
}
