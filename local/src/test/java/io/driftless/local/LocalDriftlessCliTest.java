package io.driftless.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftless.job.testutils.ColourModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LocalDriftlessCliTest {

    @Test
    void helpOffersJpegUsers() {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new LocalDriftless()).setOut(new PrintWriter(out, true));

        assertThat(cli.execute("--help")).isZero();
        assertThat(out.toString()).contains("--jpeg-users", "--jpeg-fps");
    }

    @Test
    void helpLeavesTheSoakToTheBench() {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new LocalDriftless()).setOut(new PrintWriter(out, true));

        assertThat(cli.execute("--help")).isZero();
        assertThat(out.toString()).contains("A memory soak is bin/driftless-bench soak.")
                .doesNotContain("--memory-report", "--load-from-capacity", "--heap-census-interval");
    }

    /** Runs the command, which must refuse its arguments before starting anything; returns what it printed. */
    private static String refused(String... args) {
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertThat(new CommandLine(new LocalDriftless()).execute(args)).isEqualTo(2);
        } finally {
            System.setErr(original);
        }
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void refusesAJpegRateOutsideItsRangeBeforeStartingAnything() {
        assertThat(refused("--jpeg-users", "2", "--jpeg-fps", "0")).contains("--jpeg-fps must be in 1..120, got 0");
    }

    @Test
    void refusesNoUsersOrNoFramesBeforeStartingAnything() {
        assertThat(refused("--users", "0", "--jpeg-users", "4")).contains("--users must be between 1 and 100,000, got 0");
        assertThat(refused("--fps", "0")).contains("--fps must be between 1 and 1000, got 0");
    }

    @Test
    void refusesANegativeWarmUpOrPreRollBeforeStartingAnything() {
        assertThat(refused("--warm-up-run", "-5s")).contains("--warm-up-run");
        assertThat(refused("--pre-roll", "-5s")).contains("--pre-roll");
    }

    @Test
    void helpOffersThePreRollAndTheWarmUpRun() {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new LocalDriftless()).setOut(new PrintWriter(out, true));

        assertThat(cli.execute("--help")).isZero();
        assertThat(out.toString().replaceAll("\\s+", " ")).contains("--pre-roll=", "ramped up to the same load, until its last 10 s were on time (99% of landmark frames",
                "0s starts them cold (default: 120s)", "--warm-up-run=", "left out of the summary (default: 0s)");
    }

    @Test
    void refusesADurationItCannotReadAndSaysHowToWriteOne() {
        assertThat(refused("--warm-up-run", "soon"))
                .contains("'soon' is not a duration: write it like 40s, 2m, 500ms, 1h or ISO-8601 PT40S");
    }

    @Test
    void refusesABrokerRetentionUnderAMinuteBeforeStartingAnything() {
        assertThat(refused("--kafka-retention", "30s")).contains("--kafka-retention must be at least 1m, got 30s");
    }

    @Test
    void helpOffersTheMotionProfilesTheDisplayDelayAndSmoothing() {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new LocalDriftless()).setOut(new PrintWriter(out, true));

        assertThat(cli.execute("--help")).isZero();
        assertThat(out.toString()).contains("--motion=PROFILE", "calm", "shake", "--display-delay=", "--smoothing=MODE");
    }

    @Test
    void refusesAMotionProfileItDoesNotKnowAndNamesThoseThereAre() {
        assertThat(refused("--motion", "wild"))
                .contains("'wild' is not a motion profile: write calm, normal, brisk, fast or shake");
    }

    @Test
    void refusesASmoothingModeItDoesNotKnowAndNamesThoseThereAre() {
        assertThat(refused("--smoothing", "kalman")).contains("'kalman' is not motion_state, one_euro or none");
    }

    @Test
    void refusesAModelThatIsNoFolder(@TempDir Path dir) {
        assertThat(refused("--model", dir.resolve("missing").toString(), "--inference", "remote"))
                .contains("--model " + dir.resolve("missing") + " is not a folder");
    }

    @Test
    void refusesAModelFolderWhoseDescriptorDoesNotFitItsModelBeforeStartingAnything(@TempDir Path dir)
            throws Exception {
        // a classifier's [N, 3] output described as a detector's
        Path folder = ColourModels.folder(dir, "colours", "family = detection\nname = colours\n",
                ColourModels.classifier());
        assertThat(refused("--model", folder.toString())).contains("--model: model folder " + folder.toAbsolutePath());
    }

    @Test
    void refusesTwoModelFoldersOfOneNameBeforeStartingAnything(@TempDir Path dir) throws Exception {
        String descriptor = "family = classification\nname = colour-names\nlabels = labels.txt\n";
        Path one = ColourModels.folder(dir, "one", descriptor, ColourModels.classifier());
        Path two = ColourModels.folder(dir, "two", descriptor, ColourModels.classifier());
        assertThat(refused("--model", one + ";" + two)).contains("--model: two folders give the model name"
                + " 'colour-names'", two.toAbsolutePath().toString());
        assertThat(refused("--model", one.toString(), "--model", two.toString()))
                .contains("two folders give the model name 'colour-names'");
    }

    @Test
    void refusesADisplayDelayOverASecondBeforeStartingAnything() {
        assertThat(refused("--display-delay", "2s")).contains("--display-delay must be between 0s and 1s");
    }
}
