package io.driftless.job.inference;

import io.driftless.inference.NativeLibraries;
import org.apache.flink.api.common.functions.RuntimeContext;

/**
 * Ties {@link NativeLibraries#release} to the release of the job's user-code classloader in a
 * TaskManager, which comes after every task of the job there has closed its operators.
 */
public final class NativeLibraryRelease {

    private static final String HOOK = NativeLibraries.class.getName();

    private NativeLibraryRelease() {}

    /**
     * Registers the release once per classloader, and only where this code was loaded by a
     * classloader of the job's own: where it comes from a TaskManager's classpath (a jar in lib/,
     * or the MiniCluster, whose jobs without jars get the JVM's own classloader as theirs) its
     * native libraries are shared by every job and stay.
     */
    public static void register(RuntimeContext context) {
        ClassLoader own = NativeLibraries.class.getClassLoader();
        // not getUserCodeClassLoader() == own: a TaskManager hands out the job's classloader
        // wrapped (FlinkUserCodeClassLoaders' SafetyNetWrapperClassLoader), never the child-first
        // loader that defined this class; Flink's own classes come from the TaskManager's classpath
        if (own != RuntimeContext.class.getClassLoader() && own != ClassLoader.getSystemClassLoader()) {
            context.registerUserCodeClassLoaderReleaseHookIfAbsent(HOOK, NativeLibraries::release);
        }
    }
}
