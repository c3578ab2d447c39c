package io.driftless.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.function.LongSupplier;

/** What the sockets and handlers of one gateway instance share. */
record GatewayContext(GatewayConfig config, ObjectMapper json, SessionTokens tokens, SessionRegistry sessions,
        FramePublisher frames, LongSupplier nanoTime) {}
