package io.fleetrotate.chaos.fleet;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * The bearer tokens of one fleet, random per run.
 *
 * @param admin may read the coordinator's API and send commands
 * @param agent may post heartbeats and events
 */
public record FleetTokens(String admin, String agent) {
  private static final SecureRandom RANDOM = new SecureRandom();

  public static FleetTokens random() {
    return new FleetTokens("adm-" + randomText(), "agt-" + randomText());
  }

  /** 32 URL-safe characters (192 random bits). */
  private static String randomText() {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  @Override
  public String toString() {
    return "FleetTokens[admin=***, agent=***]";
  }
}
