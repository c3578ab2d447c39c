package io.driftless.microbench;

import com.google.protobuf.InvalidProtocolBufferException;
import io.driftless.proto.Frame;
import io.driftless.source.SyntheticConfig;
import io.driftless.source.internal.SessionIds;
import io.driftless.source.internal.SyntheticUsers;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The Protobuf parse of one landmark frame as the load generator's synthetic users send it
 * (session, sequence, stamps, deadline and BlazeFace's six keypoints of a 640 x 480 camera): the
 * first thing the job does with each record it reads.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LandmarkFrameParseBenchmark {

    private byte[] record;

    @Setup
    public void encode() {
        SyntheticConfig config = SyntheticConfig.builder().bootstrapServers("unused:9092").users(1).build();
        SyntheticUsers users = new SyntheticUsers(config, new SessionIds("micro-benchmark", 1));
        long captureMicros = 1_765_000_000_000_000L;
        record = users.frame(0, 30, users.truth(0, 1.0), captureMicros, captureMicros + 1_500).toByteArray();
    }

    @Benchmark
    public Frame parse() throws InvalidProtocolBufferException {
        return Frame.parseFrom(record);
    }
}
