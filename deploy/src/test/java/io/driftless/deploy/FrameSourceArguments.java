package io.driftless.deploy;

import io.driftless.source.FrameSourceCli;
import java.io.PrintStream;
import java.lang.reflect.Constructor;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** Judges frame-source arguments with frame-source's own command line, without running it. */
final class FrameSourceArguments {

    private FrameSourceArguments() {}

    /** Why frame-source would refuse these arguments, or null when it accepts them. */
    static String problem(List<String> args) {
        CommandLine cli = new CommandLine(FrameSourceCli.class, new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                if (type == FrameSourceCli.class) {
                    // the command's streams do not matter for parsing
                    Constructor<K> constructor = type.getDeclaredConstructor(PrintStream.class);
                    constructor.setAccessible(true);
                    return constructor.newInstance(System.out);
                }
                return CommandLine.defaultFactory().create(type);
            }
        });
        try {
            cli.parseArgs(args.toArray(String[]::new));
            return null;
        } catch (ParameterException e) {
            return e.getMessage();
        }
    }
}
