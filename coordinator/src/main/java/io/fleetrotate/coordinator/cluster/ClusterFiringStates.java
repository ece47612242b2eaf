package io.fleetrotate.coordinator.cluster;

import com.hazelcast.map.IMap;
import io.fleetrotate.coordinator.alert.Alert;
import io.fleetrotate.coordinator.alert.AlertKey;
import io.fleetrotate.coordinator.alert.Firing;
import io.fleetrotate.coordinator.alert.FiringStates;
import io.fleetrotate.coordinator.alert.Severity;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The firing alerts of the cluster in one replicated IMap (backup count 1), so that a new leader
 * knows what the old one notified and every member serves the same alerts. Keys and values are JSON
 * strings (nothing for the member's serialization filter to let through); a value is written by one
 * encoder only, so the map's compare-and-set on the serialized string compares the state.
 */
public final class ClusterFiringStates implements FiringStates {
  private static final Logger log = LoggerFactory.getLogger(ClusterFiringStates.class);

  private final IMap<String, String> map;

  public ClusterFiringStates(ClusterMember member) {
    this.map = member.hazelcast().getMap(ClusterMember.ALERTS_MAP);
  }

  @Override
  public Map<AlertKey, Firing> all() {
    Map<AlertKey, Firing> out = new HashMap<>();
    map.forEach(
        (key, value) -> {
          try {
            Firing f = decode(value);
            out.put(f.alert().key(), f);
          } catch (DecodeException | IllegalArgumentException | NullPointerException e) {
            log.warn("skipping an unreadable alert state in the cluster: {}", e.toString());
          }
        });
    return out;
  }

  @Override
  public boolean fire(Firing firing) {
    return map.putIfAbsent(key(firing), encode(firing)) == null;
  }

  @Override
  public boolean replace(Firing held, Firing next) {
    return map.replace(key(held), encode(held), encode(next));
  }

  @Override
  public boolean resolve(Firing held) {
    return map.remove(key(held), encode(held));
  }

  private static String key(Firing f) {
    AlertKey k = f.alert().key();
    return new JsonArray().add(k.rule()).add(k.node()).add(k.subject()).encode();
  }

  private static String encode(Firing f) {
    Alert a = f.alert();
    return new JsonObject()
        .put("rule", a.key().rule())
        .put("node", a.key().node())
        .put("subject", a.key().subject())
        .put("severity", a.severity().name())
        .put("summary", a.summary())
        .put("value", a.value())
        .put("threshold", a.threshold())
        .put("since", a.since().toString())
        .put("lastNotified", f.lastNotified().toString())
        .encode();
  }

  private static Firing decode(String json) {
    JsonObject j = new JsonObject(json);
    Alert a =
        new Alert(
            new AlertKey(j.getString("rule"), j.getString("node"), j.getString("subject")),
            Severity.valueOf(j.getString("severity")),
            j.getString("summary"),
            j.getDouble("value"),
            j.getDouble("threshold"),
            Instant.parse(j.getString("since")));
    return new Firing(a, Instant.parse(j.getString("lastNotified")));
  }
}
