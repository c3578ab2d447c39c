package io.driftless.job;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * The job's command line, sorted into driftless options, Kafka client properties and Flink
 * settings. A misspelt driftless option fails instead of passing silently to Flink. Options
 * with a short form ({@link DriftlessOptions#SHORT_FORMS}, e.g. {@code --inference remote})
 * take it too.
 *
 * @param settings driftless options (full keys) and Flink settings
 * @param kafkaProperties Kafka client properties, {@code kafka.} prefix removed
 * @param help whether {@code --help} was given
 */
public record CommandLine(Configuration settings, Map<String, String> kafkaProperties, boolean help) {

    private static final Set<String> KNOWN = DriftlessOptions.ALL.stream()
            .map(ConfigOption::key)
            .collect(Collectors.toUnmodifiableSet());

    private static final Set<String> DRIFTLESS_GROUPS = DriftlessOptions.ALL.stream()
            .map(o -> o.key().substring(DriftlessOptions.PREFIX.length()))
            .filter(k -> k.contains("."))
            .map(k -> k.substring(0, k.indexOf('.') + 1))
            .collect(Collectors.toUnmodifiableSet());

    public static CommandLine parse(String[] args) {
        Configuration settings = new Configuration();
        Map<String, String> kafka = new LinkedHashMap<>();
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                help = true;
                continue;
            }
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "': options look like --key value");
            }
            String key = arg.substring(2);
            String value;
            int eq = key.indexOf('=');
            if (eq > 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("option --" + key + " needs a value");
            }
            if (key.startsWith(DriftlessOptions.KAFKA_PREFIX)) {
                kafka.put(key.substring(DriftlessOptions.KAFKA_PREFIX.length()), value);
                continue;
            }
            ConfigOption<?> shortForm = DriftlessOptions.SHORT_FORMS.get(key);
            String full = shortForm != null ? shortForm.key()
                    : key.startsWith(DriftlessOptions.PREFIX) ? key : DriftlessOptions.PREFIX + key;
            if (KNOWN.contains(full)) {
                settings.setString(full, value);
            } else if (key.startsWith(DriftlessOptions.PREFIX) || !key.contains(".") || isDriftlessGroup(key)) {
                throw new IllegalArgumentException("unknown option --" + key + ": see --help for the options");
            } else {
                settings.setString(key, value);
            }
        }
        return new CommandLine(settings, kafka, help);
    }

    private static boolean isDriftlessGroup(String key) {
        return DRIFTLESS_GROUPS.stream().anyMatch(key::startsWith);
    }
}
