package io.fleetrotate.coordinator.api;

import io.fleetrotate.coordinator.config.CoordinatorConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The bearer tokens the API accepts, by scope, and the nodes each agent token may speak for. Tokens
 * are compared as SHA-256 digests with {@link MessageDigest#isEqual}, so neither their content nor
 * their length leaks through timing; every configured token is compared, so neither does which one
 * matched.
 */
final class Tokens {
  /** Narrowest first: when one value is configured in two scopes, the wider one is taken. */
  enum Scope {
    /** May read /metrics only. */
    SCRAPE,
    /** May read the API and use the MCP endpoint's read-only tools. */
    VIEWER,
    AGENT,
    ADMIN
  }

  /**
   * Who presented a token: its scope and, for an agent token bound to nodes, which node ids it may
   * use (any, when {@code nodes} is empty).
   */
  record Caller(Scope scope, List<Pattern> nodes) {
    static final String KEY = "fleetrotate.caller";

    boolean mayActFor(String nodeId) {
      if (nodes.isEmpty()) {
        return true;
      }
      for (Pattern p : nodes) {
        if (p.matcher(nodeId).matches()) {
          return true;
        }
      }
      return false;
    }
  }

  private record Entry(byte[] digest, Caller caller) {}

  private final List<Entry> entries = new ArrayList<>();

  Tokens(CoordinatorConfig.Auth auth) {
    for (String token : auth.agentTokens()) {
      List<Pattern> nodes =
          auth.agentNodes().getOrDefault(token, List.of()).stream().map(Tokens::glob).toList();
      entries.add(new Entry(digest(token), new Caller(Scope.AGENT, nodes)));
    }
    for (String token : auth.adminTokens()) {
      entries.add(new Entry(digest(token), new Caller(Scope.ADMIN, List.of())));
    }
    for (String token : auth.viewerTokens()) {
      entries.add(new Entry(digest(token), new Caller(Scope.VIEWER, List.of())));
    }
    for (String token : auth.scrapeTokens()) {
      entries.add(new Entry(digest(token), new Caller(Scope.SCRAPE, List.of())));
    }
  }

  /** Who presented the token in an {@code Authorization: Bearer} header, or null if nobody. */
  Caller callerOf(String authorization) {
    if (authorization == null || authorization.length() < 8) {
      return null;
    }
    if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    byte[] presented = digest(authorization.substring(7).trim());
    Caller match = null;
    for (Entry e : entries) {
      boolean equal = MessageDigest.isEqual(e.digest(), presented);
      // The widest scope wins when one value is configured twice (the config refuses that).
      if (equal && (match == null || e.caller().scope().ordinal() > match.scope().ordinal())) {
        match = e.caller();
      }
    }
    return match;
  }

  /** A node id pattern: {@code *} matches any characters, everything else itself. */
  static Pattern glob(String pattern) {
    StringBuilder regex = new StringBuilder();
    for (String part : pattern.split("\\*", -1)) {
      if (regex.length() > 0) {
        regex.append(".*");
      }
      regex.append(Pattern.quote(part));
    }
    return Pattern.compile(regex.toString(), Pattern.DOTALL);
  }

  private static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
