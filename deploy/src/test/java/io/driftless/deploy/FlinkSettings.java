package io.driftless.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.MetricOptions;

/**
 * The configuration keys Flink knows, collected from the {@code ConfigOption} constants of
 * Flink's own jars (and those of the operator's autoscaler), so that a misspelt key in a
 * deployment fails a test instead of being ignored by Flink at run time.
 */
final class FlinkSettings {

    private static final Pattern REPORTER_KEY = Pattern.compile("metrics\\.reporter\\.([^.]+)\\.(.+)");

    private final Set<String> keys = new HashSet<>();
    private final Set<String> reporterKeys = new HashSet<>();

    private FlinkSettings() {}

    /**
     * Flink's core options, the Prometheus reporter's, and, with {@code withAutoscaler}, the
     * Flink Kubernetes Operator autoscaler's.
     */
    static FlinkSettings load(boolean withAutoscaler) {
        FlinkSettings settings = new FlinkSettings();
        settings.addOptionsOfJarWith("org.apache.flink.configuration.CoreOptions");
        if (withAutoscaler) {
            settings.addOptionsOfJarWith("org.apache.flink.autoscaler.config.AutoScalerOptions");
        }
        for (Field field : MetricOptions.class.getFields()) {
            if (field.getName().startsWith("REPORTER_") && ConfigOption.class.isAssignableFrom(field.getType())) {
                settings.reporterKeys.add(optionAt(field).key());
            }
        }
        // the Prometheus reporter reads its port as a plain reporter argument, not a ConfigOption
        settings.reporterKeys.add(constant("org.apache.flink.metrics.prometheus.PrometheusReporterFactory", "ARG_PORT"));
        return settings;
    }

    /** Whether Flink has an option under this key (reporter keys under any reporter name). */
    boolean knows(String key) {
        if (keys.contains(key)) {
            return true;
        }
        Matcher reporter = REPORTER_KEY.matcher(key);
        return reporter.matches() && reporterKeys.contains(reporter.group(2));
    }

    /** The keys among {@code candidates} that Flink does not know. */
    List<String> unknown(Iterable<String> candidates) {
        List<String> unknown = new ArrayList<>();
        for (String key : candidates) {
            if (!knows(key)) {
                unknown.add(key);
            }
        }
        return unknown;
    }

    private void addOptionsOfJarWith(String anchorClass) {
        Class<?> anchor = load(anchorClass);
        Path jar;
        try {
            jar = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the jar of " + anchorClass, e);
        }
        try (JarFile file = new JarFile(jar.toFile())) {
            Enumeration<JarEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                String name = entries.nextElement().getName();
                if (name.startsWith("org/apache/flink/") && name.endsWith("Options.class") && !name.contains("$")) {
                    addOptionsOf(name.substring(0, name.length() - ".class".length()).replace('/', '.'));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + jar, e);
        }
    }

    private void addOptionsOf(String className) {
        Class<?> type;
        try {
            type = Class.forName(className, true, FlinkSettings.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            // an options class whose dependencies are not on this classpath declares nothing we use
            return;
        }
        for (Field field : type.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && ConfigOption.class.isAssignableFrom(field.getType())) {
                ConfigOption<?> option = optionAt(field);
                if (option != null) {
                    keys.add(option.key());
                    for (FallbackKey fallback : option.fallbackKeys()) {
                        keys.add(fallback.getKey());
                    }
                }
            }
        }
    }

    private static ConfigOption<?> optionAt(Field field) {
        try {
            field.setAccessible(true);
            return (ConfigOption<?>) field.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static String constant(String className, String fieldName) {
        try {
            Field field = load(className).getDeclaredField(fieldName);
            field.setAccessible(true);
            return (String) field.get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(className + "." + fieldName + " is gone: check how the reporter"
                    + " reads its settings now", e);
        }
    }

    private static Class<?> load(String className) {
        try {
            return Class.forName(className);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(className + " is not on the test classpath: see deploy/pom.xml", e);
        }
    }
}
