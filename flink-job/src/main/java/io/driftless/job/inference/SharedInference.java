package io.driftless.job.inference;

import io.driftless.inference.MicroClock;
import io.driftless.inference.service.FrameInference;
import io.driftless.inference.service.FrameInferenceFactory;
import java.util.HashMap;
import java.util.Map;

/**
 * One model instance per TaskManager and model, shared by every operator that uses it.
 *
 * <p>The admission gate and the async inference stage are separate operators, and each may
 * run in several slots of one TaskManager. Sharing one runner lets the gate read the latency
 * the model actually delivers, lets one micro-batch span all slots, and keeps one model in
 * memory (and one GPU session) instead of one per slot. Reference-counted: the last
 * operator to close it closes the model.
 */
public final class SharedInference {

    private static final Map<String, Entry> INSTANCES = new HashMap<>();

    private SharedInference() {}

    /** Takes a reference to the factory's instance, creating it if this is the first. */
    public static Lease acquire(FrameInferenceFactory factory, MicroClock clock) throws Exception {
        synchronized (INSTANCES) {
            Entry entry = INSTANCES.get(factory.key());
            if (entry == null) {
                entry = new Entry(factory.create(clock));
                INSTANCES.put(factory.key(), entry);
            }
            entry.references++;
            return new Lease(factory.key(), entry.inference);
        }
    }

    private static void release(String key) throws Exception {
        FrameInference toClose = null;
        synchronized (INSTANCES) {
            Entry entry = INSTANCES.get(key);
            if (entry != null && --entry.references == 0) {
                INSTANCES.remove(key);
                toClose = entry.inference;
            }
        }
        if (toClose != null) {
            toClose.close();
        }
    }

    /** One operator's reference; closing it twice is harmless. */
    public static final class Lease implements AutoCloseable {
        private final String key;
        private final FrameInference inference;
        private boolean closed;

        private Lease(String key, FrameInference inference) {
            this.key = key;
            this.inference = inference;
        }

        public FrameInference inference() {
            return inference;
        }

        @Override
        public synchronized void close() throws Exception {
            if (!closed) {
                closed = true;
                release(key);
            }
        }
    }

    private static final class Entry {
        final FrameInference inference;
        int references;

        Entry(FrameInference inference) {
            this.inference = inference;
        }
    }
}
