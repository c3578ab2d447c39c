package io.driftless.inference.tflite;

import io.driftless.cli.Commands;
import io.driftless.inference.onnx.ConvertedModelFile;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The converter's command line: reads a {@code .tflite} file, optionally checks its SHA-256,
 * writes the ONNX model. {@code bin/regenerate-face-model} runs it on the face detector.
 */
public final class TfliteToOnnxCommand {

    static final int EXIT_USAGE = CommandLine.ExitCode.USAGE;
    static final int EXIT_FAILURE = 1;

    private TfliteToOnnxCommand() {}

    public static void main(String[] args) {
        Commands.exitOnFailure(run(args, System.out, System.err));
    }

    /** The command: parses {@code args}, converts, writes; returns the exit code. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Options options = new Options();
        OptionalInt early = Commands.parse(new CommandLine(options), args, options::validate, out, err);
        if (early.isPresent()) {
            return early.getAsInt();
        }
        byte[] source;
        try {
            source = Files.readAllBytes(options.in);
        } catch (IOException e) {
            err.println("error: cannot read " + options.in + ": " + e);
            return EXIT_FAILURE;
        }
        String sha256 = ConvertedModelFile.sha256(source);
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
        if (!ConvertedModelFile.write(options.out, onnx, err)) {
            return EXIT_FAILURE;
        }
        out.printf(Locale.ROOT, "converted %s (%,d bytes, sha256 %s)%n       to %s (%,d bytes, sha256 %s)%n",
                options.in, source.length, sha256, options.out, onnx.length, ConvertedModelFile.sha256(onnx));
        return 0;
    }

    /** The command line. */
    @Command(
            name = "TfliteToOnnxCommand",
            sortOptions = false,
            description = {
                "Converts a TFLite model (operators ADD, CONCATENATION, CONV_2D, DEPTHWISE_CONV_2D, DEQUANTIZE,"
                        + " MAX_POOL_2D, PAD, RELU, RESHAPE) to ONNX.",
                "Inputs and outputs keep their TFLite names and NHWC layout, with a symbolic batch dimension;"
                        + " the SHA-256 of the source is recorded in the metadata."
            })
    private static final class Options {
        @Option(names = "--in", required = true, paramLabel = "FILE", description = "The TFLite model to convert.")
        Path in;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the ONNX model.")
        Path out;

        @Option(names = "--sha256", paramLabel = "HEX",
                description = "Refuse to convert unless the source has this SHA-256.")
        String sha256;

        @Option(names = "--graph-name", paramLabel = "NAME",
                description = "The ONNX graph's name (default: the source file's name without extension).")
        String graphName;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Print this help and exit.")
        boolean help;

        void validate(CommandLine commandLine) {
            ConvertedModelFile.checkSha256Option(commandLine, sha256);
        }
    }
}
