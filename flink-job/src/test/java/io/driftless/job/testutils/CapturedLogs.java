package io.driftless.job.testutils;

import java.io.StringWriter;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;

/** Copies every log line at INFO and above into a writer, leaving the console at its level. */
public final class CapturedLogs implements AutoCloseable {
    private final LoggerContext context;
    private final Appender appender;
    private final Level rootLevel;

    private CapturedLogs(LoggerContext context, Appender appender, Level rootLevel) {
        this.context = context;
        this.appender = appender;
        this.rootLevel = rootLevel;
    }

    public static CapturedLogs start(StringWriter into) {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        LoggerConfig root = context.getConfiguration().getRootLogger();
        Appender appender = WriterAppender.newBuilder()
                .setName("captured")
                .setTarget(into)
                .setLayout(PatternLayout.newBuilder().withPattern("%c - %m%n").build())
                .build();
        appender.start();
        Level rootLevel = root.getLevel();
        Map<String, Appender> others = Map.copyOf(root.getAppenders());
        others.keySet().forEach(root::removeAppender);
        others.values().forEach(a -> root.addAppender(a, rootLevel, null));
        root.addAppender(appender, Level.INFO, null);
        root.setLevel(Level.INFO);
        context.updateLoggers();
        return new CapturedLogs(context, appender, rootLevel);
    }

    @Override
    public void close() {
        LoggerConfig root = context.getConfiguration().getRootLogger();
        root.removeAppender(appender.getName());
        root.setLevel(rootLevel);
        context.updateLoggers();
        appender.stop();
    }
}
