package io.fleetrotate.agent.report;

import io.fleetrotate.proto.WireCodec;

/**
 * The coordinator as the heartbeat sender and the outbox's sender both reach it: the HTTP client,
 * the wire codec, the timeouts and limits, and where each answer is counted and remembered.
 */
record CoordinatorLink(
    CoordinatorClient client,
    WireCodec codec,
    ReportSettings settings,
    ReportMetrics metrics,
    LastReports last) {}
