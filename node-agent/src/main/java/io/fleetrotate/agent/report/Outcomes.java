package io.fleetrotate.agent.report;

/**
 * Names an answer of the coordinator for metrics ({@code outcome} tag) and says it in one sentence
 * for logs and {@code status}.
 */
final class Outcomes {
  private Outcomes() {}

  static String of(int status) {
    return switch (status) {
      case 200 -> "ok";
      case 400 -> "invalid";
      case 401, 403 -> "unauthorized";
      case 413 -> "too_large";
      case 429 -> "rate_limited";
      default -> status >= 500 ? "server_error" : "http_error";
    };
  }

  /** What went wrong with a request to {@code url}, and for a user error what to do about it. */
  static String describe(String url, String what, CoordinatorResponse r) {
    return switch (r.status()) {
      case 401, 403 ->
          "the coordinator at "
              + url
              + " refused the agent's token (HTTP "
              + r.status()
              + ") for "
              + what
              + "; set coordinator.token to one of the coordinator's auth.agentTokens";
      case 404 ->
          "the coordinator at "
              + url
              + " does not serve "
              + what
              + " (HTTP 404); check that coordinator.url is the coordinator's base URL";
      case 429 -> "the coordinator at " + url + " asked the agent to slow down (HTTP 429)";
      default ->
          "the coordinator at "
              + url
              + " answered HTTP "
              + r.status()
              + " to "
              + what
              + ": "
              + r.error();
    };
  }
}
