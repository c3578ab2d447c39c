package io.driftless.inference.tfjs;

import io.driftless.cli.Commands;
import io.driftless.inference.onnx.ConvertedModelFile;
import io.driftless.inference.vision.ImageInput.TensorLayout;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The TF.js converter's command line: reads a TF.js graph model folder, optionally checks its
 * SHA-256, writes the ONNX model. docs/bring-your-own-model.md runs it on YOLOv5s.
 */
public final class TfjsToOnnxCommand {

    static final int EXIT_USAGE = CommandLine.ExitCode.USAGE;
    static final int EXIT_FAILURE = 1;

    private TfjsToOnnxCommand() {}

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
        Path folder = Files.isDirectory(options.in) ? options.in : options.in.toAbsolutePath().getParent();
        long start = System.nanoTime();
        TfjsGraphModel model;
        try {
            model = TfjsGraphModel.read(folder);
        } catch (NoSuchFileException e) {
            err.println("error: cannot read " + options.in + ": " + e.getFile() + " does not exist");
            return EXIT_FAILURE;
        } catch (IOException e) {
            err.println("error: cannot read " + options.in + ": " + e);
            return EXIT_FAILURE;
        } catch (IllegalArgumentException e) {
            err.println("error: cannot read " + options.in + ": " + e.getMessage());
            return EXIT_FAILURE;
        }
        if (options.sha256 != null && !options.sha256.equalsIgnoreCase(model.sha256())) {
            err.println("error: " + options.in + " has SHA-256 " + model.sha256() + " (model.json and its weight"
                    + " files), expected " + options.sha256 + "; it is not the model this conversion is pinned to");
            return EXIT_FAILURE;
        }
        String graphName = options.graphName != null ? options.graphName
                : folder.toAbsolutePath().getFileName().toString();
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("source_format", "tfjs-graph-model");
        metadata.put("source_sha256", model.sha256());
        byte[] onnx;
        try {
            onnx = TfjsToOnnxConverter.convert(model, graphName, metadata,
                    new TfjsToOnnxConverter.Options(options.inputLayout, options.yolov5PixelBoxes));
        } catch (IllegalArgumentException e) {
            err.println("error: cannot convert " + options.in + ": " + e.getMessage());
            return EXIT_FAILURE;
        }
        if (!ConvertedModelFile.write(options.out, onnx, err)) {
            return EXIT_FAILURE;
        }
        out.printf(Locale.ROOT, "converted %s (sha256 %s)%n       to %s (%,d bytes, sha256 %s) in %d ms%n",
                folder, model.sha256(), options.out, onnx.length, ConvertedModelFile.sha256(onnx),
                (System.nanoTime() - start) / 1_000_000);
        return 0;
    }

    /** The command line. */
    @Command(
            name = "TfjsToOnnxCommand",
            sortOptions = false,
            description = {
                "Converts a TensorFlow.js graph model (model.json and its weight files) to ONNX. Ops:"
                        + " _FusedConv2D (BiasAdd, then Relu, Relu6 or LeakyRelu), Add, AddV2, ConcatV2, Identity,"
                        + " MaxPool, Mul, Pad, Reshape, ResizeNearestNeighbor, Sigmoid, Square, StridedSlice,"
                        + " Transpose: what Ultralytics' YOLOv5 TensorFlow export uses.",
                "Inputs and outputs keep their TF.js names, with a symbolic batch dimension; the SHA-256 of the"
                        + " source (model.json, then the weight files) is recorded in the metadata."
            })
    private static final class Options {
        @Option(names = "--in", required = true, paramLabel = "PATH",
                description = "The model's folder, or its model.json.")
        Path in;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the ONNX model.")
        Path out;

        @Option(names = "--input-layout", paramLabel = "LAYOUT", defaultValue = "NHWC",
                converter = LayoutConverter.class,
                description = "The image input's layout: nhwc (as TF.js has it, the default) or nchw (as PyTorch"
                        + " exports have it).")
        TensorLayout inputLayout;

        @Option(names = "--yolov5-pixel-boxes",
                description = "The model is Ultralytics' YOLOv5 TensorFlow export: scale its boxes from fractions of"
                        + " the input to input pixels, as its ONNX export (output.layout = yolov5) gives them.")
        boolean yolov5PixelBoxes;

        @Option(names = "--sha256", paramLabel = "HEX",
                description = "Refuse to convert unless model.json and its weight files have this SHA-256.")
        String sha256;

        @Option(names = "--graph-name", paramLabel = "NAME",
                description = "The ONNX graph's name (default: the model folder's name).")
        String graphName;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Print this help and exit.")
        boolean help;

        void validate(CommandLine commandLine) {
            ConvertedModelFile.checkSha256Option(commandLine, sha256);
        }
    }

    /** nchw or nhwc, in either case. */
    static final class LayoutConverter implements CommandLine.ITypeConverter<TensorLayout> {
        @Override
        public TensorLayout convert(String value) {
            try {
                return TensorLayout.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is no layout; use nchw or nhwc");
            }
        }
    }
}
