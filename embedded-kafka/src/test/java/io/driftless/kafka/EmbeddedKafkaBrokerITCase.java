package io.driftless.kafka;

import static io.driftless.kafka.testutils.TestClients.readFromBeginning;
import static io.driftless.kafka.testutils.TestClients.send;
import static io.driftless.kafka.testutils.TestClients.sendValues;
import static io.driftless.kafka.testutils.TestClients.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftless.kafka.testutils.TestClients;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

class EmbeddedKafkaBrokerITCase {

    /** One running broker for the tests that leave its life cycle alone; each uses its own topics. */
    private static EmbeddedKafkaBroker shared;

    private String topic;

    @BeforeAll
    static void startSharedBroker() {
        shared = EmbeddedKafkaBroker.builder().defaultPartitions(3).build();
        shared.start();
    }

    @AfterAll
    static void closeSharedBroker() {
        shared.close();
    }

    @BeforeEach
    void nameTopicAfterTest(TestInfo test) {
        topic = test.getTestMethod().orElseThrow().getName();
    }

    @Test
    void producesAndConsumesRecordsWithTheirKeysValuesAndHeaders() throws Exception {
        shared.createTopic(topic, 1);

        try (KafkaProducer<String, String> producer = TestClients.producer(shared.bootstrapServers())) {
            for (int i = 0; i < 5; i++) {
                ProducerRecord<String, String> record = new ProducerRecord<>(topic, "camera-" + i, "frame-" + i);
                record.headers().add(new RecordHeader("seq", Integer.toString(i).getBytes(StandardCharsets.UTF_8)));
                send(producer, record);
            }
        }

        List<ConsumerRecord<String, String>> records = readFromBeginning(shared.bootstrapServers(), topic, 5);
        assertThat(records).extracting(ConsumerRecord::key)
                .containsExactly("camera-0", "camera-1", "camera-2", "camera-3", "camera-4");
        assertThat(values(records)).containsExactly("frame-0", "frame-1", "frame-2", "frame-3", "frame-4");
        assertThat(records).extracting(r -> new String(r.headers().lastHeader("seq").value(), StandardCharsets.UTF_8))
                .containsExactly("0", "1", "2", "3", "4");
        assertThat(records).extracting(ConsumerRecord::offset).containsExactly(0L, 1L, 2L, 3L, 4L);
    }

    @Test
    void createsSeveralTopicsWhosePartitionsAreReadyForClientsAtOnce() throws Exception {
        shared.createTopics(List.of(
                new NewTopic(topic + "-a", 2, (short) 1),
                new NewTopic(topic + "-b", 4, (short) 1)));

        try (KafkaProducer<String, String> producer = TestClients.producer(shared.bootstrapServers())) {
            assertThat(producer.partitionsFor(topic + "-a")).hasSize(2);
            assertThat(producer.partitionsFor(topic + "-b")).hasSize(4);
            for (int partition = 0; partition < 4; partition++) {
                send(producer, new ProducerRecord<>(topic + "-b", partition, null, "p" + partition));
            }
        }
        assertThat(values(readFromBeginning(shared.bootstrapServers(), topic + "-b", 4)))
                .containsExactlyInAnyOrder("p0", "p1", "p2", "p3");
    }

    @Test
    void refusesToCreateATopicThatAlreadyExists() {
        shared.createTopic(topic, 1);

        assertThatThrownBy(() -> shared.createTopic(topic, 1))
                .isInstanceOf(EmbeddedKafkaException.class)
                .hasMessageContaining("Cannot create topics [" + topic + "]")
                .hasMessageContaining("already exists");
    }

    @Test
    void autoCreatesAnUnknownTopicWithTheDefaultPartitionCount() throws Exception {
        sendValues(shared.bootstrapServers(), topic, List.of("first"));

        try (KafkaProducer<String, String> producer = TestClients.producer(shared.bootstrapServers())) {
            assertThat(producer.partitionsFor(topic)).hasSize(3);
        }
        assertThat(values(readFromBeginning(shared.bootstrapServers(), topic, 1))).containsExactly("first");
    }

