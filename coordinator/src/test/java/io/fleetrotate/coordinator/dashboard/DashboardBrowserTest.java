package io.fleetrotate.coordinator.dashboard;

import static io.fleetrotate.coordinator.Http.ADMIN;
import static io.fleetrotate.coordinator.Http.AGENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetrotate.coordinator.Coordinator;
import io.fleetrotate.coordinator.Http;
import io.fleetrotate.coordinator.MutableClock;
import io.fleetrotate.coordinator.TestCoordinators;
import io.fleetrotate.coordinator.Wire;
import io.fleetrotate.proto.FailureReason;
import io.fleetrotate.proto.LockState;
import io.fleetrotate.proto.ProtocolVersion;
import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.RotationEvent;
import io.fleetrotate.proto.Trigger;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The dashboard in Debian's headless Chromium, against a real coordinator fed over HTTP by three
 * simulated agents. Skipped, saying why, when chromium or chromedriver is missing; failed instead
 * under {@code CI=true}, where .ci/run installs them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardBrowserTest {
  static final Path CHROMIUM = Path.of(env("FLEETROTATE_CHROMIUM", "/usr/bin/chromium"));
  static final Path CHROMEDRIVER =
      Path.of(env("FLEETROTATE_CHROMEDRIVER", "/usr/bin/chromedriver"));
  static final Path TARGET = Path.of("target");
  static final Duration WAIT = Duration.ofSeconds(30);
  static final String GROUP = "mcp-server";
  static final String BATCH = "mcp-batch";
  // Selenium warns that it has no CDP module for this Chromium: none is needed (the test uses
  // WebDriver and chromedriver's own CDP pass-through), and Maven Central's mirror here has none.
  static final java.util.logging.Logger CDP_WARNINGS = quietCdpWarnings();
  static final Map<String, String> DARK = Map.of("name", "prefers-color-scheme", "value", "dark");
  static final List<String> NODES = List.of("mcp-1", "mcp-2", "mcp-3");
  static final double[] DISK = {0.42, 0.67, 0.91};

  @TempDir static Path dir;
  MutableClock clock;
  Coordinator coordinator;
  Http http;
  ChromeDriver driver;
  String missingBrowser;
  String base;
  final List<RotationEvent> events = new ArrayList<>();

  @BeforeAll
  void start() throws Exception {
    missingBrowser = missingBrowser();
    if (missingBrowser != null) {
      return;
    }
    clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    coordinator = Coordinator.start(TestCoordinators.config(dir), clock);
    http = new Http(coordinator.port());
    base = "http://127.0.0.1:" + coordinator.port() + "/";
    simulateFleet();
    driver = startChromium();
  }

  @AfterAll
  void stop() {
    if (driver != null) {
      driver.quit();
    }
    if (coordinator != null) {
      coordinator.close();
    }
  }

  @BeforeEach
  void blankPage() {
    Assumptions.assumeTrue(missingBrowser == null, missingBrowser);
    driver.get("about:blank");
    driver.manage().logs().get(LogType.BROWSER); // drop what earlier tests left
  }

  @Test
  void listsTheNodesAndDrawsOneBarPerRotationOfTheGroup() throws IOException {
    openDashboard();
    assertThat(rows()).containsExactlyElementsOf(NODES);
    for (int i = 0; i < NODES.size(); i++) {
      WebElement row = row(NODES.get(i));
      assertThat(row.findElement(By.cssSelector(".state .badge")).getText()).isEqualTo("UP");
      assertThat(row.findElement(By.cssSelector(".disk-text")).getText())
          .isEqualTo(Math.round(DISK[i] * 100) + "%");
      assertThat(row.findElement(By.cssSelector(".files")).getText()).isEqualTo("3");
    }
    assertThat(driver.findElement(By.id("card-nodes-value")).getText()).isEqualTo("3/3 up");
    assertThat(driver.findElement(By.id("card-disk-value")).getText()).isEqualTo("max 91%");

    List<WebElement> bars = bars(GROUP);
    assertThat(bars).hasSize(events(GROUP).size());
    assertThat(bars.stream().map(b -> Long.parseLong(b.getDomAttribute("data-token"))))
        .containsExactlyInAnyOrderElementsOf(
            events(GROUP).stream().map(RotationEvent::fencingToken).toList());
    assertThat(bars.stream().map(b -> b.getDomAttribute("data-node")).distinct())
        .containsExactlyInAnyOrderElementsOf(NODES);
    assertThat(bars.stream().filter(b -> "FAILED".equals(b.getDomAttribute("data-result"))))
        .hasSize(1);
    WebElement failed = driver.findElement(By.cssSelector(".timeline-bar[data-token='105']"));
    assertThat(failed.findElement(By.tagName("title")).getDomProperty("textContent"))
        .contains("mcp-2", "/var/log/mcp/server.log", "FAILED (REOPEN_FAILED)")
        .contains("took 50.0 s", "fencing token 105", "lock wait 250 ms (hazelcast)")
        .contains("kill -HUP 4242: no such process");
    WebElement svg =
        driver.findElement(By.cssSelector("svg.timeline-svg[data-group='mcp-server']"));
    assertThat(svg.getDomAttribute("data-peak")).isEqualTo("1");
    assertThat(
            driver.findElements(By.cssSelector(".timeline-bar.overlap[data-group='mcp-server']")))
        .isEmpty();
    assertThat(
            driver
                .findElement(
                    By.cssSelector(".timeline-group[data-group='mcp-server'] .concurrency"))
                .getText())
        .contains("one at a time");

    // A group whose rotations overlapped says so, and outlines the two bars.
    assertThat(bars(BATCH)).hasSize(4);
    assertThat(
            driver
                .findElement(By.cssSelector("svg.timeline-svg[data-group='mcp-batch']"))
                .getDomAttribute("data-peak"))
        .isEqualTo("2");
    assertThat(driver.findElements(By.cssSelector(".timeline-bar.overlap[data-group='mcp-batch']")))
        .hasSize(2);
    assertThat(
            driver
                .findElement(By.cssSelector(".timeline-group[data-group='mcp-batch'] .concurrency"))
                .getText())
        .contains("up to 2 at once");

    // mcp-2 failed one rotation in three (under 95 % in the hour) and mcp-3 is 91 % full: alerts.
    await()
        .atMost(WAIT)
        .until(() -> !driver.findElements(By.cssSelector("#alert-list li")).isEmpty());
    screenshot("dashboard.png");
    driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of(DARK)));
    screenshot("dashboard-dark.png");
    driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
    assertNoConsoleErrors();
  }

  /**
   * A demo-like fleet four minutes old: the timeline fits its rotations instead of squeezing them
   * into the right edge of the smallest window, the axis names its time zone, the disk column its
   * mount and free bytes, each alert its path once, and a lock outage shows on the node and its
   * group. Its screenshot before the outage, target/dashboard-fresh-fleet.png, is the README's
   * docs/dashboard.png.
   */
  @Test
  void aFreshFleetsTimelineFitsItsDataAndShowsTheLockState() throws Exception {
    MutableClock freshClock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    try (Coordinator fresh =
        Coordinator.start(TestCoordinators.config(dir.resolve("fresh")), freshClock)) {
      Http api = new Http(fresh.port());
      List<String> hosts = List.of("mcp-host-1", "mcp-host-2", "mcp-host-3");
      double[] used = {0.38, 0.52, 0.88};
      LockState reachable = new LockState("hazelcast", null);
      Instant now = freshClock.instant();
      for (Instant at : List.of(now.minusSeconds(15), now)) {
        freshClock.set(at);
        for (int i = 0; i < hosts.size(); i++) {
          freshHeartbeat(api, hosts.get(i), at, used[i], reachable);
        }
      }
      List<RotationEvent> rotations = new ArrayList<>();
      Instant first = now.minus(Duration.ofMinutes(4));
      for (int i = 0; i < 7; i++) {
        rotations.add(
            event(
                hosts.get(i % hosts.size()),
                GROUP,
                first.plusSeconds(35L * i),
                Duration.ofMillis(1200 + 300L * (i % 3)),
                Result.SUCCESS,
                1 + i));
      }
      Http.Response ack = api.post("/api/v1/events", AGENT, Wire.eventsJson(rotations));
      assertThat(ack.status()).as(ack.toString()).isEqualTo(200);
      fresh.alerts().evaluate();

      driver.get("http://127.0.0.1:" + fresh.port() + "/#token=" + ADMIN);
      await()
          .atMost(WAIT)
          .until(() -> driver.findElements(By.cssSelector(".timeline-bar")).size() == 7);
      assertThat(driver.findElement(By.id("window-select")).getDomProperty("value"))
          .isEqualTo("fit");
      WebElement svg =
          driver.findElement(By.cssSelector("svg.timeline-svg[data-group='mcp-server']"));
      double span =
          Double.parseDouble(svg.getDomAttribute("data-end"))
              - Double.parseDouble(svg.getDomAttribute("data-start"));
      assertThat(span).isBetween(4 * 60_000.0, 5 * 60_000.0);
      double width = Double.parseDouble(svg.getDomAttribute("width"));
      double leftmost =
          driver.findElements(By.cssSelector(".timeline-bar")).stream()
              .mapToDouble(b -> Double.parseDouble(b.getDomAttribute("x")))
              .min()
              .orElseThrow();
      // The oldest rotation starts near the left of the plot, not in its last 2 %.
      assertThat(leftmost / width).isLessThan(0.3);
      String zone = svg.findElement(By.cssSelector(".axis-zone")).getDomProperty("textContent");
      assertThat(zone)
          .contains("UTC")
          .isEqualTo(
              driver.executeScript(
                  "const z = Intl.DateTimeFormat().resolvedOptions().timeZone;"
                      + "return document.querySelector('svg.timeline-svg .axis-zone').textContent"
                      + ".includes(z) || z === 'UTC' || z === 'Etc/UTC'"
                      + " ? document.querySelector('svg.timeline-svg .axis-zone').textContent : z;"));
      WebElement row3 = row("mcp-host-3");
      assertThat(row3.findElement(By.cssSelector(".disk-free")).getText())
          .isEqualTo("/var/log · 12 GiB free");
      assertThat(row3.findElement(By.cssSelector("td.lock")).getDomAttribute("data-lock"))
          .isEqualTo("available");
      assertThat(row3.findElement(By.cssSelector(".lock-state")).getText()).contains("hazelcast");
      WebElement groupLock =
          driver.findElement(
              By.cssSelector(".timeline-group[data-group='mcp-server'] .group-lock"));
      assertThat(groupLock.getDomAttribute("data-lock-health")).isEqualTo("available");
      await()
          .atMost(WAIT)
          .until(() -> !driver.findElements(By.cssSelector("#alert-list li")).isEmpty());
      String alert = driver.findElement(By.cssSelector("#alert-list li")).getText();
      assertThat(alert).contains("mcp-host-3");
      assertThat(alert.split("/var/log", -1)).as(alert).hasSize(2);
      screenshot("dashboard-fresh-fleet.png");

      // The lock service of mcp-host-3 goes away: the node and its group say so.
      Instant since = freshClock.instant().minusSeconds(40);
      freshHeartbeat(
          api, "mcp-host-3", freshClock.instant(), used[2], new LockState("hazelcast", since));
      await()
          .atMost(WAIT)
          .until(
              () ->
                  "unavailable"
                      .equals(
                          row("mcp-host-3")
                              .findElement(By.cssSelector("td.lock"))
                              .getDomAttribute("data-lock")));
      assertThat(row("mcp-host-3").findElement(By.cssSelector(".lock-state")).getText())
          .contains("hazelcast down");
      await()
          .atMost(WAIT)
          .until(() -> "partial".equals(groupLock.getDomAttribute("data-lock-health")));
      assertThat(groupLock.getText()).contains("1 of 3 nodes cannot reach the hazelcast lock");
      screenshot("dashboard-lock-outage.png");
      assertNoConsoleErrors();
    }
  }

  private static void freshHeartbeat(
      Http api, String node, Instant at, double used, LockState lock) {
    Http.Response r =
        api.post(
            "/api/v1/heartbeats",
            AGENT,
            Wire.json(Wire.withLock(Wire.heartbeat(node, at, used), GROUP, lock)));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
  }

  @Test
  void theTokenLeavesTheUrlAndSurvivesAReload() {
    openDashboard();
    await().atMost(WAIT).until(() -> !driver.getCurrentUrl().contains("token="));
    driver.navigate().refresh();
    await().atMost(WAIT).until(() -> !bars(GROUP).isEmpty());
    assertThat(driver.getCurrentUrl()).doesNotContain(ADMIN);
    assertNoConsoleErrors();
  }

  @Test
  void theTimelineWindowCanBeNarrowed() {
    openDashboard();
    Instant from = clock.instant().minus(Duration.ofMinutes(15));
    long inWindow = events(GROUP).stream().filter(e -> !e.finishedAt().isBefore(from)).count();
    assertThat(inWindow).isLessThan(events(GROUP).size());
    driver.findElement(By.cssSelector("#window-select option[value='15']")).click();
    await().atMost(WAIT).until(() -> bars(GROUP).size() == inWindow);
    assertThat(driver.getCurrentUrl()).endsWith("#window=15").doesNotContain(ADMIN);
    assertNoConsoleErrors();
  }

  @Test
  void refreshesByItselfUpdatingRowsInPlace() {
    openDashboard();
    WebElement row = row("mcp-1");
    long token = events.stream().mapToLong(RotationEvent::fencingToken).max().orElseThrow() + 1;
    Instant began = clock.instant().minus(Duration.ofMinutes(2));
    post(List.of(event("mcp-1", GROUP, began, Duration.ofSeconds(20), Result.SUCCESS, token)));
    By newBar = By.cssSelector(".timeline-bar[data-token='" + token + "']");
    await().atMost(WAIT).until(() -> !driver.findElements(newBar).isEmpty());
    // The same row element, updated rather than redrawn (a redrawn one would be stale here).
    assertThat(row.getDomAttribute("data-node-id")).isEqualTo("mcp-1");
    assertNoConsoleErrors();
  }

  @Test
  void aFailingRequestIsShownAndTheLastDataKept() {
    openDashboard();
    driver.executeScript(
        "const real = window.fetch;"
            + "window.restoreFetch = () => { window.fetch = real; };"
            + "window.fetch = (url, init) => String(url).startsWith('/api/v1/alerts')"
            + "  ? Promise.resolve(new Response("
            + "      JSON.stringify({error: 'the coordinator cannot store data right now'}),"
            + "      {status: 503, headers: {'content-type': 'application/json'}}))"
            + "  : real(url, init);");
    WebElement message = driver.findElement(By.id("message"));
    await().atMost(WAIT).until(message::isDisplayed);
    assertThat(message.getText())
        .contains("GET /api/v1/alerts", "HTTP 503", "the coordinator cannot store data right now");
    assertThat(driver.findElement(By.id("refresh-status")).getText()).contains("failed");
    assertThat(rows()).containsExactlyElementsOf(NODES);

    driver.executeScript("window.restoreFetch();");
    await().atMost(WAIT).until(() -> !message.isDisplayed());
    assertNoConsoleErrors();
  }

  @Test
  void rotateNowAsksFirstAndQueuesACommandTheNextHeartbeatCarries() {
    openDashboard();
    WebElement button = row("mcp-2").findElement(By.cssSelector("button.rotate-now"));

    button.click();
    await().atMost(WAIT).until(() -> driver.findElement(By.id("confirm-dialog")).isDisplayed());
    assertThat(driver.findElement(By.id("confirm-text")).getText()).contains("mcp-2");
    driver.findElement(By.id("confirm-cancel")).click();
    assertThat(commandsOnNextHeartbeat("mcp-2")).isEmpty();

    button.click();
    await().atMost(WAIT).until(() -> driver.findElement(By.id("confirm-ok")).isDisplayed());
    driver.findElement(By.id("confirm-ok")).click();
    WebElement result = driver.findElement(By.id("action-result"));
    await().atMost(WAIT).until(() -> "queued".equals(result.getDomAttribute("data-status")));
    assertThat(result.getText()).contains("mcp-2", "every watched file");

    JsonArray commands = commandsOnNextHeartbeat("mcp-2");
    assertThat(commands).hasSize(1);
    JsonObject command = commands.getJsonObject(0);
    assertThat(command.getString("commandId")).isEqualTo(result.getDomAttribute("data-command-id"));
    assertThat(command.getString("type")).isEqualTo("ROTATE_NOW");
    assertThat(command.getValue("path")).isNull();
    assertNoConsoleErrors();
  }

  @Test
  void rotateOneFileFromTheNodeDetail() throws IOException {
    openDashboard();
    row("mcp-3").findElement(By.cssSelector("button.node-link")).click();
    WebElement detail = driver.findElement(By.id("node-detail"));
    await().atMost(WAIT).until(detail::isDisplayed);
    By fileButton = By.cssSelector("button.rotate-file[data-path='/var/log/mcp/errors.log']");
    await().atMost(WAIT).until(() -> !detail.findElements(fileButton).isEmpty());
    assertThat(detail.findElements(By.cssSelector(".files-table tbody tr"))).hasSize(3);
    screenshot("dashboard-node.png");

    detail.findElement(fileButton).click();
    await().atMost(WAIT).until(() -> driver.findElement(By.id("confirm-ok")).isDisplayed());
    assertThat(driver.findElement(By.id("confirm-text")).getText())
        .contains("/var/log/mcp/errors.log", "mcp-3");
    driver.findElement(By.id("confirm-ok")).click();
    WebElement result = driver.findElement(By.id("action-result"));
    await().atMost(WAIT).until(() -> "mcp-3".equals(result.getDomAttribute("data-node-id")));

    JsonArray commands = commandsOnNextHeartbeat("mcp-3");
    assertThat(commands).hasSize(1);
    assertThat(commands.getJsonObject(0).getString("path")).isEqualTo("/var/log/mcp/errors.log");
    assertNoConsoleErrors();
  }

  @Test
  void withoutATokenThePageExplainsTheFragmentAndCallsNoApi() throws IOException {
    driver.get(base);
    // A token an earlier test gave this tab stays in its sessionStorage, as it should on reload.
    ((org.openqa.selenium.JavascriptExecutor) driver).executeScript("sessionStorage.clear()");
    driver.navigate().refresh();
    WebElement help = driver.findElement(By.id("token-help"));
    await().atMost(WAIT).until(help::isDisplayed);
    assertThat(help.getText())
        .contains("#token=", "auth.adminTokens", "Authorization: Bearer")
        .contains("There is no token in the URL.");
    assertThat(driver.findElement(By.id("dashboard")).isDisplayed()).isFalse();
    screenshot("dashboard-no-token.png");
    assertNoConsoleErrors();
  }

  @Test
  void anUnknownTokenIsExplainedInsteadOfRetried() {
    driver.get(base + "#token=not-a-configured-token");
    WebElement reason = driver.findElement(By.id("token-help-reason"));
    await().atMost(WAIT).until(() -> reason.getText().contains("HTTP 401"));
    assertThat(driver.findElement(By.id("dashboard")).isDisplayed()).isFalse();
    // Chromium logs the refused request itself; nothing else may be wrong.
    assertThat(severe()).allMatch(m -> m.contains("401"));
  }

  // ---- the fleet ----

  /**
   * Three agents heartbeat; their group rotated one node at a time over the last 40 minutes, with
   * increasing fencing tokens, and one rotation failed.
   */
  private void simulateFleet() {
    Instant now = clock.instant();
    clock.set(now.minusSeconds(15));
    heartbeatAll();
    clock.set(now);
    heartbeatAll();
    List<RotationEvent> batch = new ArrayList<>();
    Instant start = now.minus(Duration.ofMinutes(40));
    for (int i = 0; i < 8; i++) {
      String node = NODES.get(i % NODES.size());
      Instant began = start.plus(Duration.ofMinutes(5L * i));
      Duration took = Duration.ofSeconds(30 + 20L * (i % 3));
      Result result = i == 4 ? Result.FAILED : Result.SUCCESS;
      batch.add(event(node, GROUP, began, took, result, 101 + i));
    }
    // A second group (its agents send no heartbeats here) where two rotations overlapped.
    Duration twoMinutes = Duration.ofMinutes(2);
    batch.add(
        event(
            "batch-1", BATCH, now.minus(Duration.ofMinutes(30)), twoMinutes, Result.SUCCESS, 501));
    batch.add(
        event(
            "batch-2", BATCH, now.minus(Duration.ofMinutes(29)), twoMinutes, Result.SUCCESS, 502));
    batch.add(
        event(
            "batch-2", BATCH, now.minus(Duration.ofMinutes(20)), twoMinutes, Result.SUCCESS, 503));
    batch.add(
        event(
            "batch-1", BATCH, now.minus(Duration.ofMinutes(12)), twoMinutes, Result.SUCCESS, 504));
    post(batch);
  }

  private void post(List<RotationEvent> batch) {
    Http.Response ack = http.post("/api/v1/events", AGENT, Wire.eventsJson(batch));
    assertThat(ack.status()).as(ack.toString()).isEqualTo(200);
    events.addAll(batch);
  }

  private List<RotationEvent> events(String group) {
    return events.stream().filter(e -> e.group().equals(group)).toList();
  }

  private void heartbeatAll() {
    for (int i = 0; i < NODES.size(); i++) {
      Http.Response r =
          http.post(
              "/api/v1/heartbeats",
              AGENT,
              Wire.heartbeatJson(NODES.get(i), clock.instant(), DISK[i]));
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
    }
  }

  private static RotationEvent event(
      String node, String group, Instant began, Duration took, Result result, long token) {
    boolean failed = result == Result.FAILED;
    return new RotationEvent(
        ProtocolVersion.CURRENT,
        UUID.randomUUID(),
        node,
        group,
        "/var/log/mcp/server.log",
        Trigger.SIZE,
        began,
        began.plus(took),
        result,
        failed ? FailureReason.REOPEN_FAILED : null,
        failed ? "kill -HUP 4242: no such process" : null,
        180_000_000L,
        failed ? 0 : 21_000_000L,
        "zstd",
        "hazelcast",
        250L * (token % 4),
        token);
  }

  private JsonArray commandsOnNextHeartbeat(String node) {
    Http.Response r =
        http.post(
            "/api/v1/heartbeats",
            AGENT,
            Wire.heartbeatJson(node, clock.instant(), DISK[NODES.indexOf(node)]));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json().getJsonArray("commands");
  }

  // ---- the browser ----

  private void openDashboard() {
    driver.get(base + "#token=" + ADMIN);
    await()
        .atMost(WAIT)
        .until(() -> driver.findElements(By.cssSelector("#node-rows tr")).size() == NODES.size());
    await()
        .atMost(WAIT)
        .until(
            () -> driver.findElement(By.tagName("body")).getDomAttribute("data-refresh-count"),
            c -> c != null);
    assertThat(driver.findElement(By.id("message")).isDisplayed()).as("API error banner").isFalse();
  }

  private List<WebElement> bars(String group) {
    return driver.findElements(
        By.cssSelector(".timeline-group[data-group='" + group + "'] .timeline-bar"));
  }

  private List<String> rows() {
    return driver.findElements(By.cssSelector("#node-rows tr")).stream()
        .map(r -> r.getDomAttribute("data-node-id"))
        .collect(Collectors.toList());
  }

  private WebElement row(String node) {
    return driver.findElement(By.cssSelector("#node-rows tr[data-node-id='" + node + "']"));
  }

  private void screenshot(String name) throws IOException {
    File shot = driver.getScreenshotAs(OutputType.FILE);
    Files.createDirectories(TARGET);
    Files.copy(shot.toPath(), TARGET.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    System.out.println("DashboardBrowserTest: screenshot " + TARGET.resolve(name).toAbsolutePath());
  }

  private List<String> severe() {
    List<String> out = new ArrayList<>();
    for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
      System.out.println("browser console: " + e.getLevel() + " " + e.getMessage());
      if (e.getLevel().intValue() >= Level.SEVERE.intValue()) {
        out.add(e.getMessage());
      }
    }
    return out;
  }

  private void assertNoConsoleErrors() {
    assertThat(severe()).as("browser console errors").isEmpty();
  }

  private ChromeDriver startChromium() throws IOException {
    // Selenium Manager is skipped when the driver path is given; SE_OFFLINE keeps it off the
    // network should it ever run (Selenium passes SE_* system properties to it).
    System.setProperty("SE_OFFLINE", "true");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1400,1500",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--lang=en-US");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
    Files.createDirectories(TARGET);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .withLogFile(TARGET.resolve("dashboard-chromedriver.log").toFile())
            .build();
    ChromeDriver d = new ChromeDriver(service, options);
    d.manage().timeouts().pageLoadTimeout(WAIT);
    return d;
  }

  /** Why the browser cannot run, or null; under CI=true a missing browser fails instead. */
  private static String missingBrowser() {
    List<String> missing = new ArrayList<>();
    if (!Files.isExecutable(CHROMIUM)) {
      missing.add(CHROMIUM + " (Debian package chromium)");
    }
    if (!Files.isExecutable(CHROMEDRIVER)) {
      missing.add(CHROMEDRIVER + " (Debian package chromium-driver)");
    }
    if (missing.isEmpty()) {
      return null;
    }
    String why =
        "DashboardBrowserTest needs "
            + String.join(" and ", missing)
            + "; install them with: apt-get install -y chromium chromium-driver";
    if ("true".equals(System.getenv("CI"))) {
      Assertions.fail(why + " (CI=true, where .ci/run installs them, so this is a failure)");
    }
    System.out.println("SKIPPED " + why);
    return why;
  }

  private static java.util.logging.Logger quietCdpWarnings() {
    java.util.logging.Logger logger =
        java.util.logging.Logger.getLogger("org.openqa.selenium.devtools");
    logger.setLevel(Level.SEVERE);
    return logger;
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
