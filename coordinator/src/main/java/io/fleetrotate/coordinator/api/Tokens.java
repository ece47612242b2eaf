package io.fleetrotate.coordinator.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * The bearer tokens the API accepts, by scope. Tokens are compared as SHA-256 digests with {@link
 * MessageDigest#isEqual}, so neither their content nor their length leaks through timing; every
 * configured token is compared, so neither does which one matched.
 */
final class Tokens {
  enum Scope {
    AGENT,
    ADMIN,
    /** May read /metrics only. */
    SCRAPE
  }

  private final List<byte[]> agent;
  private final List<byte[]> admin;
  private final List<byte[]> scrape;

  Tokens(List<String> agentTokens, List<String> adminTokens) {
    this(agentTokens, adminTokens, List.of());
  }

  Tokens(List<String> agentTokens, List<String> adminTokens, List<String> scrapeTokens) {
    this.agent = agentTokens.stream().map(Tokens::digest).toList();
    this.admin = adminTokens.stream().map(Tokens::digest).toList();
    this.scrape = scrapeTokens.stream().map(Tokens::digest).toList();
  }

  /** The scope of the token in an {@code Authorization: Bearer} header, or null if none. */
  Scope scopeOf(String authorization) {
    if (authorization == null || authorization.length() < 8) {
      return null;
    }
    if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    byte[] presented = digest(authorization.substring(7).trim());
    boolean isAgent = matchesAny(agent, presented);
    boolean isAdmin = matchesAny(admin, presented);
    boolean isScrape = matchesAny(scrape, presented);
    return isAdmin ? Scope.ADMIN : isAgent ? Scope.AGENT : isScrape ? Scope.SCRAPE : null;
  }

  private static boolean matchesAny(List<byte[]> tokens, byte[] presented) {
    boolean match = false;
    for (byte[] token : tokens) {
      match |= MessageDigest.isEqual(token, presented);
    }
    return match;
  }

  private static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
