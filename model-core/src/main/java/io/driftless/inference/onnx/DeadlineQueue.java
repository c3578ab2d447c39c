package io.driftless.inference.onnx;

import java.util.Collection;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToLongFunction;

/**
 * A bounded queue that hands out its elements in a {@link QueueOrder}: most urgent first
 * (earliest deadline, then earliest arrival among equal deadlines), or in arrival order. Beyond
 * its capacity it refuses, so a caller can shed load instead of queueing a request into lateness.
 */
final class DeadlineQueue<E> {

    private final int capacity;
    private final ToLongFunction<E> deadline;
    private final PriorityQueue<Node<E>> heap;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private long arrivals;

    DeadlineQueue(int capacity, QueueOrder order, ToLongFunction<E> deadline) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
        // in arrival order every element has the same deadline, so the arrival tie-break decides
        this.deadline = order == QueueOrder.EARLIEST_DEADLINE ? deadline : element -> 0L;
        this.heap = new PriorityQueue<>(capacity);
    }

    /** Adds {@code element} unless the queue is full; returns whether it was added. */
    boolean offer(E element) {
        lock.lock();
        try {
            if (heap.size() >= capacity) {
                return false;
            }
            heap.add(new Node<>(element, deadline.applyAsLong(element), arrivals++));
            notEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The most urgent element, waiting up to {@code timeout} for one; null if none came. */
    E poll(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lockInterruptibly();
        try {
            while (heap.isEmpty()) {
                if (nanos <= 0) {
                    return null;
                }
                nanos = notEmpty.awaitNanos(nanos);
            }
            return heap.poll().element;
        } finally {
            lock.unlock();
        }
    }

    /** The most urgent element, or null at once if the queue is empty. */
    E poll() {
        lock.lock();
        try {
            Node<E> node = heap.poll();
            return node == null ? null : node.element;
        } finally {
            lock.unlock();
        }
    }

    /** Moves up to {@code max} elements, most urgent first, into {@code into}; returns how many. */
    int drainTo(Collection<? super E> into, int max) {
        lock.lock();
        try {
            int moved = 0;
            while (moved < max && !heap.isEmpty()) {
                into.add(heap.poll().element);
                moved++;
            }
            return moved;
        } finally {
            lock.unlock();
        }
    }

    /** Removes {@code element} (by identity) if it is still waiting; returns whether it was. */
    boolean remove(E element) {
        lock.lock();
        try {
            return heap.removeIf(node -> node.element == element);
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return heap.size();
        } finally {
            lock.unlock();
        }
    }

    int capacity() {
        return capacity;
    }

    private record Node<E>(E element, long deadline, long arrival) implements Comparable<Node<E>> {
        @Override
        public int compareTo(Node<E> other) {
            int byDeadline = Long.compare(deadline, other.deadline);
            return byDeadline != 0 ? byDeadline : Long.compare(arrival, other.arrival);
        }
    }
}
