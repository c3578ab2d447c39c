package io.driftless.job.testutils;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * One session sending frames at a fixed rate on its own thread and producer until closed: the
 * offender of an isolation test. Its frames are sequences 1 to {@link #sent()}.
 */
public final class SessionFlood implements AutoCloseable {

    private final String session;
    private final AtomicLong sent = new AtomicLong();
    private final Thread sender;
    private volatile boolean running = true;
    private volatile Exception failure;

    /**
     * @param frame the record value of the frame with the given sequence, built when it is due
     *     (so its stamps are fresh)
     */
    public SessionFlood(String bootstrapServers, String topic, String session, int fps, LongFunction<byte[]> frame) {
        this.session = session;
        this.sender = new Thread(() -> send(bootstrapServers, topic, fps, frame), "flood-" + session);
        sender.setDaemon(true);
        sender.start();
    }

    private void send(String bootstrapServers, String topic, int fps, LongFunction<byte[]> frame) {
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) / fps;
        byte[] key = JobUnderTest.key(session);
        try (KafkaProducer<byte[], byte[]> producer = JobUnderTest.producer(bootstrapServers)) {
            long next = System.nanoTime();
            while (running) {
                // frames fall due on a fixed schedule; a late wake-up sends the ones owed at once
                for (long now = System.nanoTime(); next <= now && running; next += intervalNanos) {
                    producer.send(new ProducerRecord<>(topic, key, frame.apply(sent.get() + 1)), (metadata, error) -> {
                        if (error != null && failure == null) {
                            failure = error;
                        }
                    });
                    sent.incrementAndGet();
                }
                LockSupport.parkNanos(next - System.nanoTime());
            }
            producer.flush();
        } catch (Exception e) {
            failure = e;
        }
    }

    public String session() {
        return session;
    }

    /** Frames handed to the producer so far; final once closed. */
    public long sent() {
        return sent.get();
    }

    /** Stops sending, flushes what was sent, and rethrows what went wrong. */
    @Override
    public void close() throws Exception {
        running = false;
        sender.join(TimeUnit.SECONDS.toMillis(30));
        if (sender.isAlive()) {
            throw new IllegalStateException("flood of " + session + " did not stop within 30 s");
        }
        if (failure != null) {
            throw failure;
        }
    }
}
