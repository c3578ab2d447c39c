package io.driftless.kafka;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * Runs an embedded Kafka broker until Ctrl-C, for trying the product locally without installing
 * Kafka.
 */
public final class EmbeddedKafkaMain {

    static final String USAGE = String.join(System.lineSeparator(),
            "Usage: embedded-kafka [--port PORT] [--partitions N] [--data-dir DIR]",
            "Runs a single-node Kafka broker in this JVM until Ctrl-C.",
            "  --port PORT      port for clients on 127.0.0.1 (default 9092; 0 picks a free port)",
            "  --partitions N   partitions of topics created on first use (default 1)",
            "  --data-dir DIR   keep the broker's data in DIR across runs",
            "                   (default: a temporary directory deleted on exit)",
            "  --help           print this help");

    private EmbeddedKafkaMain() {}

    public static void main(String[] args) throws InterruptedException {
        EmbeddedKafkaBroker broker;
        try {
            Options options = Options.parse(args);
            if (options.help()) {
                System.out.println(USAGE);
                return;
            }
            broker = options.toBuilder().build();
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            closed.countDown();
        }, "embedded-kafka-shutdown"));
        try {
            broker.start();
        } catch (EmbeddedKafkaException e) {
            System.err.println(e.getMessage());
            System.exit(1);
        }
        printReady(System.out, broker);
        closed.await();
    }

    private static void printReady(PrintStream out, EmbeddedKafkaBroker broker) {
        out.println("Kafka broker ready; bootstrap servers: " + broker.bootstrapServers());
        out.println("Data directory: " + broker.dataDirectory() + ". Press Ctrl-C to stop.");
    }

    /** The command line, parsed. */
    record Options(boolean help, int port, int partitions, Optional<Path> dataDirectory) {

        static final int DEFAULT_PORT = 9092;

        /**
         * Accepts {@code --name value} and {@code --name=value}.
         *
         * @throws IllegalArgumentException naming the option that is unknown, lacks a value, or has a bad one
         */
        static Options parse(String... args) {
            boolean help = false;
            int port = DEFAULT_PORT;
            int partitions = 1;
            Optional<Path> dataDirectory = Optional.empty();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                int equals = arg.indexOf('=');
                String name = equals < 0 ? arg : arg.substring(0, equals);
                if (name.equals("--help") || name.equals("-h")) {
                    help = true;
                    continue;
                }
                String value;
                if (equals >= 0) {
                    value = arg.substring(equals + 1);
                } else if (i + 1 < args.length) {
                    value = args[++i];
                } else {
                    value = null;
                }
                switch (name) {
                    case "--port" -> port = intValue(name, value, 0, 65535);
                    case "--partitions" -> partitions = intValue(name, value, 1, Integer.MAX_VALUE);
                    case "--data-dir" -> dataDirectory = Optional.of(Path.of(requireValue(name, value)));
                    default -> throw new IllegalArgumentException("Unknown option " + arg + ".");
                }
            }
            return new Options(help, port, partitions, dataDirectory);
        }

        EmbeddedKafkaBroker.Builder toBuilder() {
            EmbeddedKafkaBroker.Builder builder = EmbeddedKafkaBroker.builder()
                    .brokerPort(port)
                    .defaultPartitions(partitions);
            dataDirectory.ifPresent(builder::dataDirectory);
            return builder;
        }

        private static int intValue(String name, String value, int min, int max) {
            String text = requireValue(name, value);
            try {
                int parsed = Integer.parseInt(text);
                if (parsed >= min && parsed <= max) {
                    return parsed;
                }
            } catch (NumberFormatException e) {
                // reported below with the allowed range
            }
            throw new IllegalArgumentException(
                    "Option " + name + " needs a whole number from " + min + " to " + max + ", got " + text + ".");
        }

        private static String requireValue(String name, String value) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("Option " + name + " needs a value.");
            }
            return value;
        }
    }
}
