package io.driftless.deploy;

import static org.assertj.core.api.Assertions.fail;

import java.util.List;

/** The programs docker-compose.yml runs, and the arguments it gives them. */
final class ComposeDeployment {

    private ComposeDeployment() {}

    /** The job's own arguments: what the JobManager's command passes after the main class. */
    static List<String> jobArguments(ComposeFile compose) {
        List<String> command = compose.service("jobmanager").command();
        int main = command.indexOf("--job-classname");
        if (main < 0 || main + 2 > command.size()) {
            return fail("the jobmanager command names no --job-classname: " + command);
        }
        return command.subList(main + 2, command.size());
    }

    /** frame-source's arguments: what follows {@code -jar <jar>} in its command. */
    static List<String> frameSourceArguments(ComposeFile compose) {
        List<String> command = compose.service("frame-source").command();
        int jar = command.indexOf("-jar");
        if (jar < 0 || jar + 2 > command.size()) {
            return fail("the frame-source command runs no -jar: " + command);
        }
        return command.subList(jar + 2, command.size());
    }

    static String frameSourceArgument(ComposeFile compose, String option) {
        List<String> args = frameSourceArguments(compose);
        int at = args.indexOf(option);
        return at < 0 || at + 1 >= args.size() ? fail("frame-source gets no " + option + ": " + args) : args.get(at + 1);
    }
}
