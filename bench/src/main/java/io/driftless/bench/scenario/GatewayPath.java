package io.driftless.bench.scenario;

import static io.driftless.bench.scenario.Figures.percent;
import static io.driftless.bench.scenario.Figures.ratio;

import io.driftless.bench.gateway.GatewayUsers;
import io.driftless.bench.load.RunResult;
import io.driftless.bench.report.Headline;
import io.driftless.bench.report.ScenarioResult;
import io.driftless.bench.system.SystemUnderTest;
import io.driftless.gateway.GatewayConfig;
import io.driftless.gateway.TokenKey;
import io.driftless.gateway.WebGateway;
import io.driftless.source.SendMode;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The browser path's cost: camera sessions at the plan's frame rate through a web gateway
 * (WebSocket in, Kafka to the job and back, WebSocket out), against the same number of
 * frame-source users sending straight to Kafka just before, on the same warm pipeline: landmark
 * frames at 35% of the measured capacity (a quarter of the plan's reference size when the
 * capacity scenario did not run), then JPEG frames at {@value #JPEG_SESSIONS} sessions, below what the
 * machine's JPEG path serves. Round trips are send to receive on the client's clock either way.
 * The CPU time of the gateway's own threads (every one carries its instance id in its name: Jetty's,
 * the reply reader, the Kafka clients') per frame sent gives how many 30 fps sessions one core of
 * gateway serves; the process's CPU time per frame beside the Kafka path's is the whole browser
 * path's cost, its WebSocket clients included.
 */
public final class GatewayPath implements Scenario {

    static final String ID = "gateway";
    private static final int DEADLINE_MS = 33;
    private static final int JPEG_SESSIONS = 2;
    private static final Duration DRAIN = Duration.ofSeconds(10);

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title() {
        return "Through the web gateway";
    }

    @Override
    public ScenarioResult run(BenchContext context) throws Exception {
        // below capacity, where a cost shows in the round trip; beyond it both sides miss most deadlines.
        // Half the pipeline's below-capacity size: the gateway and its WebSocket clients share this
        // process's cores with it, and at the full size the gateway run sat at the machine's limit
        int users = context.belowCapacityUsers().orElse(context.plan().referenceUsers() / 2) / 2;
        Comparison landmarks = compare(context, SendMode.LANDMARKS, users);
        context.warmUp(SystemKind.PIPELINE, JPEG_SESSIONS, context.plan().warmUp(), SendMode.JPEG);
        Comparison jpeg = compare(context, SendMode.JPEG, JPEG_SESSIONS);
        List<List<String>> rows = new ArrayList<>(landmarks.rows());
        rows.addAll(jpeg.rows());
        List<Headline> headline = new ArrayList<>(landmarks.headline());
        headline.addAll(jpeg.headline());
        return new ScenarioResult(id(), title(), true, String.format(Locale.ROOT,
                "%d frame-source users straight to Kafka, then as many camera sessions sending landmark frames"
                        + " (JSON, a frontal face's six keypoints) over WebSocket through a web gateway in this"
                        + " process; then %d of each sending JPEG frames (the synthetic users' face photo, 640 x 480,"
                        + " quality 80; through the gateway a JSON frame and the JPEG), each run %d s at %d fps on the"
                        + " same warm pipeline. On time: the answer (coordinates for landmarks, the annotated frame"
                        + " for JPEG) within %d ms of sending. CPU per frame: the process's CPU time over the run per"
                        + " frame sent (over a run of few frames, the idle process's own time weighs in); the"
                        + " difference (landmarks %.3f ms, JPEG %.3f ms) is the gateway path's cost beyond Kafka's,"
                        + " its WebSocket clients included. The gateway's own threads took %.3f ms a landmark frame"
                        + " and %.3f ms a JPEG frame, so one core of gateway serves %s (landmarks) and %s (JPEG).",
                users, JPEG_SESSIONS, context.plan().measure().toSeconds(), context.plan().fps(), DEADLINE_MS,
                landmarks.extraCpuMs(), jpeg.extraCpuMs(), landmarks.gatewayCpuMs(), jpeg.gatewayCpuMs(),
                sessionsPerCore(landmarks.gatewayCpuMs(), context.plan().fps()),
                sessionsPerCore(jpeg.gatewayCpuMs(), context.plan().fps())),
                List.of("path", "frames", "sessions", "frames sent", "p50 ms", "p99 ms", "p99.9 ms", "on time",
                        "dropped", "refused by the gateway", "unanswered", "CPU ms per frame",
                        "gateway threads' CPU ms per frame"),
                rows, List.of(), headline);
    }

    /** One payload's two runs, straight to Kafka then through a gateway, as table rows and headlines. */
    private record Comparison(List<List<String>> rows, List<Headline> headline, double extraCpuMs,
            double gatewayCpuMs) {}

    private static Comparison compare(BenchContext context, SendMode payload, int users) throws Exception {
        int fps = context.plan().fps();
        Duration measure = context.plan().measure();
        String frames = payload == SendMode.JPEG ? "JPEG" : "landmarks";
        SystemUnderTest system = context.system(SystemKind.PIPELINE);
        // straight to Kafka first: a gateway run that overloads the job would leave it a backlog
        long before = processCpuNanos();
        RunResult direct = context.once(SystemKind.PIPELINE, "straight to Kafka, " + frames, users, measure, payload);
        double directCpuMs = (processCpuNanos() - before) / 1e6 / Math.max(1, direct.sent());
        GatewayUsers.Result viaGateway;
        double gatewayCpuMs;
        double ownCpuMs;
        GatewayConfig config = GatewayConfig.builder()
                .bootstrapServers(context.bootstrapServers())
                .framesTopic(system.topics().frames())
                .bindHost("127.0.0.1")
                .port(0)
                .metricsPort(-1)
                .instanceId("bench-" + frames.toLowerCase(Locale.ROOT))
                .tokenKey(TokenKey.random())
                // every session of the warm-up and of the run comes from this one client
                .sessionsPerMinutePerClient(2 * users + 10)
                .deadlineMs(DEADLINE_MS)
                .build();
        try (WebGateway gateway = WebGateway.start(config)) {
            GatewayUsers sessions = new GatewayUsers(gateway.uri(), users, fps, DEADLINE_MS, payload);
            context.progress().step(String.format(Locale.ROOT, "warming up the web gateway: %d sessions x %d fps of"
                    + " %s for %d s (not measured)", users, fps, frames, context.plan().warmUp().toSeconds()));
            sessions.run(context.plan().warmUp(), DRAIN);
            context.progress().step(String.format(Locale.ROOT, "through the web gateway: %d sessions x %d fps of %s",
                    users, fps, frames));
            before = processCpuNanos();
            Map<Long, Long> threadsBefore = threadCpuNanos(config.instanceId);
            viaGateway = sessions.run(measure, DRAIN);
            gatewayCpuMs = (processCpuNanos() - before) / 1e6 / Math.max(1, viaGateway.sent());
            ownCpuMs = cpuSince(threadsBefore, threadCpuNanos(config.instanceId)) / 1e6
                    / Math.max(1, viaGateway.sent());
        }
        double gatewayP99 = viaGateway.roundTripMicros().getValueAtPercentile(99) / 1e3;
        double extraCpuMs = gatewayCpuMs - directCpuMs;
        List<List<String>> rows = List.of(
                List.of("web gateway (WebSocket)", frames, Integer.toString(users),
                        String.format("%,d", viaGateway.sent()),
                        ms(viaGateway.roundTripMicros().getValueAtPercentile(50) / 1e3), ms(gatewayP99),
                        ms(viaGateway.roundTripMicros().getValueAtPercentile(99.9) / 1e3),
                        percent(viaGateway.onTimeRatio()), String.format("%,d", viaGateway.dropped()),
                        String.format("%,d", viaGateway.refused()), String.format("%,d", viaGateway.unanswered()),
                        ms(gatewayCpuMs), String.format(Locale.ROOT, "%.3f", ownCpuMs)),
                List.of("frame-source straight to Kafka", frames, Integer.toString(users),
                        String.format("%,d", direct.sent()), ms(direct.p50Ms()), ms(direct.p99Ms()),
                        ms(direct.p999Ms()), percent(direct.onTimeRatio()),
                        String.format("%,d", direct.droppedTotal()), "-", String.format("%,d", direct.unanswered()),
                        ms(directCpuMs), "-"));
        List<Headline> headline = List.of(
                new Headline(String.format(Locale.ROOT, "RTT p99 of %s through the web gateway at %,d sessions × %d fps",
                        frames, users, fps),
                        String.format(Locale.ROOT, "%.2f ms (%s on time)", gatewayP99, percent(viaGateway.onTimeRatio())),
                        String.format(Locale.ROOT, "straight to Kafka %.2f ms (%s on time)", direct.p99Ms(),
                                percent(direct.onTimeRatio())),
                        ratio(gatewayP99, direct.p99Ms())),
                new Headline(String.format(Locale.ROOT, "CPU per %s frame through the web gateway (gateway and WebSocket"
                        + " clients)", frames),
                        String.format(Locale.ROOT, "%.3f ms (the gateway's own threads %.3f ms: a gateway core"
                                + " serves %s)", gatewayCpuMs, ownCpuMs, sessionsPerCore(ownCpuMs, fps)),
                        String.format(Locale.ROOT, "straight to Kafka %.3f ms", directCpuMs),
                        ratio(gatewayCpuMs, directCpuMs)));
        return new Comparison(rows, headline, extraCpuMs, ownCpuMs);
    }

    /** What one core of gateway serves when each frame costs it {@code cpuMs}. */
    private static String sessionsPerCore(double cpuMs, int fps) {
        return cpuMs > 0
                ? String.format(Locale.ROOT, "%.0f sessions × %d fps", 1000 / (cpuMs * fps), fps)
                : "sessions without a measurable cost";
    }

    /** CPU time so far of each live thread with {@code instanceId} in its name: the gateway's own. */
    private static Map<Long, Long> threadCpuNanos(String instanceId) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<Long, Long> cpu = new HashMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().contains(instanceId)) {
                long nanos = threads.getThreadCpuTime(info.getThreadId());
                if (nanos >= 0) {
                    cpu.put(info.getThreadId(), nanos);
                }
            }
        }
        return cpu;
    }

    /**
     * The CPU time the threads took between two readings; a thread started in between counts from
     * zero, one that ended in between is lost (Jetty keeps its idle threads for a minute).
     */
    private static long cpuSince(Map<Long, Long> before, Map<Long, Long> after) {
        return after.entrySet().stream().mapToLong(e -> e.getValue() - before.getOrDefault(e.getKey(), 0L)).sum();
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
    }
}
