package io.driftless.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftless.log.ThrottledLog;
import java.util.function.LongSupplier;

/**
 * What the sockets and handlers of one gateway instance share; {@code refusals} logs refused
 * sockets and sessions at most one line per interval, so that a client retrying a bad token cannot
 * flood the log.
 */
record GatewayContext(GatewayConfig config, ObjectMapper json, SessionTokens tokens, SessionRegistry sessions,
        FramePublisher frames, LongSupplier nanoTime, ThrottledLog refusals) {}
