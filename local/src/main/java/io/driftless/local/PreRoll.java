package io.driftless.local;

import io.driftless.source.SyntheticRun;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

/**
 * The system's own synthetic sessions, streamed through the broker and the job before the users
 * start, until the answers come back on time. A cold JVM compiles the broker's, Flink's and the
 * job's code while it serves, and on two cores that takes a minute or more at the default load
 * (docs/warm-up.md): the pre-roll pays it before the system reports ready, so that the users, and
 * a camera on the web gateway, meet a warm system from their first frame.
 *
 * <p>It ramps up: a quarter of the load, then half, then all of it, each step once its last
 * {@value #WINDOW_SECONDS} s were on time or after {@value #STEP_LIMIT_SECONDS} s. Cold code
 * that serves the whole load from the start keeps both cores busy and starves the compiler that
 * would make it fast; a lighter load leaves the compiler a core. The last step runs until its
 * last {@value #WINDOW_SECONDS} s were on time together, at {@value #LANDMARK_BAR} of the
 * landmark frames and {@value #JPEG_BAR} of the JPEG frames (the bars a warm system is held to),
 * or until the pre-roll's limit.
 */
final class PreRoll {

    static final int WINDOW_SECONDS = 10;
    static final double LANDMARK_BAR = 0.99;
    static final double JPEG_BAR = 0.95;
    static final int STEP_LIMIT_SECONDS = 20;
    private static final double[] RAMP = {0.25, 0.5, 1};
    /** How often a progress line is printed, in seconds. */
    private static final int PROGRESS_EVERY = 5;

    /**
     * How a pre-roll ended.
     *
     * @param seconds how long it streamed, all steps together
     * @param warm whether the whole load reached the bars before the limit
     * @param landmarksOnTime the landmark frames' on-time share over the last seconds
     * @param jpegOnTime the JPEG frames' share, NaN without JPEG users
     */
    record Outcome(long seconds, boolean warm, double landmarksOnTime, double jpegOnTime) {}

    /** One step's users, streaming from {@link #run()} until {@link #stop()}; a synthetic run. */
    interface Users extends AutoCloseable {

        /** Streams until stopped. */
        void run();

        /** From any thread. */
        void stop();

        /** The counters so far, from any thread. */
        SyntheticRun.Progress progress();

        @Override
        void close();

        static Users of(SyntheticRun run) {
            return new Users() {
                @Override
                public void run() {
                    run.run();
                }

                @Override
                public void stop() {
                    run.stop();
                }

                @Override
                public SyntheticRun.Progress progress() {
                    return run.progress();
                }

                @Override
                public void close() {
                    run.close();
                }
            };
        }
    }

    private final IntFunction<Users> landmarkUsers;
    private final IntFunction<Users> jpegUsers;
    private final int users;
    private final int jpegCount;
    private final Duration limit;
    private final PrintStream out;
    /** A second of the pre-roll; shorter in tests. */
    private final long secondNanos;
    private volatile boolean stopped;
    private volatile Users landmarks;
    private volatile Users jpeg;

    /**
     * @param landmarkUsers a run of that many landmark users, streaming until stopped
     * @param jpegUsers a run of that many JPEG users, streaming until stopped
     * @param users the landmark users of the whole load, at least 1
     * @param jpegCount the JPEG users of the whole load, 0 for none
     */
    PreRoll(IntFunction<Users> landmarkUsers, IntFunction<Users> jpegUsers, int users, int jpegCount,
            Duration limit, PrintStream out) {
        this(landmarkUsers, jpegUsers, users, jpegCount, limit, out, Duration.ofSeconds(1));
    }

    /** As above, its seconds {@code second} long: the limit and the windows count these. */
    PreRoll(IntFunction<Users> landmarkUsers, IntFunction<Users> jpegUsers, int users, int jpegCount,
            Duration limit, PrintStream out, Duration second) {
        this.secondNanos = second.toNanos();
        this.landmarkUsers = landmarkUsers;
        this.jpegUsers = jpegUsers;
        this.users = users;
        this.jpegCount = jpegCount;
        this.limit = limit;
        this.out = out;
    }

