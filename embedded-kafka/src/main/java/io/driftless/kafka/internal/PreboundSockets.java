package io.driftless.kafka.internal;

import org.apache.kafka.common.network.Selectable;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.server.ServerSocketFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Listener sockets bound before the broker starts, then handed to Kafka's socket server.
 *
 * <p>Binding first gives a port-0 listener its real port before the broker config is written (the
 * controller quorum needs it), leaves no window in which another process can take a free port we
 * picked, and lets a taken port fail with our own message instead of deep inside broker start-up.
 */
public final class PreboundSockets implements ServerSocketFactory, AutoCloseable {

    private final Map<String, ServerSocketChannel> unclaimed = new LinkedHashMap<>();

    private PreboundSockets() {}

    /**
     * Binds one socket per listener name.
     *
     * @param host the address to bind
     * @param portsByListener listener name to port (0 = any free port); iteration order is kept
     * @param roleByListener listener name to the words naming it in error messages
     * @throws PortUnavailableException if a port cannot be bound; nothing stays bound then
     */
    public static PreboundSockets bind(
            InetAddress host, Map<String, Integer> portsByListener, Map<String, String> roleByListener) {
        PreboundSockets sockets = new PreboundSockets();
        for (Map.Entry<String, Integer> listener : portsByListener.entrySet()) {
            int port = listener.getValue();
            ServerSocketChannel channel = null;
            try {
                channel = ServerSocketChannel.open();
                // a restarted broker must rebind its port while old connections sit in TIME_WAIT
                channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                // Kafka's acceptor registers the channel with a selector, which needs non-blocking mode
                channel.configureBlocking(false);
                channel.bind(new InetSocketAddress(host, port));
                sockets.unclaimed.put(listener.getKey(), channel);
            } catch (IOException e) {
                Utils.closeQuietly(channel, "server socket");
                sockets.close();
                throw new PortUnavailableException(
                        roleByListener.getOrDefault(listener.getKey(), listener.getKey()),
                        host.getHostAddress(), port, e);
            }
        }
        return sockets;
    }

    /** The bound port of a listener's socket, valid until Kafka claims the socket. */
    public synchronized int port(String listenerName) {
        ServerSocketChannel channel = unclaimed.get(listenerName);
        if (channel == null) {
            throw new IllegalArgumentException("no socket was bound for listener " + listenerName);
        }
        return channel.socket().getLocalPort();
    }

    @Override
    public synchronized ServerSocketChannel openServerSocket(
            String listenerName, InetSocketAddress socketAddress, int listenBacklogSize, int recvBufferSize)
            throws IOException {
        ServerSocketChannel channel = unclaimed.remove(listenerName);
        if (channel == null) {
            return ServerSocketFactory.INSTANCE.openServerSocket(
                    listenerName, socketAddress, listenBacklogSize, recvBufferSize);
        }
        if (recvBufferSize != Selectable.USE_DEFAULT_BUFFER_SIZE) {
            // accepted connections inherit the listening socket's receive buffer
            channel.socket().setReceiveBufferSize(recvBufferSize);
        }
        return channel;
    }

    /** Closes the sockets Kafka never claimed; claimed ones belong to Kafka's socket server. */
    @Override
    public synchronized void close() {
        unclaimed.values().forEach(channel -> Utils.closeQuietly(channel, "server socket"));
        unclaimed.clear();
    }

    /** A listener port could not be bound, most often because another process holds it. */
    public static final class PortUnavailableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PortUnavailableException(String role, String host, int port, IOException cause) {
            super(describe(role, host, port, cause), cause);
        }

        private static String describe(String role, String host, int port, IOException cause) {
            String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            if (reason.contains("already in use")) {
                return String.format(
                        "The %s port %d on %s is already in use: stop the process that holds it, "
                                + "or choose another port (0 picks a free one).",
                        role, port, host);
            }
            return String.format("Cannot bind the %s port %d on %s: %s.", role, port, host, reason);
        }
    }
}
