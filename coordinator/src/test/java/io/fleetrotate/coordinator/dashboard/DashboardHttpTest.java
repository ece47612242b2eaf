package io.fleetrotate.coordinator.dashboard;

import static io.fleetrotate.coordinator.Http.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.coordinator.Coordinator;
import io.fleetrotate.coordinator.Http;
import io.fleetrotate.coordinator.TestCoordinators;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard's files as plain HTTP sees them: open, typed, self-contained. */
class DashboardHttpTest {
  static final List<String> ASSETS =
      List.of("/", "/index.html", "/dashboard.js", "/dashboard.css", "/favicon.svg");
  // Namespace names, which identify a vocabulary and are never fetched.
  static final List<String> NAMESPACES = List.of("http://www.w3.org/2000/svg");
  static final Pattern URL =
      Pattern.compile("(?i)(?:https?:)?//[a-z0-9.-]+\\.[a-z]{2,}[^\\s\"'<>)]*");

  @TempDir Path dir;
  Coordinator coordinator;
  Http http;

  @BeforeEach
  void start() throws Exception {
    coordinator = Coordinator.start(TestCoordinators.config(dir), Clock.systemUTC());
    http = new Http(coordinator.port());
  }

  @AfterEach
  void stop() {
    coordinator.close();
  }

  @Test
  void rootServesThePageWithoutAToken() {
    Http.Response page = http.get("/", null);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("content-type")).startsWith("text/html");
    assertThat(page.body())
        .contains("<script type=\"module\" src=\"dashboard.js\"></script>")
        .contains("href=\"dashboard.css\"")
        .contains("#token=");
  }

  @Test
  void scriptStyleAndIconAreServedWithTheirContentTypes() {
    assertThat(http.get("/dashboard.js", null).header("content-type"))
        .matches("(text|application)/javascript.*");
    assertThat(http.get("/dashboard.css", null).header("content-type")).startsWith("text/css");
    assertThat(http.get("/favicon.svg", null).header("content-type")).startsWith("image/svg+xml");
  }

  @Test
  void servedFilesNameNoOtherHost() {
    List<String> external = new ArrayList<>();
    for (String asset : ASSETS) {
      Http.Response r = http.get(asset, null);
      assertThat(r.status()).as(asset).isEqualTo(200);
      Matcher m = URL.matcher(r.body());
      while (m.find()) {
        if (!NAMESPACES.contains(m.group())) {
          external.add(asset + ": " + m.group());
        }
      }
    }
    assertThat(external).as("references to other hosts").isEmpty();
  }

  @Test
  void everyFileThePageLoadsIsServed() {
    String page = http.get("/", null).body();
    Matcher m = Pattern.compile("(?:src|href)=\"([^\"#]+)\"").matcher(page);
    int found = 0;
    while (m.find()) {
      Http.Response r = http.get("/" + m.group(1), null);
      assertThat(r.status()).as(m.group(1)).isEqualTo(200);
      found++;
    }
    assertThat(found).isEqualTo(4);
  }

  @Test
  void apiHealthAndMetricsAreUnchangedBesideThePage() {
    assertThat(http.get("/api/v1/fleet", null).status()).isEqualTo(401);
    assertThat(http.get("/api/v1/fleet", ADMIN).status()).isEqualTo(200);
    assertThat(http.get("/health", null).status()).isEqualTo(200);
    assertThat(http.get("/metrics", null).body()).contains("fleetrotate_");
    Http.Response unknown = http.get("/api/v1/nope", ADMIN);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().getString("error")).contains("no such endpoint");
    assertThat(http.get("/no-such-file.js", null).status()).isEqualTo(404);
    assertThat(http.post("/api/v1/fleet", ADMIN, "{}").status()).isEqualTo(405);
  }
}
