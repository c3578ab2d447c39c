package io.driftless.job.kafka;

import io.driftless.inference.MicroClock;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.TimestampType;

/**
 * Hands every record on undecoded, stamped with its ingest time: decoding happens in the
 * parse operator, where a bad record can become a drop instead of failing the source.
 */
public class RawFrameDeserializer implements KafkaRecordDeserializationSchema<RawFrame> {

    private static final long serialVersionUID = 1L;

    private final MicroClock clock;

    public RawFrameDeserializer(MicroClock clock) {
        this.clock = clock;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        KafkaClientClasses.preload();
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawFrame> out) {
        RawFrame raw = new RawFrame();
        raw.ingestUs = clock.nowMicros();
        raw.key = record.key();
        raw.value = record.value();
        raw.timestampMs = record.timestamp();
        raw.logAppendTime = record.timestampType() == TimestampType.LOG_APPEND_TIME;
        raw.partition = record.partition();
        raw.offset = record.offset();
        out.collect(raw);
    }

    @Override
    public TypeInformation<RawFrame> getProducedType() {
        return TypeInformation.of(RawFrame.class);
    }
}
