package io.driftless.inference.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DeadlineQueueTest {

    private record Request(String name, long deadline) {}

    private static DeadlineQueue<Request> queue(int capacity) {
        return new DeadlineQueue<>(capacity, QueueOrder.EARLIEST_DEADLINE, Request::deadline);
    }

    @Test
    void handsOutTheEarliestDeadlineFirstWhateverTheArrivalOrder() {
        DeadlineQueue<Request> queue = queue(100);
        List<Long> deadlines = new ArrayList<>();
        Random random = new Random(4);
        for (int i = 0; i < 50; i++) {
            long deadline = random.nextInt(1_000_000);
            deadlines.add(deadline);
            assertThat(queue.offer(new Request("r" + i, deadline))).isTrue();
        }
        List<Request> drained = new ArrayList<>();
        assertThat(queue.drainTo(drained, 100)).isEqualTo(50);
        assertThat(drained).extracting(Request::deadline).containsExactlyElementsOf(deadlines.stream().sorted().toList());
    }

    @Test
    void keepsArrivalOrderAmongEqualDeadlines() {
        DeadlineQueue<Request> queue = queue(10);
        queue.offer(new Request("late", 9));
        queue.offer(new Request("a", 5));
        queue.offer(new Request("b", 5));
        queue.offer(new Request("c", 5));

        List<Request> drained = new ArrayList<>();
        queue.drainTo(drained, 3);

        assertThat(drained).extracting(Request::name).containsExactly("a", "b", "c");
        assertThat(queue.poll()).extracting(Request::name).isEqualTo("late");
    }

    @Test
    void handsOutInArrivalOrderWhenToldToWhateverTheDeadlines() {
        DeadlineQueue<Request> queue = new DeadlineQueue<>(10, QueueOrder.ARRIVAL, Request::deadline);
        queue.offer(new Request("first", 9));
        queue.offer(new Request("second", 1));
        queue.offer(new Request("third", 5));

        List<Request> drained = new ArrayList<>();
        queue.drainTo(drained, 10);

        assertThat(drained).extracting(Request::name).containsExactly("first", "second", "third");
    }

    @Test
    void refusesBeyondItsCapacityAndTakesAgainOnceSomethingLeft() throws Exception {
        DeadlineQueue<Request> queue = queue(2);
        assertThat(queue.offer(new Request("a", 1))).isTrue();
        assertThat(queue.offer(new Request("b", 2))).isTrue();
        assertThat(queue.offer(new Request("urgent", 0))).as("full, however urgent").isFalse();
        assertThat(queue.size()).isEqualTo(2);

        assertThat(queue.poll(1, TimeUnit.SECONDS).name()).isEqualTo("a");
        assertThat(queue.offer(new Request("c", 3))).isTrue();
    }

    @Test
    void removesAWaitingElementByIdentity() {
        DeadlineQueue<Request> queue = queue(4);
        Request kept = new Request("kept", 1);
        Request removed = new Request("removed", 2);
        queue.offer(kept);
        queue.offer(removed);

        assertThat(queue.remove(new Request("removed", 2))).as("an equal but other element").isFalse();
        assertThat(queue.remove(removed)).isTrue();
        assertThat(queue.size()).isEqualTo(1);
    }

    @Test
    void pollGivesUpAfterItsTimeoutWhenNothingArrives() throws Exception {
        assertThat(queue(1).poll(1, TimeUnit.MILLISECONDS)).isNull();
    }
}
