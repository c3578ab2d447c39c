package io.driftless.inference.testutils;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Holds a server's call handler thread for a settable time before each request message it
 * reads: a server whose CPU is starved, so that its reads fall behind the frames coming in and
 * frames wait in the transport, before its model's admission ever sees them. That is how a
 * real server collapses when offered many times what its cores can read.
 */
public final class SlowReads implements ServerInterceptor {

    private volatile long delayMicros;

    public SlowReads(long delayMicros) {
        delay(delayMicros);
    }

    /** From now on, each message read waits {@code micros} first; 0 for none. */
    public void delay(long micros) {
        if (micros < 0) {
            throw new IllegalArgumentException("delay must not be negative, got " + micros);
        }
        delayMicros = micros;
    }

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
            ServerCallHandler<ReqT, RespT> next) {
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
            @Override
            public void onMessage(ReqT message) {
                long delay = delayMicros;
                if (delay > 0) {
                    LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(delay));
                }
                super.onMessage(message);
            }
        };
    }
}
