package io.driftless.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftless.job.testutils.ColourModels;
import io.driftless.local.testutils.FreePorts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The README's first command end to end, small: the broker, the job and the users start, the
 * users warm the system up, stream, sum up what came back, and everything shuts down.
 */
class LocalDriftlessITCase {

    private static final int USERS = 10;
    private static final int FPS = 30;
    private static final int SECONDS = 5;
    /** Three steps of the ramp (3, 5, then 10 users), each warm after its 10 s window. */
    private static final int PRE_ROLL_LIMIT_S = 60;

    @Test
    void preRollsUntilWarmThenStreamsAndAccountsForEveryFrameOfTheRunAlone(@TempDir Path dir) throws Exception {
        Path summaryFile = dir.resolve("summary.json");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int exit;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            exit = new CommandLine(new LocalDriftless()).execute(
                    "--users", Integer.toString(USERS), "--fps", Integer.toString(FPS),
                    "--duration", SECONDS + "s", "--pre-roll", PRE_ROLL_LIMIT_S + "s",
                    // one JPEG user served by the first of two models of the user's own (--model); a
                    // cold JVM's JPEG path misses 33 ms for long (docs/warm-up.md), so every frame gets a second
                    "--jpeg-users", "1", "--jpeg-fps", "5",
                    "--model", ColourModels.folder(dir, "classifier",
                            "family = classification\nname = colour-names\nlabels = labels.txt\n", ColourModels.classifier())
                            + ";" + ColourModels.folder(dir, "detector", "family = detection\nname = colours\n"
                            + "labels = labels.txt\n", ColourModels.detector(64, new float[] {32, 32, 20, 10})),
                    "--deadline-ms", "1000",
                    "--kafka-port", Integer.toString(FreePorts.pick()), "--web-port", Integer.toString(FreePorts.pick()),
                    "--prometheus-port", "0", "--gateway-port", Integer.toString(FreePorts.pick()),
                    "--summary-json", summaryFile.toString());
        } finally {
            System.setOut(original);
        }
        String output = printed.toString(StandardCharsets.UTF_8);
        System.out.println(output);

        assertThat(exit).as("exit code; it printed:%n%s", output).isZero();
        assertThat(output).contains(
                "Image models:        colour-names (classification) from ",
                "                     colours (detection) from ",
                "                     (the first for frames that name none)",
                "Pre-roll: sessions of its own, ramped up to the same load, until the answers are on time; 60 s at most ...",
                "Pre-roll done in ",
                "The system is warm.",
                "Streaming 10 synthetic users at 30 fps and 1 JPEG users at 5 fps for 5 s. Ctrl-C stops.",
                "Shutting down ...");
        assertThat(output.indexOf("The system is warm.")).as("the web gateway opens once the system is warm")
                .isLessThan(output.indexOf("Web gateway:"))
                .isLessThan(output.indexOf("Streaming 10 synthetic users"));

        JsonNode summary = new ObjectMapper().readTree(summaryFile.toFile());
        long dropped = 0;
        for (JsonNode count : summary.path("dropped")) {
            dropped += count.asLong();
        }
        assertThat(summary.path("pre_roll").path("warm").asBoolean()).as("pre-roll: %s", summary).isTrue();
        assertThat(summary.path("pre_roll").path("seconds").asLong()).as("three steps of at least 10 s")
                .isBetween(30L, (long) PRE_ROLL_LIMIT_S);
        assertThat(summary.path("sent").asLong()).as("the run's frames alone, not the pre-roll's: %s", summary)
                .isEqualTo((long) USERS * FPS * SECONDS);
        assertThat(summary.path("unanswered").asLong()).as("unanswered: %s", summary).isZero();
        assertThat(summary.path("responses").asLong() + dropped).as("responses + dropped: %s", summary)
                .isEqualTo(summary.path("sent").asLong());
        assertThat(summary.path("responses").asLong()).as("answered: %s", summary).isPositive();
        assertThat(summary.path("late_responses").asLong()).as("rendered late: %s", summary).isZero();
        long sentBySecond = 0;
        for (JsonNode n : summary.path("sent_by_second")) {
            sentBySecond += n.asLong();
        }
        assertThat(sentBySecond).as("the run's frames, second by second: %s", summary)
                .isEqualTo(summary.path("sent").asLong());
        assertThat(summary.path("sent_by_second").size()).as("seconds booked").isBetween(SECONDS, SECONDS + 1);
        JsonNode jpeg = summary.path("jpeg_users");
        long jpegDropped = 0;
        for (JsonNode count : jpeg.path("dropped")) {
            jpegDropped += count.asLong();
        }
        assertThat(jpeg.path("responses").asLong()).as("JPEG frames answered by the first --model folder's model: %s", jpeg)
                .isPositive();
        assertThat(jpeg.path("responses").asLong() + jpegDropped).as("JPEG in = responses + dropped: %s", jpeg)
                .isEqualTo(jpeg.path("sent").asLong());
    }
}
