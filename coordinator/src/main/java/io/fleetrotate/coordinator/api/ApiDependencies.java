package io.fleetrotate.coordinator.api;

import io.fleetrotate.coordinator.advice.FleetAdvisor;
import io.fleetrotate.coordinator.alert.AlertEngine;
import io.fleetrotate.coordinator.config.CoordinatorConfig;
import io.fleetrotate.coordinator.fleet.FleetState;
import io.fleetrotate.coordinator.history.HistoryStore;
import io.fleetrotate.coordinator.metrics.CoordinatorMetrics;
import io.fleetrotate.proto.WireCodec;
import java.util.function.Supplier;

/**
 * What the HTTP API reads and writes, shared by every instance of {@link ApiVerticle}.
 *
 * @param health extra facts for {@code GET /health}, e.g. the cluster's members
 * @param advisor the growth advisor over the fleet
 */
public record ApiDependencies(
    CoordinatorConfig config,
    FleetState fleet,
    HistoryStore history,
    EventIngest ingest,
    AlertEngine alerts,
    CoordinatorMetrics metrics,
    WireCodec codec,
    Supplier<io.vertx.core.json.JsonObject> health,
    FleetAdvisor advisor) {}
