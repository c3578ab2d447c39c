package io.driftless.inference.flink;

import io.driftless.inference.MicroClock;
import io.driftless.inference.face.FaceDetectionAdapter;
import io.driftless.inference.image.JpegLimits;
import io.driftless.inference.onnx.RunnerOptions;
import io.driftless.inference.pose.PoseModelAdapter;
import io.driftless.inference.testutils.Faces;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.flink.api.common.functions.DefaultOpenContext;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.streaming.api.functions.async.CollectionSupplier;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.util.MockStreamingRuntimeContext;
import org.apache.flink.util.FlinkUserCodeClassLoaders;

/**
 * A TaskManager's life of one job, in a JVM of its own: the job's classes in a child-first
 * classloader as Flink makes them, the inference stage opened (the in-process pose model and the
 * JPEG face path, each serving a frame) and closed, the classloader's release hooks run as Flink
 * runs them, the classloader closed and dropped. Then it checks that nothing of the job is left:
 * no thread of its, no JVM shutdown hook of its, no temp folder ONNX Runtime extracted for it, and
 * the classloader itself collected; and, for a job that got no image frame, that JavaCPP was never
 * loaded. Prints what is left and exits 1, or exits 0.
 *
 * <p>Run by {@link ClassLoaderReleaseTest} with the TaskManager's module flags.
 */
public final class ClassLoaderReleaseProbe {

    static final String RELEASED = "job classloader released";
    /** Whether the job serves an image frame besides a landmark frame. */
    static final String IMAGES = "driftless.probe.images";
    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(20);

    private ClassLoaderReleaseProbe() {}

    public static void main(String[] args) throws Exception {
        Path temp = Path.of(System.getProperty("java.io.tmpdir"));
        Set<Path> extractedBefore = onnxRuntimeFolders(temp);

        ClassLoader loader = FlinkUserCodeClassLoaders.childFirst(urls(args[0]), ClassLoaderReleaseProbe.class.getClassLoader(),
                CoreOptions.getParentFirstLoaderPatterns(new Configuration()), error -> { }, false);
        ReleasingContext context = new ReleasingContext(loader);
        runAsTask(loader, context);
        List<String> left = new ArrayList<>();
        if (!Boolean.getBoolean(IMAGES)) {
            for (Thread thread : Thread.getAllStackTraces().keySet()) {
                if (thread.getName().startsWith("JavaCPP")) {
                    left.add("a job without image frames loaded JavaCPP: thread '" + thread.getName() + "'");
                }
            }
        }
        context.releaseClassLoader();
        context = null;

        left.addAll(awaitThreadsGone(loader));
        left.addAll(shutdownHooksOf(loader));
        ((java.io.Closeable) loader).close();
        WeakReference<ClassLoader> released = new WeakReference<>(loader);
        loader = null;
        long start = System.nanoTime();
        while (released.get() != null && System.nanoTime() - start < DEADLINE_NANOS) {
            System.gc();
            Thread.sleep(50);
        }
        if (released.get() != null) {
            left.add("the job's classloader is still reachable " + TimeUnit.NANOSECONDS.toSeconds(DEADLINE_NANOS)
                    + " s after its release");
        }
        Set<Path> extracted = onnxRuntimeFolders(temp);
        extracted.removeAll(extractedBefore);
        extracted.forEach(folder -> left.add("ONNX Runtime's extracted libraries are still in " + folder));

        if (left.isEmpty()) {
            System.out.println(RELEASED);
            System.exit(0);
        }
        left.forEach(problem -> System.out.println("left behind: " + problem));
        System.exit(1);
    }

    /** What Flink's task thread does: runs the job's code with its classloader as context, then ends. */
    private static void runAsTask(ClassLoader loader, RuntimeContext context) throws Exception {
        Throwable[] failure = new Throwable[1];
        Thread task = new Thread(() -> {
            try {
                @SuppressWarnings("unchecked")
                Consumer<RuntimeContext> job = (Consumer<RuntimeContext>) loader.loadClass(Job.class.getName())
                        .getDeclaredConstructor().newInstance();
                job.accept(context);
            } catch (Throwable e) {
                failure[0] = e;
            }
        }, "task");
        task.setContextClassLoader(loader);
        task.start();
        task.join();
        if (failure[0] != null) {
            throw new IllegalStateException("the job failed", failure[0]);
        }
    }

    /** Threads whose class or context classloader is {@code loader}, once they had time to end. */
    private static List<String> awaitThreadsGone(ClassLoader loader) throws InterruptedException {
        long start = System.nanoTime();
        List<String> alive;
        do {
            alive = new ArrayList<>();
            for (Thread thread : Thread.getAllStackTraces().keySet()) {
                if (thread.isAlive() && (thread.getClass().getClassLoader() == loader
                        || thread.getContextClassLoader() == loader)) {
                    alive.add("thread '" + thread.getName() + "' (" + thread.getClass().getName() + ")");
                }
            }
            if (!alive.isEmpty()) {
                Thread.sleep(50);
            }
        } while (!alive.isEmpty() && System.nanoTime() - start < DEADLINE_NANOS);
        return alive;
    }

