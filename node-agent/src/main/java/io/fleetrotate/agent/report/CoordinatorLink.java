package io.fleetrotate.agent.report;

import io.fleetrotate.proto.WireCodec;
import io.fleetrotate.proto.WireFormatException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;

/**
 * The coordinator as the heartbeat sender and the outbox's sender both reach it: the HTTP client,
 * the wire codec, the timeouts and limits, and where each answer is counted and remembered.
 */
record CoordinatorLink(
    CoordinatorClient client,
    WireCodec codec,
    ReportSettings settings,
    ReportMetrics metrics,
    LastReports last) {

  /**
   * The sentence for a request that got no answer: {@code cannot reach the coordinator at URL
   * (why)}.
   */
  String unreachable(IOException e) {
    return "cannot reach the coordinator at " + client.url() + " (" + describe(e) + ")";
  }

  /**
   * The sentence for an answer that does not parse; {@code answered} says to what, and what it was.
   */
  String unreadable(String answered, WireFormatException e) {
    return "the coordinator at "
        + client.url()
        + " answered "
        + answered
        + " ("
        + e.getMessage()
        + ")";
  }

  /** Why a request got no answer, in a few words. */
  static String describe(IOException e) {
    if (e instanceof HttpConnectTimeoutException) {
      return "connection timed out";
    }
    if (e instanceof HttpTimeoutException) {
      return "no answer in time";
    }
    if (e instanceof ConnectException) {
      return "connection refused";
    }
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }
}
