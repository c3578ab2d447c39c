package io.driftless.inference;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the native libraries this code loads leave behind in a JVM, and how to let go of it when
 * the classloader that loaded them is done: in a Flink TaskManager each job has a classloader of
 * its own, released when the job's tasks end; whatever still holds a class of it keeps the whole
 * job (classes, native library copy, metaspace) in the TaskManager.
 *
 * <ul>
 *   <li>ONNX Runtime extracts its libraries to a fresh temp folder per classloader (~24 MB, kept
 *       until the JVM exits) and its {@code OrtEnvironment} registers a JVM shutdown hook whose
 *       class is the classloader's: {@link #release} runs and removes that hook (it closes the
 *       native environment) and deletes the extracted files.
 *   <li>JavaCPP (Leptonica, the JPEG codec) starts a "JavaCPP Deallocator" thread per classloader
 *       and unpacks its libraries into a cache folder named after the jar it came from:
 *       {@link #release} stops the thread and deletes that folder when the jar is this code's own
 *       (a job jar; a shared jar's folder stays).
 * </ul>
 *
 * <p>Only libraries loaded by this code's own classloader are touched: where ONNX Runtime or
 * JavaCPP come from a parent (a TaskManager's lib/ folder with
 * {@code classloader.parent-first-patterns.additional}) they are loaded once per TaskManager and
 * shared by every job, so they stay. Removing the shutdown hook needs
 * {@code --add-opens=java.base/java.lang=ALL-UNNAMED}, which the Flink distribution's
 * {@code env.java.opts.all} carries; without it the release logs what to set.
 */
public final class NativeLibraries {

    private static final Logger LOG = LoggerFactory.getLogger(NativeLibraries.class);

    private static volatile boolean onnxRuntimeUsed;
    private static volatile boolean javaCppUsed;

    private NativeLibraries() {}

    /** Noted by code about to use ONNX Runtime, so that {@link #release} knows to clean up after it. */
    public static void onnxRuntimeInUse() {
        onnxRuntimeUsed = true;
    }

    /** Noted by code about to use JavaCPP, so that {@link #release} knows to clean up after it. */
    public static void javaCppInUse() {
        javaCppUsed = true;
    }

    /**
     * Lets go of what the native libraries loaded by this code's classloader hold, once nothing
     * of that classloader runs any more (every model closed). Never throws: a failure to clean up
     * is logged, with what to set.
     */
    public static void release() {
        ClassLoader own = NativeLibraries.class.getClassLoader();
        if (onnxRuntimeUsed && loadedBy("ai.onnxruntime.OrtEnvironment", own)) {
            releaseShutdownHooksOf(own);
            deleteOnnxRuntimeExtraction();
        }
        if (javaCppUsed && loadedBy("org.bytedeco.javacpp.Pointer", own)) {
            JavaCpp.release(own, ownJar());
        }
    }

    private static boolean loadedBy(String className, ClassLoader loader) {
        try {
            return Class.forName(className, false, loader).getClassLoader() == loader;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * Removes the JVM shutdown hooks whose thread, task or context classloader is {@code loader}
     * (ONNX Runtime's closes its native environment) and runs them now: at JVM exit the
     * classloader would be gone, and until then the hooks keep it alive.
     */
    private static void releaseShutdownHooksOf(ClassLoader loader) {
        List<Thread> hooks;
        try {
            hooks = shutdownHooksOf(loader);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("cannot remove ONNX Runtime's JVM shutdown hook, which keeps this job's classes and native"
                    + " library copy in the TaskManager until it exits ({}): start TaskManagers with"
                    + " --add-opens=java.base/java.lang=ALL-UNNAMED (part of the Flink distribution's"
                    + " env.java.opts.all), or load ONNX Runtime once per TaskManager from lib/ (see README)", e.toString());
            return;
        }
        for (Thread hook : hooks) {
            try {
                if (Runtime.getRuntime().removeShutdownHook(hook)) {
                    hook.run();
                }
            } catch (IllegalStateException e) {
                return; // the JVM is shutting down: the hooks run anyway
            } catch (RuntimeException | Error e) {
                LOG.warn("shutdown hook {} failed while its classloader was released", hook.getName(), e);
            }
        }
    }

    private static List<Thread> shutdownHooksOf(ClassLoader loader) throws ReflectiveOperationException {
        Class<?> registry = Class.forName("java.lang.ApplicationShutdownHooks");
        Field hooksField = registry.getDeclaredField("hooks");
        hooksField.setAccessible(true);
        Field targetField = Thread.class.getDeclaredField("target");
        targetField.setAccessible(true);
        List<Thread> ours = new ArrayList<>();
        synchronized (registry) {
            Map<?, ?> hooks = (Map<?, ?>) hooksField.get(null);
            if (hooks == null) {
                return ours; // the JVM is shutting down
            }
            for (Object key : hooks.keySet()) {
                Thread hook = (Thread) key;
                Object target = targetField.get(hook);
                if (hook.getClass().getClassLoader() == loader || hook.getContextClassLoader() == loader
                        || (target != null && target.getClass().getClassLoader() == loader)) {
                    ours.add(hook);
                }
            }
        }
        return ours;
    }

    /** ONNX Runtime's temp folder of extracted libraries: loaded, they need no file any more. */
    private static void deleteOnnxRuntimeExtraction() {
        try {
            Field folder = Class.forName("ai.onnxruntime.OnnxRuntime", false, NativeLibraries.class.getClassLoader())
                    .getDeclaredField("tempDirectory");
            folder.setAccessible(true);
            Path extracted = (Path) folder.get(null);
            if (extracted != null) {
                deleteRecursively(extracted);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("cannot find ONNX Runtime's extracted libraries to delete them ({})", e.toString());
        }
    }

    /** The jar this code was loaded from, or null when it came from a folder. */
    private static File ownJar() {
        try {
            CodeSource source = NativeLibraries.class.getProtectionDomain().getCodeSource();
            File location = source == null ? null : new File(source.getLocation().toURI());
            return location != null && location.isFile() ? location : null;
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot delete {} ({})", root, e.toString());
        }
    }

    /** Touches JavaCPP's classes only when JavaCPP was in use. */
    private static final class JavaCpp {

        static void release(ClassLoader own, File ownJar) {
            // what the collector already found unreachable is freed now, then the thread stops
            org.bytedeco.javacpp.Pointer.deallocateReferences();
            org.bytedeco.javacpp.Pointer.interruptDeallocatorThread();
            for (Thread thread : Thread.getAllStackTraces().keySet()) {
                if (thread.getClass().getClassLoader() == own) {
                    try {
                        thread.join(5_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
            if (ownJar != null) {
                try {
                    deleteRecursively(org.bytedeco.javacpp.Loader.getCacheDir().toPath().resolve(ownJar.getName()));
                } catch (IOException | RuntimeException e) {
                    LOG.warn("cannot find JavaCPP's cache folder to delete what it unpacked ({})", e.toString());
                }
            }
        }
    }
}