    private static List<String> shutdownHooksOf(ClassLoader loader) throws ReflectiveOperationException {
        Class<?> registry = Class.forName("java.lang.ApplicationShutdownHooks");
        Field hooks = registry.getDeclaredField("hooks");
        hooks.setAccessible(true);
        Field target = Thread.class.getDeclaredField("target");
        target.setAccessible(true);
        List<String> ours = new ArrayList<>();
        synchronized (registry) {
            for (Object key : ((Map<?, ?>) hooks.get(null)).keySet()) {
                Thread hook = (Thread) key;
                Object task = target.get(hook);
                if (hook.getContextClassLoader() == loader || (task != null && task.getClass().getClassLoader() == loader)) {
                    ours.add("JVM shutdown hook " + (task == null ? hook.getClass() : task.getClass()).getName());
                }
            }
        }
        return ours;
    }

    private static Set<Path> onnxRuntimeFolders(Path temp) throws IOException {
        try (Stream<Path> entries = Files.list(temp)) {
            return new HashSet<>(entries.filter(p -> p.getFileName().toString().startsWith("onnxruntime-java")).toList());
        }
    }

    private static URL[] urls(String classpath) throws MalformedURLException {
        List<URL> urls = new ArrayList<>();
        for (String entry : classpath.split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                urls.add(new File(entry).toURI().toURL());
            }
        }
        return urls.toArray(new URL[0]);
    }

    /** The runtime context of a task: records the release hooks and runs them as Flink does. */
    private static final class ReleasingContext extends MockStreamingRuntimeContext {
        private final ClassLoader userCode;
        private final Map<String, Runnable> releaseHooks = new LinkedHashMap<>();

        ReleasingContext(ClassLoader userCode) {
            super(1, 0);
            this.userCode = userCode;
        }

        @Override
        public ClassLoader getUserCodeClassLoader() {
            return userCode;
        }

        @Override
        public void registerUserCodeClassLoaderReleaseHookIfAbsent(String name, Runnable hook) {
            releaseHooks.putIfAbsent(name, hook);
        }

        void releaseClassLoader() {
            releaseHooks.values().forEach(Runnable::run);
            releaseHooks.clear();
        }
    }

    /** The job's side, loaded by the job's classloader: the inference stage serves a frame of each payload. */
    public static final class Job implements Consumer<RuntimeContext> {

        @Override
        public void accept(RuntimeContext context) {
            String pose = "classpath:" + PoseModelAdapter.BUNDLED_MODEL;
            InferenceAsyncFunction function = new InferenceAsyncFunction(new PayloadRoutedInferenceFactory(
                    new OnnxPoseInferenceFactory(pose, RunnerOptions.DEFAULTS),
                    new OnnxFaceInferenceFactory("classpath:" + FaceDetectionAdapter.BUNDLED_MODEL, pose,
                            RunnerOptions.DEFAULTS, JpegLimits.DEFAULTS, 1, 80)),
                    MicroClock.system());
            function.setRuntimeContext(context);
            try {
                function.open(DefaultOpenContext.INSTANCE);
                try {
                    FrameEnvelope landmarks = Faces.frames(1, 15, 10_000_000).get(0);
                    serve(function, landmarks);
                    if (!Boolean.getBoolean(IMAGES)) {
                        return;
                    }
                    FrameEnvelope image = Faces.frames(1, 15, 10_000_000).get(0);
                    image.keypoints = null;
                    image.jpeg = astronaut();
                    image.imageWidth = 512;
                    image.imageHeight = 512;
                    serve(function, image);
                } finally {
                    function.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        private static void serve(InferenceAsyncFunction function, FrameEnvelope frame) throws Exception {
            CompletableFuture<InferenceOutcome> answer = new CompletableFuture<>();
            function.asyncInvoke(frame, new ResultFuture<>() {
                @Override
                public void complete(Collection<InferenceOutcome> result) {
                    answer.complete(result.iterator().next());
                }

                @Override
                public void completeExceptionally(Throwable error) {
                    answer.completeExceptionally(error);
                }

                @Override
                public void complete(CollectionSupplier<InferenceOutcome> supplier) {
                    try {
                        complete(supplier.get());
                    } catch (Exception e) {
                        answer.completeExceptionally(e);
                    }
                }
            });
            InferenceOutcome outcome = answer.get(30, TimeUnit.SECONDS);
            if (outcome.dropReason != null) {
                throw new IllegalStateException(frame.payload() + " frame dropped: " + outcome.dropReason + " " + outcome.detail);
            }
        }

        private static byte[] astronaut() throws IOException {
            try (InputStream in = Job.class.getResourceAsStream("/faces/astronaut.jpg")) {
                return in.readAllBytes();
            }
        }
    }
}
