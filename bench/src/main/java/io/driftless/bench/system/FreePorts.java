package io.driftless.bench.system;

import java.io.IOException;
import java.net.ServerSocket;

/** Ports nobody listens on right now, for servers that must be told their port up front. */
public final class FreePorts {

    private FreePorts() {}

    public static int pick() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
