package io.fleetrotate.coordinator.alert;

import static net.logstash.logback.argument.StructuredArguments.entries;

import io.fleetrotate.proto.DaemonThreads;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers notices: one JSON log line each, and a JSON POST to every configured webhook. Webhooks
 * are called asynchronously on their own threads; a failing or slow one is logged and never holds
 * up evaluation or the HTTP API.
 *
 * <p>It sends every notice it is given: in a cluster of coordinators the {@link AlertEngine} of the
 * leader alone makes them, each once (see {@link FiringStates}).
 */
public final class NoticeDispatcher implements Consumer<Notice>, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger("io.fleetrotate.coordinator.alerts");
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final List<URI> webhooks;
  private final ExecutorService executor =
      Executors.newFixedThreadPool(2, DaemonThreads.named("fleetrotate-webhooks"));
  private final HttpClient http;

  public NoticeDispatcher(List<URI> webhooks) {
    this.webhooks = webhooks;
    this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).executor(executor).build();
  }

  @Override
  public void accept(Notice notice) {
    var json = Notices.json(notice);
    log.info(
        "alert {} {}: {}",
        notice.kind().wireName(),
        notice.alert().severity().wireName(),
        notice.alert().summary(),
        entries(json.getMap()));
    String body = json.encode();
    for (URI url : webhooks) {
      HttpRequest request =
          HttpRequest.newBuilder(url)
              .timeout(TIMEOUT)
              .header("content-type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body))
              .build();
      http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
          .whenComplete(
              (response, error) -> {
                if (error != null) {
                  log.warn("webhook {} failed: {}", url, error.toString());
                } else if (response.statusCode() / 100 != 2) {
                  log.warn("webhook {} answered {}", url, response.statusCode());
                }
              });
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
