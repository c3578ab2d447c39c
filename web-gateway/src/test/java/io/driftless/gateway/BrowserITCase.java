package io.driftless.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftless.gateway.testutils.FakeCamera;
import io.driftless.gateway.testutils.GatewayApi;
import io.driftless.job.DriftlessJob;
import io.driftless.job.DriftlessOptions;
import io.driftless.job.JobConfig;
import io.driftless.inference.service.FrameInferenceFactory;
import io.driftless.job.testutils.ColourModels;
import io.driftless.job.testutils.DelayedInference;
import io.driftless.job.testutils.EndToEndCluster;
import io.driftless.job.testutils.FaceFrames;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.flink.configuration.Configuration;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The streamer and viewer pages in a real browser: Debian's Chromium, headless, whose fake
 * camera plays a video of the face photo swaying left and right, in front of the gateway, the
 * broker and the real job.
 * Screenshots of both pages go to {@code target/}, or to {@code docs/img/} with
 * {@code -Ddriftless.docs.write=true}.
 */
class BrowserITCase {

    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Duration PAGE_TIMEOUT = Duration.ofSeconds(120);
    private static final int ANSWERS = 10;
    /** Generous: the shared test machine's round trip through Chromium, the gateway and the job tops 100 ms. */
    private static final int DEADLINE_MS = 1_000;
    /** The viewer's {@code LATE_MS}: a frame shown later than this after its slot would be shown late. */
    private static final double VIEWER_LATE_MS = 34;
    /** The fake camera's face sways this far either side of its centre, once per this many frames. */
    private static final double SWAY_PX = 40;
    private static final int SWAY_FRAMES = 30;
    /** The camera's frame marker: enough bits for {@link #SWAY_FRAMES} shots, squares of this many px. */
    private static final int MARKER_BITS = 5;
    private static final int MARKER_PX = 16;
    /**
     * How far the bridge may lie from the face's centre line in its own frame on average: a fifth
     * of the face's width (85 px), for the pose model's error, the motion filter's lag behind a
     * face sweeping at up to 250 px/s (the more, the fewer frames a busy machine lets the page
     * send), and the hand-drawn face box's. Each one must lie on its frame's face.
     */
    private static final double MEAN_BRIDGE_ERROR_PX = 17;
    /** The colour detector's input size and its one box (centre, size) in model pixels. */
    private static final int COLOUR_MODEL_SIZE = 64;
    private static final float[] COLOUR_MODEL_BOX = {32, 32, 20, 10};
    /** That box in a 640 x 480 frame: letterboxed at 0.1 with 8 model pixels of border above. */
    private static final double[] COLOUR_MODEL_FRAME_BOX = {220, 190, 420, 290};

    @RegisterExtension
    static final EndToEndCluster CLUSTER = EndToEndCluster.builder().build();

    @TempDir
    Path temp;

    private WebGateway gateway;
    private ChromeDriver browser;

    @BeforeEach
    void needsChromium() {
        Assumptions.assumeTrue(Files.isExecutable(CHROMEDRIVER) && Files.isExecutable(CHROMIUM),
                "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)");
    }