    /**
     * Ramps up to the whole load and streams until the system is warm, the limit, or
     * {@link #stop()}.
     *
     * @throws io.driftless.source.FrameSourceException when a run cannot reach Kafka or fails
     */
    Outcome run() {
        long elapsed = 0;
        for (double share : RAMP) {
            int stepUsers = (int) Math.max(1, Math.round(users * share));
            int stepJpeg = jpegCount == 0 ? 0 : (int) Math.max(1, Math.round(jpegCount * share));
            boolean whole = stepUsers == users && stepJpeg == jpegCount;
            long stepLimit = limit.toSeconds() - elapsed;
            if (!whole) {
                stepLimit = Math.min(stepLimit, STEP_LIMIT_SECONDS);
            }
            Outcome step = step(stepUsers, stepJpeg, elapsed, stepLimit);
            elapsed += step.seconds();
            // a limit spent before the whole load ends the pre-roll cold, on the figures of the step it reached
            if (whole || stopped || elapsed >= limit.toSeconds()) {
                return new Outcome(elapsed, whole && step.warm() && !stopped, step.landmarksOnTime(),
                        step.jpegOnTime());
            }
        }
        throw new AssertionError("the ramp ends at the whole load");
    }

    /** Stops the pre-roll from any thread; {@link #run()} then returns. */
    void stop() {
        stopped = true;
        for (Users current : new Users[] {landmarks, jpeg}) {
            if (current != null) {
                current.stop();
            }
        }
    }

    /** One step of the ramp: these users until their last seconds were on time, or {@code stepLimit} seconds. */
    private Outcome step(int stepUsers, int stepJpeg, long elapsed, long stepLimit) {
        try (Users jpegRun = stepJpeg == 0 ? null : jpegUsers.apply(stepJpeg);
                Users landmarkRun = landmarkUsers.apply(stepUsers)) {
            landmarks = landmarkRun;
            jpeg = jpegRun;
            if (stopped) {
                return new Outcome(0, false, Double.NaN, Double.NaN);
            }
            CompletableFuture<Void> landmarksRunning = start(landmarkRun, "pre-roll-users");
            CompletableFuture<Void> jpegRunning = jpegRun == null ? null : start(jpegRun, "pre-roll-jpeg-users");
            OnTimeWindow landmarksWindow = new OnTimeWindow(WINDOW_SECONDS, LANDMARK_BAR);
            OnTimeWindow jpegWindow = jpegRun == null ? null : new OnTimeWindow(WINDOW_SECONDS, JPEG_BAR);
            long startNanos = System.nanoTime();
            long second = 0;
            boolean warm = false;
            try {
                while (!warm && second < stepLimit && !landmarksRunning.isDone()
                        && (jpegRunning == null || !jpegRunning.isDone())) {
                    second++;
                    long due = startNanos + second * secondNanos;
                    for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                        LockSupport.parkNanos(wait);
                    }
                    SyntheticRun.Progress p = landmarkRun.progress();
                    landmarksWindow.add(p.settled(), p.onTime());
                    if (jpegRun != null) {
                        SyntheticRun.Progress j = jpegRun.progress();
                        jpegWindow.add(j.settled(), j.onTime());
                    }
                    warm = landmarksWindow.meetsBar() && (jpegWindow == null || jpegWindow.meetsBar());
                    if (!warm && (elapsed + second) % PROGRESS_EVERY == 0) {
                        out.printf(Locale.ROOT, "  pre-roll %3d s, %s: %s on time over the last %d s%n",
                                elapsed + second, load(stepUsers, stepJpeg), shares(landmarksWindow, jpegWindow),
                                WINDOW_SECONDS);
                    }
                }
            } finally {
                landmarkRun.stop();
                if (jpegRun != null) {
                    jpegRun.stop();
                }
            }
            await(landmarksRunning);
            if (jpegRunning != null) {
                await(jpegRunning);
            }
            return new Outcome(second, warm, landmarksWindow.onTimeRatio(),
                    jpegWindow == null ? Double.NaN : jpegWindow.onTimeRatio());
        } finally {
            landmarks = null;
            jpeg = null;
        }
    }

    private String load(int stepUsers, int stepJpeg) {
        return stepUsers + " of " + users + " users"
                + (jpegCount == 0 ? "" : ", " + stepJpeg + " of " + jpegCount + " JPEG");
    }

    /** "97.3%", or "97.3% of landmark frames, 91.0% of JPEG frames". */
    private static String shares(OnTimeWindow landmarks, OnTimeWindow jpeg) {
        String share = percent(landmarks.onTimeRatio());
        return jpeg == null ? share
                : share + " of landmark frames, " + percent(jpeg.onTimeRatio()) + " of JPEG frames";
    }

    static String percent(double ratio) {
        return Double.isNaN(ratio) ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * ratio);
    }

    private static CompletableFuture<Void> start(Users run, String thread) {
        return CompletableFuture.runAsync(run::run, runnable -> {
            Thread t = new Thread(runnable, thread);
            t.setDaemon(true);
            t.start();
        });
    }

    private static void await(CompletableFuture<Void> running) {
        try {
            running.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }
}
