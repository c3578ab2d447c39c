package io.driftless.source.testutils;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.locks.LockSupport;

/**
 * A live camera stand-in: an HTTP server that streams an MPEG-TS file over and over, a chunk
 * every few milliseconds, to whoever connects, until {@link #close()} stops it and drops every
 * connection, as a camera that goes away would. A JDK server, because FFmpeg's own listening
 * output holds JavaCV's global lock while it waits, and the bundled {@code ffmpeg} program needs
 * PulseAudio libraries this machine does not have.
 */
public final class HttpVideoServer implements AutoCloseable {

    private static final int CHUNK = 188 * 32;
    private static final long CHUNK_PERIOD_NANOS = 4_000_000;

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private volatile boolean stopped;

    public HttpVideoServer(Path transportStream, int port) throws IOException {
        byte[] stream = Files.readAllBytes(transportStream);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "video/mp2t");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int at = 0; !stopped; at = (at + CHUNK) % stream.length) {
                    out.write(stream, at, Math.min(CHUNK, stream.length - at));
                    out.flush();
                    LockSupport.parkNanos(CHUNK_PERIOD_NANOS);
                }
            } catch (IOException clientGone) {
                // the client hung up
            }
        });
        server.setExecutor(executor);
        server.start();
    }

    /** Stops the server and drops every connection. */
    @Override
    public void close() {
        stopped = true;
        server.stop(0);
        executor.shutdownNow();
    }
}
