package io.driftless.job.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema.KafkaSinkContext;
import org.apache.flink.util.FlinkUserCodeClassLoaders;
import org.junit.jupiter.api.Test;

/**
 * On cancel Flink closes the job's classloader while the Kafka clients' network threads are still
 * closing; a class those threads load only then failed to load, an ERROR on every cancellation.
 * The job's Kafka schemas load those classes when they open.
 */
class KafkaClientClassesTest {

    @Test
    void kafkaClassesLoadedOnlyOnCloseAreLoadedWhileTheJobsClassLoaderIsOpen() throws Exception {
        URLClassLoader job = FlinkUserCodeClassLoaders.childFirst(classpath(), new FlinkOnly(),
                CoreOptions.getParentFirstLoaderPatterns(new Configuration()), error -> { }, false);
        try (job) {
            Object clock = job.loadClass("io.driftless.inference.MicroClock").getMethod("system").invoke(null);
            Object deserializer = job.loadClass(RawFrameDeserializer.class.getName())
                    .getConstructor(job.loadClass("io.driftless.inference.MicroClock")).newInstance(clock);
            deserializer.getClass().getMethod("open", DeserializationSchema.InitializationContext.class)
                    .invoke(deserializer, (Object) null);
            Object topics = job.loadClass("io.driftless.job.ResponseTopicPattern").getConstructor(String.class)
                    .newInstance("responses");
            for (String serializer : List.of(CoordinatesSerializer.class.getName(), AnnotatedSerializer.class.getName())) {
                open(job, job.loadClass(serializer).getConstructor(topics.getClass()).newInstance(topics));
            }
            open(job, job.loadClass(DropSerializer.class.getName()).getConstructor(String.class).newInstance("dropped"));
        }
        // closed, as after a cancellation: what was not loaded by now cannot be any more
        for (String name : KafkaClientClasses.LOADED_ON_CLOSE) {
            assertThatCode(() -> assertThat(Class.forName(name, false, job).getClassLoader()).isSameAs(job))
                    .as("%s loads after the job's classloader closed", name)
                    .doesNotThrowAnyException();
        }
    }

    /** Opens a job's serializer: the connector's types, as the job's, come from its classloader. */
    private static void open(ClassLoader job, Object serializer) throws ReflectiveOperationException {
        serializer.getClass().getMethod("open", SerializationSchema.InitializationContext.class,
                        job.loadClass(KafkaSinkContext.class.getName()))
                .invoke(serializer, null, null);
    }

    private static URL[] classpath() throws MalformedURLException {
        List<URL> urls = new ArrayList<>();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        for (String entry : classpath.split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                urls.add(new File(entry).toURI().toURL());
            }
        }
        return urls.toArray(new URL[0]);
    }

    /**
     * A TaskManager's classpath: the JDK, Flink itself and logging; the Kafka connector and
     * clients come with the job.
     */
    private static final class FlinkOnly extends ClassLoader {

        FlinkOnly() {
            super(ClassLoader.getPlatformClassLoader());
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            boolean flink = name.startsWith("org.apache.flink.") && !name.startsWith("org.apache.flink.connector.");
            if (flink || name.startsWith("org.slf4j.") || name.startsWith("org.apache.logging.")) {
                return KafkaClientClassesTest.class.getClassLoader().loadClass(name);
            }
            throw new ClassNotFoundException(name);
        }
    }
}
