package io.driftless.kafka.internal;

import kafka.server.FaultHandlerFactory;

import org.apache.kafka.server.fault.FaultHandler;
import org.apache.kafka.server.fault.FaultHandlerException;
import org.apache.kafka.server.fault.LoggingFaultHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Fault handlers that never end the JVM.
 *
 * <p>A standalone Kafka server halts its process on a fatal fault (a controller that cannot start,
 * a broken metadata log). In-process that would kill the test run or the local run with no word,
 * so fatal faults are logged and the first one is kept for the owner to rethrow.
 */
public final class RecordingFaultHandlers implements FaultHandlerFactory {

    private static final Logger LOG = LoggerFactory.getLogger(RecordingFaultHandlers.class);

    private final AtomicReference<FaultHandlerException> firstFatalFault = new AtomicReference<>();

    @Override
    public FaultHandler build(String name, boolean fatal, Runnable action) {
        if (!fatal) {
            return new LoggingFaultHandler(name, action);
        }
        return (failureMessage, cause) -> {
            if (cause == null) {
                LOG.error("Fatal {} fault in the embedded Kafka broker: {}", name, failureMessage);
            } else {
                LOG.error("Fatal {} fault in the embedded Kafka broker: {}", name, failureMessage, cause);
            }
            try {
                action.run();
            } catch (RuntimeException e) {
                LOG.error("The action of the {} fault handler failed", name, e);
            }
            FaultHandlerException fault = new FaultHandlerException(name + ": " + failureMessage, cause);
            firstFatalFault.compareAndSet(null, fault);
            return fault;
        };
    }

    /** The first fatal fault since this factory was made, if any. */
    public Optional<FaultHandlerException> firstFatalFault() {
        return Optional.ofNullable(firstFatalFault.get());
    }
}
