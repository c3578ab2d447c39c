package io.driftless.inference.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class InputTensorMemoryTest {

    private final InputTensorMemory memory = new InputTensorMemory();

    @Test
    void keepsTheMemoryForTheThreadThatAskedLastSizedToEachBatch() {
        FloatBuffer first = memory.take(12);
        first.put(0, 7f);
        FloatBuffer second = memory.take(6);

        assertThat(second).isSameAs(first);
        assertThat(second.isDirect()).isTrue();
        assertThat(second.order()).isEqualTo(ByteOrder.nativeOrder());
        assertThat(second.position()).isZero();
        assertThat(second.remaining()).isEqualTo(6);
        assertThat(second.get(0)).as("what the last batch left: the caller writes every element").isEqualTo(7f);
    }

    @Test
    void growsForALargerBatch() {
        FloatBuffer small = memory.take(6);
        FloatBuffer large = memory.take(24);

        assertThat(large).isNotSameAs(small);
        assertThat(large.remaining()).isEqualTo(24);
        assertThat(memory.take(24)).isSameAs(large);
    }

    @Test
    void givesAnotherThreadFreshMemoryNeverTheBufferInUse() throws Exception {
        FloatBuffer mine = memory.take(12);
        FloatBuffer theirs = CompletableFuture.supplyAsync(() -> memory.take(12)).get();

        assertThat(theirs).isNotSameAs(mine);
        assertThat(memory.take(12)).as("after the other thread, fresh again").isNotSameAs(mine).isNotSameAs(theirs);
    }
}
