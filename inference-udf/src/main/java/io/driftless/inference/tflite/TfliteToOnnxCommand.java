package io.driftless.inference.tflite;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The converter's command line: reads a {@code .tflite} file, optionally checks its SHA-256,
 * writes the ONNX model. {@code bin/regenerate-face-model} runs it on the face detector.
 */
public final class TfliteToOnnxCommand {

    static final int EXIT_USAGE = 2;
    static final int EXIT_FAILURE = 1;

    private static final String USAGE = String.join("\n",
            "Usage: TfliteToOnnxCommand --in FILE.tflite --out FILE.onnx [--sha256 HEX] [--graph-name NAME]",
            "",
            "Converts a TFLite model (operators ADD, CONCATENATION, CONV_2D, DEPTHWISE_CONV_2D, DEQUANTIZE,",
            "MAX_POOL_2D, PAD, RELU, RESHAPE) to ONNX. Inputs and outputs keep their TFLite names and NHWC",
            "layout, with a symbolic batch dimension; the SHA-256 of the source is recorded in the metadata.",
            "",
            "  --in FILE          the TFLite model to convert",
            "  --out FILE         where to write the ONNX model",
            "  --sha256 HEX       refuse to convert unless the source has this SHA-256",
            "  --graph-name NAME  the ONNX graph's name (default: the source file's name without extension)",
            "  --help             print this help");

    private TfliteToOnnxCommand() {}

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** The command: parses {@code args}, converts, writes; returns the exit code. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.println("Run with --help for usage.");
            return EXIT_USAGE;
        }
        if (options.help) {
            out.println(USAGE);
            return 0;
        }
        byte[] source;
        try {
            source = Files.readAllBytes(options.in);
        } catch (IOException e) {
            err.println("error: cannot read " + options.in + ": " + e);
            return EXIT_FAILURE;
        }
        String sha256 = sha256(source);
        if (options.sha256 != null && !options.sha256.equalsIgnoreCase(sha256)) {
            err.println("error: " + options.in + " has SHA-256 " + sha256 + ", expected " + options.sha256
                    + "; it is not the model this conversion is pinned to");
            return EXIT_FAILURE;
        }
        String fileName = options.in.getFileName().toString();
        String graphName = options.graphName != null ? options.graphName : fileName.replaceFirst("\\.tflite$", "");
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("source_file", fileName);
        metadata.put("source_sha256", sha256);
        byte[] onnx;
        try {
            onnx = TfliteToOnnxConverter.convert(source, graphName, metadata);
        } catch (IllegalArgumentException e) {
            err.println("error: cannot convert " + options.in + ": " + e.getMessage());
            return EXIT_FAILURE;
        }
        try {
            Path parent = options.out.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Files.write(options.out, onnx);
        } catch (IOException e) {
            err.println("error: cannot write " + options.out + ": " + e);
            return EXIT_FAILURE;
        }
        out.printf(Locale.ROOT, "converted %s (%,d bytes, sha256 %s)%n       to %s (%,d bytes, sha256 %s)%n",
                options.in, source.length, sha256, options.out, onnx.length, sha256(onnx));
        return 0;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The command line, parsed. */
    private static final class Options {
        boolean help;
        Path in;
        Path out;
        String sha256;
        String graphName;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                String name = arg;
                String value = null;
                int eq = arg.indexOf('=');
                if (arg.startsWith("--") && eq > 0) {
                    name = arg.substring(0, eq);
                    value = arg.substring(eq + 1);
                }
                if (name.equals("--help") || name.equals("-h")) {
                    o.help = true;
                    continue;
                }
                if (!List.of("--in", "--out", "--sha256", "--graph-name").contains(name)) {
                    throw new IllegalArgumentException("unknown argument '" + arg + "'");
                }
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(name + " needs a value");
                    }
                    value = args[++i];
                }
                switch (name) {
                    case "--in" -> o.in = Path.of(value);
                    case "--out" -> o.out = Path.of(value);
                    case "--sha256" -> {
                        if (!value.matches("[0-9a-fA-F]{64}")) {
                            throw new IllegalArgumentException("--sha256 must be 64 hex digits, got '" + value + "'");
                        }
                        o.sha256 = value;
                    }
                    default -> o.graphName = value;
                }
            }
            if (!o.help && (o.in == null || o.out == null)) {
                throw new IllegalArgumentException("both --in and --out are required");
            }
            return o;
        }
    }
}
