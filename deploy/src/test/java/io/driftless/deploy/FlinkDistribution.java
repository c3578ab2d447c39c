package io.driftless.deploy;

import java.util.Arrays;
import java.util.List;

/**
 * What the Flink distribution's own {@code conf/config.yaml} sets that a configuration replacing
 * it must keep. {@code flink-dist} is not on Maven Central, so its value is copied here from
 * apache/flink {@code flink-dist/src/main/resources/config.yaml} (Flink 2.2).
 */
final class FlinkDistribution {

    /** The distribution's {@code env.java.opts.all}: the Java 17 module flags Flink's code needs. */
    static final String JAVA_OPTS_ALL = String.join(" ",
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED",
            "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    static final String JAVA_OPTS_KEY = "env.java.opts.all";

    private FlinkDistribution() {}

    /** The flags of {@link #JAVA_OPTS_ALL} missing from {@code javaOptions} (null: none set). */
    static List<String> missingJavaFlags(String javaOptions) {
        List<String> given = javaOptions == null ? List.of() : Arrays.asList(javaOptions.trim().split("\\s+"));
        return Arrays.stream(JAVA_OPTS_ALL.split(" ")).filter(flag -> !given.contains(flag)).toList();
    }
}
