package io.driftless.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftless.cluster.testutils.JobTopics;
import io.driftless.cluster.testutils.RealCluster;
import io.driftless.cluster.testutils.Users;
import io.driftless.proto.DropReason;
import io.driftless.source.RunSummary;
import io.driftless.source.accounting.AccountingReport;
import io.driftless.source.accounting.SessionAccount;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job as users run it: the shaded jar submitted to a standalone cluster (a JobManager and
 * two TaskManagers, each its own JVM, configured by deploy/flink/config.yaml) with Flink's own
 * command line and through REST.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterServingITCase {

    private static final Duration START = Duration.ofMinutes(2);

    @RegisterExtension
    static final RealCluster CLUSTER = RealCluster.builder().taskManagers(2).build();

    @Test
    @Order(1)
    void servesAccuratePosesWhenSubmittedWithFlinkRunAndAccountsForEveryFrame(@TempDir Path dir) throws Exception {
        JobTopics topics = JobTopics.fresh();
        List<String> args = new java.util.ArrayList<>(List.of("-d", RealCluster.jobJar().toString()));
        args.addAll(topics.jobArgs(CLUSTER.bootstrapServers()));
        String job = CLUSTER.flink().cli().run(args).submittedJobId();
        ClusterRest rest = CLUSTER.flink().rest();
        rest.awaitRunning(job, START);

        RunSummary summary;
        AccountingReport books;
        try (Users users = Users.start(CLUSTER.bootstrapServers(), topics, 10, Duration.ofSeconds(8),
                dir.resolve("sent.log"))) {
            summary = users.summary();
            books = users.books();
        }
        rest.cancel(job, START);
        System.out.printf("flink run on a standalone cluster:%n%s%n%s", summary.toTable(), books.toTable(5));

        SessionAccount total = books.total();
        assertThat(total.sent()).isEqualTo(summary.sent()).isGreaterThan(10 * 30 * 6);
        assertThat(total.unaccounted()).as("frames with no answer").isZero();
        assertThat(total.duplicated()).as("frames answered twice").isZero();
        assertThat(summary.responses() + summary.droppedTotal()).as("in = responses + dropped")
                .isEqualTo(summary.sent());
        assertThat(total.dropped(DropReason.INVALID)).isZero();
        assertThat(summary.lateResponses()).as("responses after their deadline").isZero();
        assertThat(summary.responses()).as("answered").isGreaterThan(summary.sent() / 2);
        assertThat(summary.poseMaeDeg().yaw()).isLessThan(3.0);
        assertThat(summary.poseMaeDeg().pitch()).isLessThan(3.0);
        assertThat(summary.poseMaeDeg().roll()).isLessThan(3.0);
    }
}
