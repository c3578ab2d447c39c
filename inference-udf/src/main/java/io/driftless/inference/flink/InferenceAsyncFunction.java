package io.driftless.inference.flink;

import io.driftless.inference.MicroClock;
import io.driftless.proto.DropReason;
import java.util.Collections;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

/**
 * The job's async inference stage. Each frame waits at most its remaining budget; a timeout,
 * refusal or model error becomes an outcome with a drop reason, never a job failure.
 *
 * <p>Use it in unordered mode so no user's slow frame holds back another's. Flink's
 * operator-wide timeout is only a safety net (set it above the largest budget): the
 * per-frame limit is the frame's own deadline.
 *
 * <p>Reports {@code inference_in_flight}: frames of this subtask handed to the model and not
 * yet answered. The task thread raises it and the model's callback threads lower it, hence
 * an atomic. The backend adds its own gauges beside it (the remote client's in-flight limit).
 *
 * <p>Each frame's budget runs on a timer thread of this function's own, stopped in
 * {@link #close()}: {@code CompletableFuture.orTimeout} would start the JDK's one delay
 * scheduler for the whole JVM, a thread born with the first job's classloader that a
 * TaskManager keeps for ever.
 */
public class InferenceAsyncFunction extends RichAsyncFunction<FrameEnvelope, InferenceOutcome> {

    private static final long serialVersionUID = 1L;

    private final FrameInferenceFactory factory;
    private final MicroClock clock;
    private transient SharedInference.Lease lease;
    private transient AtomicInteger inFlight;
    private transient ScheduledThreadPoolExecutor deadlines;

    public InferenceAsyncFunction(FrameInferenceFactory factory, MicroClock clock) {
        this.factory = factory;
        this.clock = clock;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        NativeLibraryRelease.register(getRuntimeContext());
        String timerName = "inference-deadlines-" + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        deadlines = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, timerName);
            thread.setDaemon(true);
            return thread;
        });
        // a frame answered in time cancels its timer: drop it at once rather than at its deadline
        deadlines.setRemoveOnCancelPolicy(true);
        lease = SharedInference.acquire(factory, clock);
        inFlight = new AtomicInteger();
        MetricGroup metrics = DriftlessMetricGroup.of(getRuntimeContext());
        metrics.gauge("inference_in_flight", inFlight::get);
        lease.inference().registerMetrics(metrics);
    }

    @Override
    public void asyncInvoke(FrameEnvelope frame, ResultFuture<InferenceOutcome> resultFuture) {
        long remaining = frame.deadlineUs - clock.nowMicros();
        if (remaining <= 0) {
            resultFuture.complete(Collections.singleton(InferenceOutcome.dropped(
                    frame, DropReason.LATE_ON_ARRIVAL,
                    "deadline passed " + (-remaining) + " us before inference could start")));
            return;
        }
        CompletableFuture<InferenceOutcome> inference;
        inFlight.incrementAndGet();
        try {
            inference = lease.inference().infer(frame);
        } catch (RuntimeException e) {
            inFlight.decrementAndGet();
            // a model that throws instead of failing its future still must not fail the job
            resultFuture.complete(Collections.singleton(failed(frame, e, remaining)));
            return;
        }
        // the timeout guarantees this callback, so every frame counted in flight is counted out
        ScheduledFuture<?> deadline = deadlines.schedule(
                () -> inference.completeExceptionally(new TimeoutException()), remaining, TimeUnit.MICROSECONDS);
        inference.whenComplete((outcome, error) -> {
            deadline.cancel(false);
            inFlight.decrementAndGet();
            resultFuture.complete(Collections.singleton(error == null ? outcome : failed(frame, error, remaining)));
        });
    }

    @VisibleForTesting
    int inFlight() {
        return inFlight.get();
    }

    private static InferenceOutcome failed(FrameEnvelope frame, Throwable error, long remainingUs) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return cause instanceof TimeoutException
                ? InferenceOutcome.dropped(frame, DropReason.DEADLINE_EXCEEDED,
                        "no result within the remaining budget of " + remainingUs + " us")
                : InferenceOutcome.dropped(frame, DropReason.INFERENCE_FAILED, "inference failed: " + cause);
    }

    @Override
    public void timeout(FrameEnvelope frame, ResultFuture<InferenceOutcome> resultFuture) {
        // the default would fail the job; a frame that outlives the safety net is just late
        resultFuture.complete(Collections.singleton(InferenceOutcome.dropped(
                frame, DropReason.DEADLINE_EXCEEDED, "async operator timeout")));
    }

    @Override
    public void close() throws Exception {
        try {
            if (lease != null) {
                lease.close();
            }
        } finally {
            if (deadlines != null) {
                deadlines.shutdownNow();
            }
        }
    }
}
