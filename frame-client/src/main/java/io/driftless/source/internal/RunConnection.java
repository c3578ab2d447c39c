package io.driftless.source.internal;

import io.driftless.source.FrameSourceException;
import io.driftless.source.KafkaLink;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A run's side of Kafka, whatever sends the frames: the answer consumer on a thread of its own,
 * the frames producer once the consumer is positioned, the first failure of either, the stop that
 * may come from any thread, and the order in which it all closes.
 *
 * <pre>{@code
 * RunConnection kafka = new RunConnection(link, sessions, tracker);   // when the run is made
 * // in run():
 * try (kafka) {
 *     kafka.start(AnswerListener.NONE);
 *     if (kafka.awaitReady()) {
 *         while (!kafka.stopped()) {
 *             kafka.throwIfFailed();
 *             kafka.send(key, frame);
 *         }
 *     }
 *     kafka.drain(lastSendNanos + drainTimeout.toNanos());
 * }
 * }</pre>
 *
 * <p>One thread starts, sends, drains and closes it; {@link #stop()} and {@link #stopReading()}
 * may come from any thread, before the start too.
 */
public final class RunConnection implements AutoCloseable {

    private static final Duration PRODUCER_CLOSE_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration THREAD_JOIN_TIMEOUT = Duration.ofSeconds(5);
    /** Beyond two connect timeouts (metadata, then positions) for the consumer to get ready. */
    private static final Duration READY_SLACK = Duration.ofSeconds(1);

    private final KafkaLink link;
    private final SessionIds sessions;
    private final ResponseTracker tracker;
    private final String clientPrefix;
    private final CompletableFuture<Void> stop = new CompletableFuture<>();
    private final AtomicReference<Exception> sendFailure = new AtomicReference<>();
    // One callback for every record: the hot path allocates no lambda per frame.
    private final Callback onSent = (metadata, e) -> {
        if (e != null) {
            sendFailure.compareAndSet(null, e);
        }
    };
    private volatile ResponseConsumer answers;
    private Thread answersThread;
    private KafkaProducer<byte[], byte[]> producer;

    /** Opens nothing yet: the clients start with {@link #start}. */
    public RunConnection(KafkaLink link, SessionIds sessions, ResponseTracker tracker) {
        this.link = link;
        this.sessions = sessions;
        this.tracker = tracker;
        this.clientPrefix = "driftless-source-" + sessions.runId();
    }

    /** Starts reading the answers, each also handed to {@code listener}. Call once. */
    public void start(AnswerListener listener) {
        if (answers != null) {
            throw new IllegalStateException("start() may be called once per RunConnection");
        }
        ResponseConsumer consumer = new ResponseConsumer(link, sessions, tracker,
                KafkaClients.consumer(link, clientPrefix + "-answers",
                        link.perSessionTopics() ? clientPrefix : null),
                listener);
        answers = consumer;
        answersThread = new Thread(consumer, "driftless-source-answers");
        answersThread.setDaemon(true);
        answersThread.start();
    }

    /** Ends sending, and the wait in {@link #awaitReady()}; safe from any thread, more than once. */
    public void stop() {
        stop.complete(null);
    }

    /** Whether {@link #stop()} came. */
    public boolean stopped() {
        return stop.isDone();
    }

    /**
     * Waits until the consumer is positioned, then opens the producer.
     *
     * @return true when the run may send; false when it was stopped first
     * @throws FrameSourceException when the consumer or the producer cannot reach Kafka
     */
    public boolean awaitReady() {
        if (!answers.awaitReady(link.connectTimeout().multipliedBy(2).plus(READY_SLACK), stop)) {
            return false;
        }
        producer = KafkaClients.openProducer(link, clientPrefix + "-frames");
        return true;
    }

    /** Sends one frame to the frames topic; a failure surfaces in {@link #throwIfFailed()}. */
    public void send(byte[] key, byte[] frame) {
        producer.send(new ProducerRecord<>(link.framesTopic(), key, frame), onSent);
    }

    /** Throws the first failure of the consumer or of a send, if there was one. */
    public void throwIfFailed() {
        if (answers.failure() != null) {
            throw answers.failure();
        }
        Exception e = sendFailure.get();
        if (e != null) {
            throw new FrameSourceException("sending frames to '" + link.framesTopic() + "' on "
                    + link.bootstrapServers() + " failed: " + Failures.describe(e), e);
        }
    }

    /**
     * Ends sending and waits for every answer until {@code deadlineNanos} ({@link
     * System#nanoTime()}); what is missing then counts as unanswered.
     *
     * @throws FrameSourceException when the consumer or a send failed
     */
    public void drain(long deadlineNanos) {
        // No flush: frames still buffered go out during the drain, and a frame that never
        // reaches the broker ends unanswered rather than holding up a stop.
        tracker.sendingDone();
        answers.drain(tracker.allSettled(), deadlineNanos);
        throwIfFailed();
    }

    /** Stops reading answers now, from any thread; the run then ends with what it has. */
    public void stopReading() {
        ResponseConsumer consumer = answers;
        if (consumer != null) {
            consumer.stop();
        }
    }

    /**
     * Stops the consumer and waits for its thread, since the summary reads the books it keeps;
     * then closes the producer.
     */
    @Override
    public void close() {
        if (answers != null) {
            answers.stop();
            joinUninterruptibly(answersThread);
        }
        if (producer != null) {
            producer.close(PRODUCER_CLOSE_TIMEOUT);
        }
    }

    private static void joinUninterruptibly(Thread thread) {
        long deadline = System.nanoTime() + THREAD_JOIN_TIMEOUT.toNanos();
        boolean interrupted = false;
        while (thread.isAlive() && deadline - System.nanoTime() > 0) {
            try {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
