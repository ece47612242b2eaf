package io.fleetrotate.proto;

import java.util.List;
import java.util.UUID;

/**
 * The coordinator's acknowledgement of a batch of rotation events: the ids it has stored (or had
 * already stored). The agent deletes exactly these from its outbox and resends the rest.
 *
 * @param accepted at most 10,000 event ids
 */
public record EventAck(List<UUID> accepted) {
  public EventAck {
    accepted = Rules.list("accepted", accepted, WireLimits.MAX_EVENTS_PER_BATCH);
  }
}
