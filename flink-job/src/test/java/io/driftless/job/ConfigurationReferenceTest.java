package io.driftless.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md is the job's options as {@link JobConfig#referenceTable} writes them, so the
 * reference cannot go stale: change an option and this test fails until the page is rewritten,
 * which it does itself when asked ({@value #WRITE}=true).
 */
class ConfigurationReferenceTest {

    static final String WRITE = "driftless.docs.write";
    private static final Path PAGE = Path.of("..", "docs", "configuration.md");

    static String page() {
        return "# Configuration reference\n\n"
                + "The job's options, written from `DriftlessOptions` by `ConfigurationReferenceTest` (regenerate:\n"
                + "`mvn -B -pl flink-job -am test -Dtest=ConfigurationReferenceTest -Dsurefire.failIfNoSpecifiedTests=false"
                + " -D" + WRITE + "=true`).\n"
                + "Give them on the command line (`flink run … --deadline 40ms`, the `driftless.` prefix optional)\n"
                + "or as keys in Flink's `config.yaml`; the command line wins. Topics, Kafka client settings and\n"
                + "Flink's own keys: [job-options.md](job-options.md).\n\n"
                + JobConfig.referenceTable();
    }

    @Test
    void theReferencePageIsWhatTheOptionsSay() throws Exception {
        if (Boolean.getBoolean(WRITE)) {
            Files.writeString(PAGE, page(), StandardCharsets.UTF_8);
        }
        assertThat(PAGE).as("docs/configuration.md").exists();
        assertThat(Files.readString(PAGE, StandardCharsets.UTF_8))
                .as("docs/configuration.md is stale: rewrite it with -D%s=true (see this test's javadoc)", WRITE)
                .isEqualTo(page());
    }

    @Test
    void everyOptionHasItsRowWithItsRealDescription() {
        String table = JobConfig.referenceTable();
        for (var option : DriftlessOptions.ALL) {
            assertThat(table).contains("| `" + option.key() + "` |");
        }
        assertThat(table).doesNotContain("Description@").contains("The pose a session's anchors are projected from");
    }
}
