package io.driftless.source.internal;

import com.google.protobuf.InvalidProtocolBufferException;
import io.driftless.proto.AnnotatedFrame;
import io.driftless.proto.ArCoordinates;
import io.driftless.proto.DroppedFrame;
import io.driftless.source.FrameSourceException;
import io.driftless.source.KafkaLink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread that reads the job's answers and hands them to the {@link ResponseTracker}.
 *
 * <p>It positions itself before any frame is sent: with one shared coordinates topic it assigns
 * every partition of that topic, of the annotated-frames topic when the run reads one, and of the
 * dropped topic at their current ends; with topics per session it subscribes by regex to this
 * run's topics (new topics from their first record) and to the dropped topic from its end as of
 * the start.
 */
public final class ResponseConsumer implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(ResponseConsumer.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(1);

    private final KafkaLink config;
    private final SessionIds sessions;
    private final ResponseTracker tracker;
    private final AnswerListener listener;
    private final Pattern annotatedTopics;
    private final Properties properties;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final CompletableFuture<Void> failed = new CompletableFuture<>();
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean stopped;
    private volatile FrameSourceException failure;
    private long malformed;

    public ResponseConsumer(KafkaLink config, SessionIds sessions, ResponseTracker tracker,
            Properties properties) {
        this(config, sessions, tracker, properties, AnswerListener.NONE);
    }

    public ResponseConsumer(KafkaLink config, SessionIds sessions, ResponseTracker tracker,
            Properties properties, AnswerListener listener) {
        this.config = config;
        this.sessions = sessions;
        this.tracker = tracker;
        this.properties = properties;
        this.listener = listener;
        this.annotatedTopics = config.annotatedTopic()
                .map(pattern -> sessions.topics(pattern, KafkaLink.SESSION_PLACEHOLDER))
                .orElse(null);
    }

    /** Completes once the consumer is positioned: frames sent from then on are all seen. */
    public CompletableFuture<Void> ready() {
        return ready;
    }

    /** Completes exceptionally with the error that stopped the consumer; never normally. */
    public CompletableFuture<Void> failed() {
        return failed;
    }

    /**
     * Waits until the consumer is positioned, {@code stopped} completes, or the timeout passes.
     *
     * @return true when positioned; false when stopped or interrupted first
     * @throws FrameSourceException when the consumer failed or did not start in time
     */
    public boolean awaitReady(Duration timeout, CompletableFuture<?> stopped) {
        try {
            CompletableFuture.anyOf(ready, stopped).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return !stopped.isDone();
        } catch (ExecutionException e) {
            if (stopped.isDone()) {
                return false;
            }
            throw e.getCause() instanceof FrameSourceException f ? f
                    : new FrameSourceException(Failures.describe(e.getCause()), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new FrameSourceException("the answer consumer did not start within "
                    + timeout.toMillis() + " ms: check the brokers at "
                    + config.bootstrapServers());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Waits for {@code settled} until {@code deadlineNanos} ({@link System#nanoTime()}); what is
     * still missing then counts as unanswered.
     *
     * @throws FrameSourceException when the consumer fails meanwhile
     */
    public void drain(CompletableFuture<Void> settled, long deadlineNanos) {
        try {
            CompletableFuture.anyOf(settled, failed)
                    .get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof FrameSourceException f ? f
                    : new FrameSourceException(Failures.describe(e.getCause()), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            // What is still missing now counts as unanswered.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The error that stopped the consumer, or null. */
    public FrameSourceException failure() {
        return failure;
    }

    /** Stops the loop from any thread; the consumer closes on its own thread. */
    public void stop() {
        stopped = true;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    @Override
    public void run() {
        KafkaConsumer<byte[], byte[]> c;
        try {
            c = new KafkaConsumer<>(properties);
        } catch (KafkaException e) {
            fail(new FrameSourceException("cannot create a Kafka consumer for "
                    + config.bootstrapServers() + ": " + Failures.describe(e), e));
            return;
        }
        // Published before the stop check, so a stop() from here on wakes the consumer up.
        consumer = c;
        try {
            if (!stopped) {
                position(c);
                ready.complete(null);
                while (!stopped) {
                    handle(c.poll(POLL));
                }
            }
        } catch (WakeupException e) {
            if (!stopped) {
                fail(new FrameSourceException("the answer consumer was woken up unexpectedly", e));
            }
        } catch (FrameSourceException e) {
            fail(e);
        } catch (RuntimeException e) {
            fail(new FrameSourceException("reading answers from Kafka at "
                    + config.bootstrapServers() + " failed: " + Failures.describe(e), e));
        } finally {
            ready.completeExceptionally(new FrameSourceException("the run stopped while starting"));
            c.close(CloseOptions.timeout(CLOSE_TIMEOUT));
        }
        if (malformed > 0) {
            LOG.warn("{} answers of this run could not be parsed and were ignored", malformed);
        }
    }

    private void fail(FrameSourceException failure) {
        this.failure = failure;
        ready.completeExceptionally(failure);
        failed.completeExceptionally(failure);
    }

    private void position(KafkaConsumer<byte[], byte[]> c) {
        // Existence of the frames topic is checked here: the producer would only time out.
        partitions(c, config.framesTopic());
        List<TopicPartition> dropped = partitions(c, config.droppedTopic());
        if (!config.perSessionTopics()) {
            List<TopicPartition> all = new ArrayList<>(dropped);
            all.addAll(partitions(c, config.coordinatesTopicPattern()));
            if (config.annotatedTopicPattern() != null) {
                all.addAll(partitions(c, config.annotatedTopicPattern()));
            }
            c.assign(all);
            c.seekToEnd(all);
            // seekToEnd is lazy; resolving the positions now keeps answers to the first frames.
            all.forEach(tp -> c.position(tp, config.connectTimeout()));
            return;
        }
        Map<TopicPartition, Long> positions =
                new HashMap<>(c.endOffsets(dropped, config.connectTimeout()));
        Pattern topics = sessions.answerTopics(config.coordinatesTopicPattern(),
                config.annotatedTopicPattern(), KafkaLink.SESSION_PLACEHOLDER,
                config.droppedTopic());
        c.subscribe(topics, new KeepPositions(c, positions));
        long deadline = System.nanoTime() + config.connectTimeout().toNanos();
        while (!c.assignment().containsAll(dropped)) {
            if (System.nanoTime() - deadline > 0) {
                throw new FrameSourceException("the answer consumer did not get the partitions of '"
                        + config.droppedTopic() + "' within " + config.connectTimeout().toMillis()
                        + " ms: check the brokers' group coordinator and the consumer logs");
            }
            handle(c.poll(POLL));
        }
    }

    private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> c, String topic) {
        List<PartitionInfo> infos;
        try {
            infos = c.partitionsFor(topic, config.connectTimeout());
        } catch (TimeoutException e) {
            throw new FrameSourceException("cannot reach Kafka at " + config.bootstrapServers()
                    + " within " + config.connectTimeout().toMillis() + " ms (" + e.getMessage()
                    + "): check that the brokers run and that the bootstrap servers point at them", e);
        } catch (KafkaException e) {
            throw new FrameSourceException("cannot use Kafka at " + config.bootstrapServers() + ": "
                    + Failures.describe(e), e);
        }
        if (infos == null || infos.isEmpty()) {
            throw new FrameSourceException("topic '" + topic + "' does not exist on "
                    + config.bootstrapServers() + ": start the job (it creates its topics) or"
                    + " create the topic");
        }
        List<TopicPartition> partitions = new ArrayList<>(infos.size());
        infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
        return partitions;
    }

    private void handle(ConsumerRecords<byte[], byte[]> records) {
        if (records.isEmpty()) {
            return;
        }
        // One fetch arrives at once: one receive stamp for the batch.
        long receiveNanos = System.nanoTime();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            if (!sessions.mayOwnKey(record.key())) {
                continue;
            }
            try {
                if (record.value() == null) {
                    throw new InvalidProtocolBufferException("the record has no value");
                }
                if (record.topic().equals(config.droppedTopic())) {
                    tracker.onDropped(DroppedFrame.parseFrom(record.value()), receiveNanos);
                } else if (annotatedTopics != null
                        && annotatedTopics.matcher(record.topic()).matches()) {
                    AnnotatedFrame annotated = AnnotatedFrame.parseFrom(record.value());
                    listener.onAnnotated(annotated, receiveNanos);
                    tracker.onAnnotated(annotated, receiveNanos);
                } else {
                    ArCoordinates coordinates = ArCoordinates.parseFrom(record.value());
                    listener.onCoordinates(coordinates, receiveNanos);
                    tracker.onCoordinates(coordinates, receiveNanos);
                }
            } catch (InvalidProtocolBufferException e) {
                if (malformed++ == 0) {
                    LOG.warn("ignoring an answer that is not valid Protobuf on {} at offset {}: {}",
                            record.topic(), record.offset(), e.getMessage());
                }
            }
        }
    }

    /**
     * Keeps each partition's position across rebalances: a fresh group has no committed offsets,
     * so without this a re-assigned dropped partition would restart from its beginning.
     */
    private static final class KeepPositions implements ConsumerRebalanceListener {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Map<TopicPartition, Long> positions;

        KeepPositions(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> positions) {
            this.consumer = consumer;
            this.positions = positions;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            partitions.forEach(tp -> positions.put(tp, consumer.position(tp)));
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            partitions.forEach(tp -> {
                Long position = positions.get(tp);
                if (position != null) {
                    consumer.seek(tp, position);
                }
            });
        }
    }
}
