package io.fleetrotate.proto;

import java.util.List;
import java.util.UUID;

/**
 * The coordinator's acknowledgement of a batch of rotation events: the ids it has stored (or had
 * already stored), and the events it refused, each with why. The agent deletes exactly the accepted
 * ones from its outbox; a rejected one will never be accepted as it is.
 *
 * @param accepted at most 10,000 event ids
 * @param rejected at most 10,000 refused events; empty when every event was stored
 */
public record EventAck(List<UUID> accepted, List<Rejection> rejected) {
  public EventAck {
    accepted = Rules.list("accepted", accepted, WireLimits.MAX_EVENTS_PER_BATCH);
    rejected = Rules.list("rejected", rejected, WireLimits.MAX_EVENTS_PER_BATCH);
  }

  /** An acknowledgement that refused nothing. */
  public EventAck(List<UUID> accepted) {
    this(accepted, List.of());
  }

  /**
   * One refused event of a batch.
   *
   * @param index its position in the batch, from 0
   * @param eventId its id, or null when the id itself is unreadable
   * @param path the JSON path of the bad field, such as {@code $[3].startedAt}
   * @param rule what is wrong and what is allowed, such as {@code must be between 1970 and 9999}
   */
  public record Rejection(int index, UUID eventId, String path, String rule) {
    public Rejection {
      Rules.nonNegative("index", index);
      Rules.text("path", path, WireLimits.MAX_PATH_LENGTH);
      Rules.optionalMessage("rule", rule, WireLimits.MAX_MESSAGE_LENGTH);
      Rules.required("rule", rule);
    }

    /** {@code path: rule}, the way a {@link WireFormatException} reads. */
    public String message() {
      return path + ": " + rule;
    }
  }
}