    @Test
    void stampsRecordsWithTheBrokerAppendTimeInATopicWithLogAppendTime() throws Exception {
        shared.createTopic(topic, 1, Map.of(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime"));
        long before = System.currentTimeMillis();
        long anHourAgo = before - Duration.ofHours(1).toMillis();

        RecordMetadata appended;
        try (KafkaProducer<String, String> producer = TestClients.producer(shared.bootstrapServers())) {
            appended = send(producer, new ProducerRecord<>(topic, null, anHourAgo, "k", "v"));
        }
        long after = System.currentTimeMillis();

        assertThat(appended.timestamp()).isBetween(before, after);
        ConsumerRecord<String, String> record = readFromBeginning(shared.bootstrapServers(), topic, 1).get(0);
        assertThat(record.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
        assertThat(record.timestamp()).isEqualTo(appended.timestamp());
    }

    @Test
    void runsTwoBrokersAtOnceOnFreePortsWithoutClashing() throws Exception {
        try (EmbeddedKafkaBroker first = EmbeddedKafkaBroker.builder().build();
                EmbeddedKafkaBroker second = EmbeddedKafkaBroker.builder().build()) {
            first.start();
            second.start();

            assertThat(first.bootstrapServers()).isNotEqualTo(second.bootstrapServers());
            assertThat(first.dataDirectory()).isNotEqualTo(second.dataDirectory());
            sendValues(first.bootstrapServers(), topic, List.of("to-first"));
            sendValues(second.bootstrapServers(), topic, List.of("to-second"));
            assertThat(values(readFromBeginning(first.bootstrapServers(), topic, 1))).containsExactly("to-first");
            assertThat(values(readFromBeginning(second.bootstrapServers(), topic, 1))).containsExactly("to-second");
        }
    }

    @Test
    void keepsRecordsAndTheBootstrapAddressAcrossStopAndStart() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build();
                KafkaProducer<String, String> producer = startAndConnect(broker)) {
            broker.createTopic(topic, 1);
            send(producer, new ProducerRecord<>(topic, "before-restart"));
            String address = broker.bootstrapServers();

            broker.stop();
            assertThat(broker.isRunning()).isFalse();
            broker.start();

            assertThat(broker.bootstrapServers()).isEqualTo(address);
            assertThat(values(readFromBeginning(address, topic, 1))).containsExactly("before-restart");
            RecordMetadata afterRestart = send(producer, new ProducerRecord<>(topic, "after-restart"));
            assertThat(afterRestart.offset()).isEqualTo(1L);
        }
    }

    @Test
    void closeDeletesTheTemporaryDataDirectoryAndFreesThePortForTheNextBroker() throws Exception {
        EmbeddedKafkaBroker first = EmbeddedKafkaBroker.builder().build();
        first.start();
        sendValues(first.bootstrapServers(), topic, List.of("from-first"));
        String address = first.bootstrapServers();
        Path dataDirectory = first.dataDirectory();

        first.close();
        first.close();

        assertThat(dataDirectory).doesNotExist();
        try (EmbeddedKafkaBroker second = EmbeddedKafkaBroker.builder().brokerPort(portOf(address)).build()) {
            second.start();
            assertThat(second.bootstrapServers()).isEqualTo(address);
            sendValues(address, topic, List.of("from-second"));
            assertThat(values(readFromBeginning(address, topic, 1))).containsExactly("from-second");
        }
    }

    @Test
    void keepsAGivenDataDirectoryForTheNextBroker(@TempDir Path tmp) throws Exception {
        Path dataDirectory = tmp.resolve("kafka");
        try (EmbeddedKafkaBroker first = EmbeddedKafkaBroker.builder().dataDirectory(dataDirectory).build()) {
            first.start();
            sendValues(first.bootstrapServers(), topic, List.of("kept"));
        }

        assertThat(dataDirectory.resolve("meta.properties")).exists();
        try (EmbeddedKafkaBroker second = EmbeddedKafkaBroker.builder().dataDirectory(dataDirectory).build()) {
            second.start();
            assertThat(values(readFromBeginning(second.bootstrapServers(), topic, 1))).containsExactly("kept");
        }
    }

    @Test
    void failsToStartOnAPortInUseNamingThePort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
                EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().brokerPort(taken.getLocalPort()).build()) {
            assertThatThrownBy(broker::start)
                    .isInstanceOf(EmbeddedKafkaException.class)
                    .hasMessage("The Kafka broker port %d on 127.0.0.1 is already in use: stop the process that "
                            + "holds it, or choose another port (0 picks a free one).", taken.getLocalPort());
            assertThat(broker.isRunning()).isFalse();
        }
    }

    @Test
    void failsToStartOnAControllerPortInUseNamingThePort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
                EmbeddedKafkaBroker broker =
                        EmbeddedKafkaBroker.builder().controllerPort(taken.getLocalPort()).build()) {
            assertThatThrownBy(broker::start)
                    .isInstanceOf(EmbeddedKafkaException.class)
                    .hasMessageStartingWith("The Kafka controller port " + taken.getLocalPort()
                            + " on 127.0.0.1 is already in use");
        }
    }

    @Test
    void refusesADataDirectoryHoldingOtherFiles(@TempDir Path dataDirectory) throws Exception {
        Files.writeString(dataDirectory.resolve("notes.txt"), "not Kafka's");

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDirectory(dataDirectory).build()) {
            assertThatThrownBy(broker::start)
                    .isInstanceOf(EmbeddedKafkaException.class)
                    .hasMessageContaining("is neither empty nor a Kafka data directory");
        }
        assertThat(dataDirectory.resolve("notes.txt")).hasContent("not Kafka's");
    }

    @Test
    void closeLeavesNoBrokerThreadsBehind() throws Exception {
        List<Thread> before = List.copyOf(Thread.getAllStackTraces().keySet());
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build()) {
            broker.start();
            sendValues(broker.bootstrapServers(), topic, List.of("one"));
            readFromBeginning(broker.bootstrapServers(), topic, 1);
        }

        assertThat(Thread.getAllStackTraces().keySet())
                .filteredOn(thread -> !before.contains(thread) && thread.isAlive())
                .extracting(Thread::getName)
                .isEmpty();
    }

    private static KafkaProducer<String, String> startAndConnect(EmbeddedKafkaBroker broker) {
        broker.start();
        return TestClients.producer(broker.bootstrapServers());
    }

    private static int portOf(String address) {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }
}
