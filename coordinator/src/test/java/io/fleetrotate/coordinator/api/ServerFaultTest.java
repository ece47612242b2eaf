package io.fleetrotate.coordinator.api;

import static io.fleetrotate.coordinator.Http.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.fleetrotate.config.advice.AdvicePolicy;
import io.fleetrotate.coordinator.Http;
import io.fleetrotate.coordinator.MutableClock;
import io.fleetrotate.coordinator.TestCoordinators;
import io.fleetrotate.coordinator.advice.FleetAdvisor;
import io.fleetrotate.coordinator.advice.FleetGrowth;
import io.fleetrotate.coordinator.alert.AlertEngine;
import io.fleetrotate.coordinator.config.CoordinatorConfig;
import io.fleetrotate.coordinator.fleet.FleetState;
import io.fleetrotate.coordinator.history.SqlHistoryStore;
import io.fleetrotate.coordinator.metrics.CoordinatorMetrics;
import io.fleetrotate.proto.WireCodec;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A fault of the coordinator's own, thrown while the request is still being read (a GET's handler
 * runs before Vert.x sees the end of the request), is a 500 logged once with its stack trace; a
 * client's mistake on the same server stays a 400 with nothing logged.
 */
class ServerFaultTest {
  static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");

  @TempDir Path dir;
  Vertx vertx;
  SqlHistoryStore history;
  Http http;
  ListAppender<ILoggingEvent> logged = new ListAppender<>();
  Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

  @BeforeEach
  void start() throws Exception {
    MutableClock clock = new MutableClock(T0);
    CoordinatorConfig config = TestCoordinators.config(dir);
    FleetState fleet =
        new FleetState(clock, new FleetState.NodeLimits(3, 10, 60, Integer.MAX_VALUE));
    history = SqlHistoryStore.openEmbedded(dir, config.store().retention(), clock);
    ApiDependencies deps =
        new ApiDependencies(
            config,
            fleet,
            history,
            events -> CompletableFuture.completedFuture(List.of()),
            new AlertEngine(
                config.alerts().rules(), config.alerts().cooldown(), fleet, clock, n -> {}),
            new CoordinatorMetrics(fleet),
            new WireCodec(),
            () -> {
              throw new IllegalStateException("the cluster view broke");
            },
            new FleetAdvisor(fleet, new FleetGrowth(), AdvicePolicy.DEFAULTS));
    vertx = Vertx.vertx();
    ApiVerticle api = new ApiVerticle(deps, 0);
    vertx.deployVerticle(api).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    http = new Http(api.actualPort());
    logged.start();
    root.addAppender(logged);
  }

  @AfterEach
  void stop() throws Exception {
    root.detachAppender(logged);
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    history.close();
  }

  @Test
  void aFaultOfTheServerIs500AndLoggedOnce() {
    Http.Response r = http.get("/health", ADMIN);
    assertThat(r.status()).as(r.toString()).isEqualTo(500);
    assertThat(r.json().getString("error"))
        .isEqualTo("internal error; the coordinator logged the details");
    List<ILoggingEvent> errors =
        logged.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR)).toList();
    assertThat(errors).hasSize(1);
    assertThat(errors.get(0).getFormattedMessage()).isEqualTo("bug while serving GET /health");
    assertThat(errors.get(0).getThrowableProxy().getMessage()).isEqualTo("the cluster view broke");
  }

  @Test
  void aClientsMistakeIsStill400AndLogsNothing() {
    Http.Response r = http.get("/api/v1/rotations?limit=many", ADMIN);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().getString("error"))
        .isEqualTo("query parameter limit: write a whole number from 1 to 1000");
    Http.Response format = http.get("/api/v1/rotations/export?format=xml", ADMIN);
    assertThat(format.status()).isEqualTo(400);
    assertThat(format.json().getString("error"))
        .isEqualTo("query parameter format: write csv or json");
    assertThat(logged.list).noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN));
  }
}
