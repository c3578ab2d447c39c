package io.driftless.job.inference;

import io.driftless.inference.MicroClock;
import io.driftless.inference.service.FrameInference;
import io.driftless.inference.service.FrameInferenceFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Model instances shared by every operator that uses them, one per key, reference-counted: the
 * last operator to close its lease closes the model.
 *
 * <p>The admission gate and the async inference stage are separate operators, and each may
 * run in several slots of one TaskManager. Sharing one runner lets the gate read the latency
 * the model actually delivers, lets one micro-batch span all slots, and keeps one model in
 * memory (and one GPU session) instead of one per slot. The job's operators share
 * {@link #perTaskManager()}: one registry per job classloader, which in a TaskManager is one per
 * job. Tests make registries of their own.
 */
public final class SharedInference {

    private static final SharedInference PER_TASK_MANAGER = new SharedInference();

    private final Map<String, Entry> instances = new HashMap<>();

    /** The registry the job's operators share in this TaskManager (in this job's classloader). */
    public static SharedInference perTaskManager() {
        return PER_TASK_MANAGER;
    }

    /**
     * Takes a reference to the instance under {@code key}, creating it with {@code factory} if this
     * is the first. Operators pass {@link FrameInferenceFactory#key()}, so that factories that
     * build the same model share it.
     */
    public Lease acquire(String key, FrameInferenceFactory factory, MicroClock clock) throws Exception {
        synchronized (instances) {
            Entry entry = instances.get(key);
            if (entry == null) {
                entry = new Entry(factory.create(clock));
                instances.put(key, entry);
            }
            entry.references++;
            return new Lease(key, entry.inference);
        }
    }

    /** The keys of the instances held now: empty once every operator has closed its lease. */
    public Set<String> keys() {
        synchronized (instances) {
            return Set.copyOf(instances.keySet());
        }
    }

    private void release(String key) throws Exception {
        FrameInference toClose = null;
        synchronized (instances) {
            Entry entry = instances.get(key);
            if (entry != null && --entry.references == 0) {
                instances.remove(key);
                toClose = entry.inference;
            }
        }
        if (toClose != null) {
            toClose.close();
        }
    }

    /** One operator's reference; closing it twice is harmless. */
    public final class Lease implements AutoCloseable {
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
