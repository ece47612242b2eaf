package io.fleetrotate.chaos.mcp;

import java.time.Instant;
import java.util.Random;

/**
 * Realistic JSON log lines of an MCP server: requests by method (mostly {@code tools/call}),
 * sessions that come and go, durations with a long tail, warnings, and now and then an error with a
 * stack-like message. Every line carries {@code seq}, one more than the line before.
 */
final class McpLogLines {
  private static final String[] TOOLS = {
    "read_file",
    "write_file",
    "search_code",
    "query_db",
    "fetch_url",
    "run_tests",
    "list_dir",
    "git_diff"
  };
  private static final String[] RESOURCES = {
    "file:///srv/repo/README.md",
    "file:///srv/repo/src/main.py",
    "db://analytics/orders",
    "https://docs.example.com/api",
    "file:///srv/repo/pyproject.toml"
  };
  private static final String[] PROMPTS = {"code_review", "summarize_diff", "explain_error"};
  private static final String[] CLIENTS = {"claude-desktop", "cursor", "vscode-mcp", "cli"};
  private static final String[] ERRORS = {
    "java.io.UncheckedIOException: Connection reset by peer\\n\\tat"
        + " io.mcp.server.tools.QueryDb.execute(QueryDb.java:88)\\n\\tat"
        + " io.mcp.server.ToolRouter.call(ToolRouter.java:142)\\n\\tat"
        + " io.mcp.server.transport.StreamableHttp.handle(StreamableHttp.java:301)",
    "java.util.concurrent.TimeoutException: upstream did not answer within 30000 ms\\n\\tat"
        + " io.mcp.server.tools.FetchUrl.get(FetchUrl.java:57)\\n\\tat"
        + " io.mcp.server.ToolRouter.call(ToolRouter.java:142)",
    "java.nio.file.NoSuchFileException: /srv/repo/src/missing.py\\n\\tat"
        + " sun.nio.fs.UnixException.translateToIOException(UnixException.java:92)\\n\\tat"
        + " io.mcp.server.resources.FileResource.read(FileResource.java:40)",
    "java.lang.IllegalArgumentException: params.arguments.query: must not be blank\\n\\tat"
        + " io.mcp.server.schema.Validator.check(Validator.java:211)"
  };

  private final Random random;
  private final String[] sessions = new String[8];
  private long seq;
  private long requestId;

  McpLogLines(long seed) {
    this.random = new Random(seed);
    for (int i = 0; i < sessions.length; i++) {
      sessions[i] = newSession();
    }
  }

  /** The sequence number of the last line made. */
  long seq() {
    return seq;
  }

  /** Appends the next line (with its newline), stamped with {@code now}, to {@code out}. */
  void next(Instant now, StringBuilder out) {
    seq++;
    int s = random.nextInt(sessions.length);
    if (random.nextInt(500) == 0) {
      sessions[s] = newSession(); // a client went away, another connected
      line(out, now, "INFO", sessions[s], "initialize", null)
          .append(",\"client\":\"")
          .append(CLIENTS[random.nextInt(CLIENTS.length)])
          .append("\",\"protocolVersion\":\"2025-06-18\",\"message\":\"session started\"}\n");
      return;
    }
    int pick = random.nextInt(100);
    String method;
    String target;
    if (pick < 55) {
      method = "tools/call";
      target = "\"tool\":\"" + TOOLS[random.nextInt(TOOLS.length)] + "\"";
    } else if (pick < 75) {
      method = "resources/read";
      target = "\"uri\":\"" + RESOURCES[random.nextInt(RESOURCES.length)] + "\"";
    } else if (pick < 83) {
      method = "tools/list";
      target = null;
    } else if (pick < 88) {
      method = "prompts/get";
      target = "\"prompt\":\"" + PROMPTS[random.nextInt(PROMPTS.length)] + "\"";
    } else if (pick < 93) {
      method = "resources/list";
      target = null;
    } else if (pick < 98) {
      method = "notifications/progress";
      target = "\"progress\":" + random.nextInt(101);
    } else {
      method = "ping";
      target = null;
    }
    double durationMs = Math.round(Math.exp(random.nextGaussian() * 1.1 + 2.5) * 100) / 100.0;
    int roll = random.nextInt(1000);
    String level = roll < 15 ? "ERROR" : roll < 60 ? "WARN" : roll < 300 ? "DEBUG" : "INFO";
    line(out, now, level, sessions[s], method, target);
    out.append(",\"id\":").append(++requestId).append(",\"duration_ms\":").append(durationMs);
    switch (level) {
      case "ERROR" ->
          out.append(",\"status\":\"error\",\"error\":{\"code\":-32603,\"message\":\"")
              .append(ERRORS[random.nextInt(ERRORS.length)])
              .append("\"}}\n");
      case "WARN" ->
          out.append(",\"status\":\"ok\",\"message\":\"")
              .append(durationMs > 40 ? "slow request" : "retrying after a transient failure")
              .append("\"}\n");
      default -> out.append(",\"status\":\"ok\"}\n");
    }
  }

  private StringBuilder line(
      StringBuilder out, Instant now, String level, String session, String method, String target) {
    out.append("{\"ts\":\"")
        .append(now)
        .append("\",\"seq\":")
        .append(seq)
        .append(",\"level\":\"")
        .append(level)
        .append("\",\"logger\":\"mcp.server\",\"session\":\"")
        .append(session)
        .append("\",\"method\":\"")
        .append(method)
        .append('"');
    if (target != null) {
      out.append(',').append(target);
    }
    return out;
  }

  private String newSession() {
    return "sess-" + Long.toHexString(random.nextLong() & 0xffffffffffffL);
  }
}
