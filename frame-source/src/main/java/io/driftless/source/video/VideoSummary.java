package io.driftless.source.video;

import io.driftless.source.SendMode;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.driftless.source.RunSummary;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * What one {@link VideoRun} saw: the books of the frames sent ({@link RunSummary}, with the same
 * conservation rule) and the camera side around them. Every frame grabbed was either sent or had
 * no face ({@code grabbed == run.sent() + noFace} in landmark mode; no frame goes unsent in JPEG
 * mode).
 *
 * @param run the books of the frames sent
 * @param sessionId the session every frame was sent under
 * @param sendMode what was sent
 * @param grabbed frames taken off the source
 * @param noFace frames not sent because the client's detector found no face in them
 * @param reconnects times a live source dropped and came back
 * @param loops times a looping file started again
 * @param rendered frames written to the rendered video (0 without one)
 * @param renderedWithOverlay frames written with an overlay, their answer having come in time
 * @param renderSkipped frames the video writer could not keep up with, left out of the video
 */
public record VideoSummary(
        RunSummary run,
        String sessionId,
        SendMode sendMode,
        long grabbed,
        long noFace,
        long reconnects,
        long loops,
        long rendered,
        long renderedWithOverlay,
        long renderSkipped) {

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The run's JSON with a {@code video} object added. */
    public String toJson() {
        try {
            ObjectNode root = (ObjectNode) JSON.readTree(run.toJson());
            ObjectNode video = root.putObject("video");
            video.put("session_id", sessionId);
            video.put("send", sendMode.name().toLowerCase(Locale.ROOT));
            video.put("grabbed", grabbed);
            video.put("no_face", noFace);
            video.put("reconnects", reconnects);
            video.put("loops", loops);
            video.put("rendered", rendered);
            video.put("rendered_with_overlay", renderedWithOverlay);
            video.put("render_skipped", renderSkipped);
            return JSON.writeValueAsString((JsonNode) root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The run's table with the camera's rows added. */
    public String toTable() {
        StringBuilder t = new StringBuilder(run.toTable());
        row(t, "session", sessionId + "  (" + sendMode.name().toLowerCase(Locale.ROOT) + ")");
        row(t, "frames grabbed", String.format(Locale.ROOT, "%,d", grabbed));
        row(t, "  no face, not sent", String.format(Locale.ROOT, "%,d", noFace));
        row(t, "source", String.format(Locale.ROOT, "%,d reconnects  %,d loops", reconnects,
                loops));
        if (rendered > 0 || renderSkipped > 0) {
            row(t, "rendered", String.format(Locale.ROOT,
                    "%,d frames  %,d with overlay  %,d skipped", rendered, renderedWithOverlay,
                    renderSkipped));
        }
        return t.toString();
    }

    private static void row(StringBuilder t, String label, String value) {
        t.append(String.format(Locale.ROOT, "%-22s %s%n", label, value));
    }
}
