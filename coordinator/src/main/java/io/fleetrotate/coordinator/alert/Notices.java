package io.fleetrotate.coordinator.alert;

import io.vertx.core.json.JsonObject;

/** The JSON shape of alerts and notices, shared by the API, the log line and the webhooks. */
public final class Notices {
  private Notices() {}

  public static JsonObject json(Alert a) {
    JsonObject j =
        new JsonObject()
            .put("rule", a.key().rule())
            .put("node", a.key().node())
            .put("severity", a.severity().wireName())
            .put("summary", a.summary())
            .put("value", finite(a.value()))
            .put("threshold", finite(a.threshold()))
            .put("since", a.since().toString());
    if (!a.key().subject().isEmpty()) {
      j.put("subject", a.key().subject());
    }
    return j;
  }

  public static JsonObject json(Notice n) {
    return json(n.alert()).put("kind", n.kind().wireName()).put("at", n.at().toString());
  }

  private static double finite(double d) {
    return Double.isFinite(d) ? d : 0;
  }
}