    @AfterEach
    void close() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (gateway != null) {
            gateway.close();
        }
        CLUSTER.cancelJob();
    }

    @Test
    @SuppressWarnings("unchecked")
    void streamerPageGetsItsFramesAnsweredAndDrawsTheFilterOnTheFaceWhileTheViewerPlaysThem() throws Exception {
        startJobAndGateway(CLUSTER.config());

        List<FaceFrames.Shot> shots = swayingFace();
        double[] face = sweptFaceBox(shots);
        browser = chromium(camera(shots));
        String base = "http://127.0.0.1:" + gateway.port() + "/";
        browser.get(base + "stream.html?fps=10");
        // which shot of the video each frame was captured from, by the marker the camera draws in it
        browser.executeScript("""
                window.shotOfFrame = new Map();
                const sendFrame = send;
                send = function () {
                  sendFrame();
                  const k = capture.width / 640;
                  const pixels = capture.getContext('2d');
                  let shot = 0;
                  for (let bit = 0; bit < %d; bit++) {
                    const p = pixels.getImageData(Math.floor((bit + 0.5) * %d * k), Math.floor(%d * k / 2), 1, 1).data;
                    if (p[0] + p[1] + p[2] > 3 * 128) {
                      shot |= 1 << bit;
                    }
                  }
                  window.shotOfFrame.set(seq, shot);
                };""".formatted(MARKER_BITS, MARKER_PX, MARKER_PX));

        long answered = await("window.driftless.answered", ANSWERS);
        Map<String, Object> stats = stats("window.driftless");
        assertThat(stats.get("error")).as("page error").isNull();
        await("window.driftless.drawnWithFilter", 1);

        // each answer's bridge against the face where it was in the frame that answer is for
        List<Double> errors = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Map<String, Object> newest = stats("""
                    const o = window.driftless.overlay;
                    const scale = document.getElementById('video').videoWidth / o.width;
                    return { seq: o.seq, shot: window.shotOfFrame.get(o.seq),
                      x: o.anchors.glasses_bridge[0] * scale, y: o.anchors.glasses_bridge[1] * scale };""");
            assertThat(newest.get("shot")).as("the marker of frame %s", newest.get("seq")).isNotNull();
            double[] shotFace = shots.get(((Number) newest.get("shot")).intValue()).faceBox();
            double x = ((Number) newest.get("x")).doubleValue();
            assertThat(x).as("bridge x on the face of frame %s", newest.get("seq")).isBetween(shotFace[0], shotFace[2]);
            assertThat(((Number) newest.get("y")).doubleValue()).as("bridge y").isBetween(shotFace[1], shotFace[3]);
            errors.add(Math.abs(x - (shotFace[0] + shotFace[2]) / 2));
            Thread.sleep(150);
        }
        double meanError = errors.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double maxError = errors.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        assertThat(meanError).as("bridge x from the face's centre line in its own frame, px: %s", errors)
                .isLessThanOrEqualTo(MEAN_BRIDGE_ERROR_PX);
        System.out.printf("browser: the bridge from the face's centre line in the answered frame: mean %.1f px,"
                + " max %.1f px over %d answers%n", meanError, maxError, errors.size());

        // the filter is drawn from the newest answer: its anchors lie on the known face
        List<Number> bridge = anchor("glasses_bridge");
        List<Number> rightEar = anchor("right_ear_tip");
        List<Number> leftEar = anchor("left_ear_tip");
        double bx = bridge.get(0).doubleValue();
        double by = bridge.get(1).doubleValue();
        assertThat(bx).as("bridge x").isBetween(face[0], face[2]);
        assertThat(by).as("bridge y").isBetween(face[1], face[3]);
        assertThat(rightEar.get(1).doubleValue()).as("ear tips above the bridge").isLessThan(by);
        assertThat(leftEar.get(1).doubleValue()).as("ear tips above the bridge").isLessThan(by);
        double centreX = (face[0] + face[2]) / 2;
        double error = Math.abs(bx - centreX);
        double followed = awaitBridgeSpread(SWAY_PX / 2);
        System.out.printf("browser: %d frames sent, %s answered, %s dropped %s, %s refused; bridge at (%.1f, %.1f),"
                        + " %.1f px from the swaying face's centre line, moving %.1f px with it; page round trip"
                        + " p50 %.1f ms%n",
                ((Number) stats.get("sent")).longValue(), answered, stats.get("dropped"), stats.get("dropsByReason"),
                stats.get("refused"),
                bx, by, error, followed, ((Number) browser.executeScript(
                        "return percentile(window.driftless.rttMs, 50)")).doubleValue());
        // an answer without the job's velocities is carried along the page's own fit through the
        // newest answers (300 px/s right, 90 px/s up; the first one sent at half the size), and one
        // with them at the job's
        List<Number> fitted = (List<Number>) browser.executeScript("""
                const answers = [];
                remember(answers, 900000, { glasses_bridge: [0, 0] }, { width: 640, height: 480 });
                remember(answers, 1000000, { glasses_bridge: [50, 100] }, { width: 320, height: 240 });
                remember(answers, 1033000, { glasses_bridge: [109.9, 197.03] }, { width: 640, height: 480 });
                remember(answers, 1066000, { glasses_bridge: [119.8, 194.06] }, { width: 640, height: 480 });
                const answer = { captureUs: 1066000, anchors: { glasses_bridge: [119.8, 194.06] }, velocities: {},
                  width: 640, height: 480 };
                answer.fitted = fitMotion(answers, answer);
                return carried(answer, 0.05).glasses_bridge;""");
        assertThat(fitted.get(0).doubleValue()).as("x carried 50 ms at the fitted velocity").isCloseTo(134.8, within(0.01));
        assertThat(fitted.get(1).doubleValue()).as("y carried 50 ms at the fitted velocity").isCloseTo(189.56, within(0.01));
        List<Number> atTheJobs = (List<Number>) browser.executeScript("""
                const answer = { captureUs: 1066000, anchors: { glasses_bridge: [120, 194] },
                  velocities: { glasses_bridge: [-100, 0] }, width: 640, height: 480 };
                answer.fitted = fitMotion([], answer);
                return carried(answer, 0.05).glasses_bridge;""");
        assertThat(atTheJobs.get(0).doubleValue()).as("x at the job's velocity").isCloseTo(115, within(0.01));

        // the page judges its round trips by the deadline the gateway gives its frames, not by 33 ms
        assertThat(((Number) browser.executeScript("return window.driftless.deadlineMs")).intValue())
                .isEqualTo(DEADLINE_MS);
        assertThat(((Number) browser.executeScript("return window.driftless.onTime")).longValue())
                .as("frames settled within the gateway's deadline").isPositive();
        screenshot("web-streamer.png");

        // the gateway's stats agree with the page's accounting
        String sessionId = (String) browser.executeScript("return window.driftless.sessionId");
        String cameraToken = (String) browser.executeScript("return location.hash.slice(1)");
        // the session rides beside the token, for a proxy that sends a session's sockets to one instance
        assertThat((String) browser.executeScript("return socketUrl('/ws/camera', location.hash.slice(1))"))
                .endsWith("&session=" + sessionId);
        JsonNode gatewayStats = new GatewayApi(URI.create(base))
                .get("/api/sessions/" + sessionId + "/stats", cameraToken).body();
        assertThat(gatewayStats.get("connection").asText()).isEqualTo("streaming");
        assertThat(gatewayStats.get("answered").asLong()).isGreaterThanOrEqualTo(answered);
        assertThat(gatewayStats.get("answered").asLong() + gatewayStats.get("dropped").asLong()
                + gatewayStats.get("refused").asLong()).isLessThanOrEqualTo(gatewayStats.get("framesIn").asLong());
        // the last second's figures are there while frames flow (how fast is the benchmark's to say)
        assertThat(gatewayStats.get("fpsIn").asDouble()).as("fps in").isPositive();
        assertThat(gatewayStats.get("fpsOut").asDouble()).as("fps out").isPositive();
        assertThat(gatewayStats.get("onTimeRatio").asDouble()).as("on time").isBetween(0.0, 1.0);
        assertThat(gatewayStats.get("rttP95Ms").asDouble()).isGreaterThanOrEqualTo(gatewayStats.get("rttP50Ms")
                .asDouble()).isPositive();
        // the gateway sets the page's capture rate, starting from the page's own 10 fps; a busy
        // machine may have had it lowered, and the page captures at what it was last told
        List<Number> asked = (List<Number>) browser.executeScript(
                "return window.driftless.qualityChanges.map(c => c.fps)");
        double pageFps = ((Number) browser.executeScript("return window.driftless.quality.fps")).doubleValue();
        assertThat(pageFps).isEqualTo(asked.isEmpty() ? 10 : asked.get(asked.size() - 1).doubleValue());
        assertThat(gatewayStats.path("quality").path("fps").asDouble()).isBetween(5.0, 10.0);
        System.out.printf("browser: the gateway asked for %s fps%n", asked);

        String streamer = browser.getWindowHandle();
        String viewUrl = (String) browser.executeScript("return window.driftless.viewUrl");
        browser.switchTo().newWindow(WindowType.TAB);
        String viewer = browser.getWindowHandle();
        browser.get(viewUrl);
        await("window.driftlessViewer.played", 5);
        screenshot("web-viewer.png");

        // the viewer plays at the cadence of capture, neither faster nor slower: every frame is
        // shown the same time after its capture, give or take less than a frame's slot
        List<Map<String, Object>> plays = (List<Map<String, Object>>) browser.executeScript(
                "return window.driftlessViewer.plays");
        double[] delays = plays.stream().mapToDouble(play -> ((Number) play.get("shownMs")).doubleValue()
                - ((Number) play.get("captureMs")).doubleValue()).toArray();
        double spread = Arrays.stream(delays).max().orElseThrow() - Arrays.stream(delays).min().orElseThrow();
        assertThat(spread).as("spread of the delays from capture to screen over %d frames", plays.size())
                .isLessThanOrEqualTo(VIEWER_LATE_MS + 1);
        List<Long> played = plays.stream().map(play -> ((Number) play.get("seq")).longValue()).toList();
        assertThat(played).as("frames shown in capture order").isSorted().doesNotHaveDuplicates();
        // a frame that comes after its slot has passed is skipped, not shown late
        Map<String, Object> late = stats("""
                const v = window.driftlessViewer;
                const skipped = v.skippedLate;
                arrived({ seq: -1, captureTimeUs: (v.plays[v.plays.length - 1].captureMs - 5000) * 1000 },
                  new ArrayBuffer(0));
                return { skipped: v.skippedLate - skipped, queued: queue.some(f => f.seq === -1) };""");
        assertThat(((Number) late.get("skipped")).longValue()).as("the late frame skipped").isEqualTo(1);
        assertThat(late.get("queued")).as("the late frame queued for showing").isEqualTo(false);
        long viewerPlayed = numberAt("window.driftlessViewer.played");
        await("window.driftlessViewer.played", viewerPlayed + 3);
        assertThat((List<Long>) browser.executeScript("return window.driftlessViewer.plays.map(p => p.seq)"))
                .as("frames shown").doesNotContain(-1L);
        System.out.printf("browser viewer: %s shown, %s skipped as late, delay from capture spread over %.1f ms%n",
                numberAt("window.driftlessViewer.played"), numberAt("window.driftlessViewer.skippedLate"), spread);

        // a page's bad sockets are refused with their reasons while the streamer is served
        browser.switchTo().window(streamer);
        long answeredBefore = numberAt("window.driftless.answered");
        browser.switchTo().window(viewer);
        Map<String, Object> refusals = (Map<String, Object>) browser.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const cameraToken = arguments[0];
                const viewToken = location.hash.slice(1);
                const dot = cameraToken.lastIndexOf('.');
                const forged = cameraToken.slice(0, dot + 1)
                  + [...cameraToken.slice(dot + 1)].reverse().join('');
                const closed = (url, onOpen) => new Promise((resolve) => {
                  const socket = new WebSocket(url);
                  socket.binaryType = 'arraybuffer';
                  socket.onopen = () => onOpen && onOpen(socket);
                  socket.onclose = (event) => resolve({ code: event.code, reason: event.reason });
                });
                (async () => {
                  const session = await (await fetch('/api/sessions', { method: 'POST' })).json();
                  done({
                    forged: await closed(socketUrl('/ws/camera', forged)),
                    viewToken: await closed(socketUrl('/ws/camera', viewToken)),
                    oversized: await closed(socketUrl('/ws/camera', session.cameraToken), (socket) => {
                      socket.send(JSON.stringify({ seq: 1, captureTimeUs: Date.now() * 1000,
                        sendTimeUs: Date.now() * 1000, width: 640, height: 480, kind: 'jpeg' }));
                      socket.send(new Uint8Array((1 << 20) + 1));
                    }),
                  });
                })().catch((e) => done({ error: String(e) }));""", cameraToken);
        assertThat(refusals).as("refusals").doesNotContainKey("error");
        assertThat((Map<String, Object>) refusals.get("forged")).containsEntry("code", 1008L)
                .containsEntry("reason", "the token's signature does not check out");
        assertThat((Map<String, Object>) refusals.get("viewToken")).containsEntry("code", 1008L)
                .containsEntry("reason", "a view token cannot be used here: this needs a camera token");
        assertThat((Map<String, Object>) refusals.get("oversized")).containsEntry("code", 1009L);
        browser.switchTo().window(streamer);
        await("window.driftless.answered", answeredBefore + 3);
        Map<String, Object> served = stats("window.driftless");
        assertThat(served.get("state")).isEqualTo("streaming");
        assertThat(served.get("error")).as("page error").isNull();

        // once the camera stops and every frame is settled, the page and the stats agree exactly
        browser.executeScript("send = function () {};");
        Awaitility.await("every frame the page sent settled").atMost(PAGE_TIMEOUT).pollInSameThread()
                .pollInterval(Duration.ofMillis(200))
                .until(() -> numberAt("(d => d.sent - d.answered - d.dropped - d.refused)(window.driftless)") == 0
                        && numberAt("pending.size") == 0);
        Map<String, Object> page = stats("window.driftless");
        JsonNode settled = new GatewayApi(URI.create(base)).get("/api/sessions/" + sessionId + "/stats", cameraToken)
                .body();
        assertThat(settled.get("framesIn").asLong()).as("frames in").isEqualTo(((Number) page.get("sent")).longValue());
        assertThat(settled.get("answered").asLong()).as("answered")
                .isEqualTo(((Number) page.get("answered")).longValue());
        assertThat(settled.get("dropped").asLong()).as("dropped").isEqualTo(((Number) page.get("dropped")).longValue());
        assertThat(settled.get("refused").asLong()).as("refused").isEqualTo(((Number) page.get("refused")).longValue());
        System.out.printf("browser: stats after the camera stopped %s; the page sent %s%n", settled, page.get("sent"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void streamerPageInLandmarkModeFindsTheFaceItselfAndSendsItsKeypointsForTheFilter() throws Exception {
        startJobAndGateway(CLUSTER.config());
        List<FaceFrames.Shot> shots = swayingFace();
        double[] face = sweptFaceBox(shots);
        browser = chromium(camera(shots));
        browser.get("http://127.0.0.1:" + gateway.port() + "/stream.html?fps=10&mode=landmarks");

        // in landmark mode an answer is a frame's coordinates: the job saw keypoints, no image
        long answered = await("window.driftless.answered", ANSWERS);
        await("window.driftless.drawnWithFilter", 1);
        Map<String, Object> stats = stats("window.driftless");
        assertThat(stats.get("error")).as("page error").isNull();
        assertThat(stats.get("mode")).isEqualTo("landmarks");

        // the page's own detector found the face where it is: every keypoint on the face, the ear
        // tragions (on the face's sides) within a twentieth of its width of the labelled box
        List<List<Number>> keypoints = (List<List<Number>>) browser.executeScript("const f = window.driftless.face;"
                + " const scale = document.getElementById('video').videoWidth / f.width;"
                + " return f.keypoints.map(p => [p[0] * scale, p[1] * scale])");
        double edge = (face[2] - face[0]) / 20;
        assertThat(keypoints).hasSize(6).allSatisfy(p -> {
            assertThat(p.get(0).doubleValue()).as("keypoint x").isBetween(face[0] - edge, face[2] + edge);
            assertThat(p.get(1).doubleValue()).as("keypoint y").isBetween(face[1], face[3]);
        });
        List<Number> bridge = anchor("glasses_bridge");
        assertThat(bridge.get(0).doubleValue()).as("bridge x").isBetween(face[0], face[2]);
        assertThat(bridge.get(1).doubleValue()).as("bridge y").isBetween(face[1], face[3]);
        double followed = awaitBridgeSpread(SWAY_PX / 2);
        System.out.printf("browser, landmark mode: %s frames sent, %d answered, %s dropped %s, %s without a face;"
                        + " the page's face search p50 %.1f ms; the filter moved %.1f px with the face%n",
                stats.get("sent"), answered, stats.get("dropped"), stats.get("dropsByReason"), stats.get("noFace"),
                ((Number) browser.executeScript("return percentile(window.driftless.detectMs, 50)")).doubleValue(),
                followed);
        screenshot("web-streamer-landmarks.png");
    }

    @Test
    @SuppressWarnings("unchecked")
    void streamerPageLowersItsCaptureWhileTheJobIsTooSlowAndRaisesItBackOnceTheJobKeepsUp() throws Exception {
        JobConfig config = CLUSTER.config();
        // slower than the gateway's deadline while switched on: every frame comes back a drop
        DelayedInference model = new DelayedInference(DriftlessJob.inference(config), 1_500, false);
        model.delaying(false);
        startJobAndGateway(config, model);
        browser = chromium(camera(swayingFace()));
        browser.get("http://127.0.0.1:" + gateway.port() + "/stream.html?fps=10");
        await("window.driftless.answered", ANSWERS);

        model.delaying(true);
        await("window.driftless.qualityChanges.length", 1);
        model.delaying(false);
        Map<String, Object> lowered = stats("window.driftless.qualityChanges[0]");
        assertThat(((Number) lowered.get("fps")).doubleValue()).as("the first step down: %s", lowered).isEqualTo(5);
        assertThat((String) lowered.get("reason")).endsWith("% of frames on time over the last second");

        // once the job keeps up again, back up one step at a time to where the page started
        await("(q => q.fps === 10 && q.jpegQuality === 0.8 && q.scale === 1 ? 1 : 0)(window.driftless.quality)", 1);
        List<Map<String, Object>> changes = (List<Map<String, Object>>) browser.executeScript(
                "return window.driftless.qualityChanges");
        assertThat(changes.get(changes.size() - 1).get("reason").toString()).as("the last change: %s", changes)
                .doesNotEndWith("% of frames on time over the last second");
        Map<String, Object> stats = stats("window.driftless");
        assertThat(stats.get("error")).as("page error").isNull();
        System.out.printf("browser, a slow job: the gateway asked the page for %s; drops %s%n",
                changes.stream().map(c -> c.get("fps") + " fps, JPEG " + c.get("jpegQuality") + ", scale "
                        + c.get("scale")).toList(), stats.get("dropsByReason"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void streamerPageAsksForTheUsersOwnModelByNameAndDrawsItsObjectsWhereTheModelFoundThem() throws Exception {
        // the classifier first, so that the detector answers only frames that ask for it by name
        Path classifier = ColourModels.folder(temp, "classifier",
                "family = classification\nname = colour-names\nlabels = labels.txt\n", ColourModels.classifier());
        Path detector = ColourModels.folder(temp, "detector",
                "family = detection\nname = colours\nlabels = labels.txt\ndetection.min-score = 0.5\n",
                ColourModels.detector(COLOUR_MODEL_SIZE, COLOUR_MODEL_BOX));
        Configuration settings = CLUSTER.settings();
        settings.set(DriftlessOptions.IMAGE_MODEL, List.of(classifier.toString(), detector.toString()));
        startJobAndGateway(JobConfig.from(settings, Map.of()));

        // a red camera: the detector finds "red" in the one box its graph puts every object in
        browser = chromium(FakeCamera.write(temp.resolve("red.y4m"), List.of(solid(0xFF0000), solid(0xFF0000)), 30));
        browser.get("http://127.0.0.1:" + gateway.port() + "/stream.html?fps=10&model=colours");
        await("window.driftless.answered", ANSWERS);
        await("window.driftless.drawnWithObjects", 1);

        Map<String, Object> stats = stats("window.driftless");
        assertThat(stats.get("error")).as("page error").isNull();
        assertThat((Map<String, Object>) stats.get("dropsByReason")).as("frames the job refused")
                .doesNotContainKey("INVALID");
        Map<String, Object> object = stats("window.driftless.objects.detections[0]");
        assertThat(object.get("label")).isEqualTo("red");
        assertThat(((Number) object.get("score")).doubleValue()).isGreaterThan(0.8);
        assertThat(stats("window.driftless.objects").get("classes")).as("a detector's answer").asList().isEmpty();
        // in the camera's pixels, whatever size the frame was sent at
        List<Number> box = (List<Number>) browser.executeScript("const o = window.driftless.objects;"
                + " const scale = document.getElementById('video').videoWidth / o.width;"
                + " return o.detections[0].box.map(v => v * scale)");
        for (int i = 0; i < 4; i++) {
            assertThat(box.get(i).doubleValue()).as("box %s", box).isCloseTo(COLOUR_MODEL_FRAME_BOX[i], within(4.0));
        }
        System.out.printf("browser: the page's own model answered %s frames, %s dropped %s; box %s%n",
                stats.get("answered"), stats.get("dropped"), stats.get("dropsByReason"), box);
        screenshot("web-streamer-model.png");
    }

    /**
     * The face near the middle, so that the ears standing on it stay in the picture, swaying left
     * and right, 80 px from end to end once a second: the filter must follow it.
     */
    private static List<FaceFrames.Shot> swayingFace() {
        List<FaceFrames.Shot> shots = new ArrayList<>();
        for (int i = 0; i < SWAY_FRAMES; i++) {
            shots.add(FaceFrames.shot(1.0, 90 + SWAY_PX * Math.sin(2 * Math.PI * i / SWAY_FRAMES), 60));
        }
        return shots;
    }

    /**
     * The fake camera's video: the shots in a loop at 30 fps, each with its index written in the
     * top left corner, where the background is, as {@value #MARKER_BITS} black or white squares.
     */
    private Path camera(List<FaceFrames.Shot> shots) throws Exception {
        List<byte[]> pictures = new ArrayList<>();
        for (int i = 0; i < shots.size(); i++) {
            BufferedImage picture = ImageIO.read(new ByteArrayInputStream(shots.get(i).jpeg()));
            Graphics2D g = picture.createGraphics();
            for (int bit = 0; bit < MARKER_BITS; bit++) {
                g.setColor((i >> bit & 1) == 1 ? Color.WHITE : Color.BLACK);
                g.fillRect(bit * MARKER_PX, 0, MARKER_PX, MARKER_PX);
            }
            g.dispose();
            ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
            ImageIO.write(picture, "jpg", jpeg);
            pictures.add(jpeg.toByteArray());
        }
        return FakeCamera.write(temp.resolve("face.y4m"), pictures, 30);
    }

    /** Wherever the face was when an answered frame was captured: the face boxes' union. */
    private static double[] sweptFaceBox(List<FaceFrames.Shot> shots) {
        double[] face = shots.get(0).faceBox().clone();
        for (FaceFrames.Shot shot : shots) {
            face[0] = Math.min(face[0], shot.faceBox()[0]);
            face[2] = Math.max(face[2], shot.faceBox()[2]);
        }
        return face;
    }

    private void startJobAndGateway(JobConfig config) throws Exception {
        startJobAndGateway(config, DriftlessJob.inference(config));
    }

    private void startJobAndGateway(JobConfig config, FrameInferenceFactory inference) throws Exception {
        CLUSTER.startJob(config, inference, Map.of()).awaitServing();
        gateway = WebGateway.start(GatewayConfig.builder()
                .bootstrapServers(CLUSTER.bootstrapServers())
                .framesTopic(CLUSTER.topics().frames())
                .instanceId("browser")
                .bindHost("127.0.0.1")
                .port(0)
                .tokenKey(TokenKey.random())
                // room for this shared machine, so that frames are answered and their content checked
                .deadlineMs(DEADLINE_MS)
                .build());
    }

    private static byte[] solid(int rgb) throws Exception {
        BufferedImage image = new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(rgb));
        g.fillRect(0, 0, 640, 480);
        g.dispose();
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        ImageIO.write(image, "jpg", jpeg);
        return jpeg.toByteArray();
    }

    private ChromeDriver chromium(Path video) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + temp.resolve("profile"),
                "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                "--use-file-for-fake-video-capture=" + video,
                // the streamer keeps its pace while the viewer's tab is in front
                "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
                "--disable-backgrounding-occluded-windows",
                "--window-size=1280,760");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(new File(temp.resolve("chromedriver.log").toString()))
                .build();
        return new ChromeDriver(service, options);
    }

    /**
     * Watches the filter's bridge anchor as answers come until it has been drawn at two places at
     * least {@code px} apart: a filter that follows the swaying face, not one stuck where it
     * first was. @return how far apart
     */
    private double awaitBridgeSpread(double px) {
        double[] seen = {Double.MAX_VALUE, -Double.MAX_VALUE};
        try {
            return Awaitility.await("the filter following the face").atMost(PAGE_TIMEOUT).pollInSameThread()
                    .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        double x = anchor("glasses_bridge").get(0).doubleValue();
                        seen[0] = Math.min(seen[0], x);
                        seen[1] = Math.max(seen[1], x);
                        return seen[1] - seen[0];
                    }, spread -> spread >= px);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("the filter's bridge stayed within " + (seen[1] - seen[0]) + " px while the face"
                    + " swayed " + 2 * SWAY_PX + " px; page state: " + pageState(), e);
        }
    }

    /** Polls the page until {@code expression} reaches {@code atLeast}, failing with the page's state. */
    private long await(String expression, long atLeast) {
        try {
            // polled on this thread: the driver is the test's
            return Awaitility.await(expression + " reaching " + atLeast).atMost(PAGE_TIMEOUT).pollInSameThread()
                    .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200))
                    .until(() -> numberAt(expression), reached -> reached >= atLeast);
        } catch (ConditionTimeoutException e) {
            // the page's state is read once, at the end
            throw new AssertionError(expression + " reached no " + atLeast + " within " + PAGE_TIMEOUT
                    + "; page state: " + pageState(), e);
        }
    }

    /** The expression's value on the page; {@link Long#MIN_VALUE} while it is no number yet. */
    private long numberAt(String expression) {
        return browser.executeScript("return " + expression) instanceof Number n ? n.longValue() : Long.MIN_VALUE;
    }

    private Object pageState() {
        return browser.executeScript("return JSON.stringify(window.driftless || window.driftlessViewer,"
                + " (k, v) => Array.isArray(v) && v.length > 5 ? v.length : v)");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> stats(String expression) {
        return (Map<String, Object>) browser.executeScript(expression.contains("return ") ? expression
                : "return " + expression);
    }

    /** The anchor in the camera's pixels: the frame it came from may have been sent scaled down. */
    @SuppressWarnings("unchecked")
    private List<Number> anchor(String name) {
        return (List<Number>) ((JavascriptExecutor) browser).executeScript("const o = window.driftless.overlay;"
                + " const scale = document.getElementById('video').videoWidth / o.width;"
                + " return o.anchors['" + name + "'].map(v => v * scale)");
    }

    private void screenshot(String name) throws Exception {
        Path folder = Boolean.getBoolean("driftless.docs.write") ? Path.of("..", "docs", "img")
                : Path.of("target", "screenshots");
        Files.createDirectories(folder);
        Files.write(folder.resolve(name), browser.getScreenshotAs(OutputType.BYTES));
    }
}
