package io.driftless.kafka.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.server.fault.FaultHandlerException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

class RecordingFaultHandlersTest {

    @Test
    void keepsTheFirstFatalFaultInsteadOfEndingTheJvm() {
        RecordingFaultHandlers faults = new RecordingFaultHandlers();
        AtomicInteger actions = new AtomicInteger();
        IOException cause = new IOException("disk gone");
        // the handler logs the cause; a trace through JUnit would only bury the test output
        cause.setStackTrace(new StackTraceElement[0]);

        RuntimeException first = faults.build("raft manager", true, actions::incrementAndGet)
                .handleFault("cannot append", cause);
        faults.build("quorum controller", true, actions::incrementAndGet).handleFault("later fault");

        assertThat(actions).hasValue(2);
        assertThat(first).isInstanceOf(FaultHandlerException.class)
                .hasMessage("raft manager: cannot append")
                .hasCause(cause);
        assertThat(faults.firstFatalFault()).containsSame((FaultHandlerException) first);
    }

    @Test
    void onlyLogsNonFatalFaults() {
        RecordingFaultHandlers faults = new RecordingFaultHandlers();
        AtomicInteger actions = new AtomicInteger();

        RuntimeException fault = faults.build("metadata publishing", false, actions::incrementAndGet)
                .handleFault("cannot publish");

        assertThat(actions).hasValue(1);
        assertThat(fault).hasMessage("cannot publish");
        assertThat(faults.firstFatalFault()).isEmpty();
    }
}
