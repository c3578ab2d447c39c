package io.driftless.bench.system;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads a Prometheus endpoint at a fixed interval, as a Prometheus server would: the reporter
 * builds its answer (histogram quantiles included) only when scraped, so a reporter nobody reads
 * costs next to nothing and would make the metrics look free.
 */
public final class MetricsScraper implements AutoCloseable {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "metrics-scraper"));
    private final HttpRequest request;
    private final AtomicLong scrapes = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

    private MetricsScraper(URI endpoint) {
        this.request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(5)).GET().build();
    }

    /** Scrapes {@code http://127.0.0.1:port/metrics} every {@code interval}, from now on. */
    public static MetricsScraper start(int port, Duration interval) {
        MetricsScraper scraper = new MetricsScraper(URI.create("http://127.0.0.1:" + port + "/metrics"));
        scraper.timer.scheduleWithFixedDelay(scraper::scrape, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return scraper;
    }

    private void scrape() {
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() == 200) {
                scrapes.incrementAndGet();
                bytes.addAndGet(response.body().length);
            }
        } catch (IOException e) {
            // the endpoint is not up yet, or going away: the next scrape tries again
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Successful scrapes so far. */
    public long scrapes() {
        return scrapes.get();
    }

    /** Mean size of a successful scrape's answer, in bytes. */
    public long meanBytes() {
        long n = scrapes.get();
        return n == 0 ? 0 : bytes.get() / n;
    }

    @Override
    public void close() throws InterruptedException {
        timer.shutdownNow();
        timer.awaitTermination(10, TimeUnit.SECONDS);
    }
}
