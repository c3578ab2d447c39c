package io.driftless.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void allowsABurstOfItsCapacityThenItsRate() {
        TokenBucket bucket = new TokenBucket(5, SECOND, 0);
        for (int i = 0; i < 5; i++) {
            assertThat(bucket.tryTake(0)).as("event %d of the burst", i).isTrue();
        }
        assertThat(bucket.tryTake(0)).as("the sixth at once").isFalse();
        assertThat(bucket.tryTake(SECOND / 5)).as("one fifth of a second later").isTrue();
        assertThat(bucket.tryTake(SECOND / 5)).isFalse();
        assertThat(bucket.full(2 * SECOND)).isTrue();
    }
}
