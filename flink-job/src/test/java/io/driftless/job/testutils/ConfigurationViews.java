package io.driftless.job.testutils;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Every configuration view of the Flink web UI: the cluster's, and a job's own two. */
public final class ConfigurationViews {

    private ConfigurationViews() {}

    /** Path to body of {@code /jobmanager/config}, {@code /jobs/<id>/jobmanager/config} and {@code /jobs/<id>/config}. */
    public static Map<String, String> fetch(String webInterfaceUrl, String jobId) throws Exception {
        Map<String, String> views = new LinkedHashMap<>();
        for (String path : new String[] {"/jobmanager/config", "/jobs/" + jobId + "/jobmanager/config",
                "/jobs/" + jobId + "/config"}) {
            views.put(path, get(webInterfaceUrl + path));
        }
        return views;
    }

    private static String get(String url) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s", url).isEqualTo(200);
        return response.body();
    }
}
