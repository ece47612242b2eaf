package io.fleetrotate.lock.member;

import com.hazelcast.config.ClassFilter;
import com.hazelcast.config.Config;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.MapConfig;

/**
 * Where the lease state lives on a Hazelcast cluster, and the map configuration a member that hosts
 * it should use.
 *
 * <p>A member needs nothing but this jar on its classpath for agents to take leases (the defaults
 * of an IMap suit: one synchronous backup, no expiry, no eviction). {@link #configure} adds what
 * makes a split brain milder: the {@link LeaseMergePolicy}, which keeps the higher fencing counter
 * and both sides' grants when the halves merge.
 */
public final class LeaseMaps {

  /** One entry per rotation group: key the group name, value its {@link LeaseTable}. */
  public static final String LEASES = "fleetrotate-leases";

  private LeaseMaps() {}

  /**
   * The configuration of {@link #LEASES}: one synchronous backup, so the loss of one member keeps
   * every grant and counter; never evicted nor expired, since the entry carries the fencing counter
   * (grants expire inside the table, on the member's clock); BINARY, so a processor always works on
   * its own copy; {@link LeaseMergePolicy} on merge.
   */
  public static MapConfig mapConfig() {
    MapConfig m = new MapConfig(LEASES);
    m.setBackupCount(1);
    m.setAsyncBackupCount(0);
    m.setTimeToLiveSeconds(0);
    m.setMaxIdleSeconds(0);
    m.setInMemoryFormat(InMemoryFormat.BINARY);
    m.getEvictionConfig().setEvictionPolicy(EvictionPolicy.NONE);
    m.getMergePolicyConfig().setPolicy(LeaseMergePolicy.class.getName());
    return m;
  }

  /**
   * Adds {@link #mapConfig()} and {@link #serializationFilter()} to a member's configuration; call
   * before starting the member.
   */
  public static Config configure(Config config) {
    config.getSerializationConfig().setJavaSerializationFilterConfig(serializationFilter());
    return config.addMapConfig(mapConfig());
  }

  /**
   * The only classes a member or a lock client deserializes from Java serialization: the lease
   * processors, their requests and answers, the table and what it holds. Any other class sent to
   * the member (a deserialization gadget, a processor of the sender's own) is refused before it is
   * instantiated. Hazelcast's own default allow-list ({@code java*}, {@code javax.}, {@code
   * com.hazelcast.}) is replaced by a narrower one: it lets through JDK packages that gadget chains
   * are built from.
   */
  public static JavaSerializationFilterConfig serializationFilter() {
    ClassFilter allowed =
        new ClassFilter()
            .addClasses(
                AcquireOutcome.class.getName(),
                AcquireRequest.class.getName(),
                LeaseTable.class.getName(),
                LeaseTable.Holder.class.getName(),
                LeaseTable.Waiter.class.getName(),
                LeaseProcessor.class.getName(),
                TryAcquire.class.getName(),
                Renew.class.getName(),
                Release.class.getName(),
                RaiseFence.class.getName(),
                StoreState.class.getName(),
                LeaseMergePolicy.class.getName(),
                ConcernsClient.class.getName(),
                // LeaseTable's holders and waiters.
                java.util.HashMap.class.getName(),
                java.util.LinkedHashMap.class.getName())
            // What members send each other in answers: Hazelcast's own exceptions (a partition
            // migrating, a member leaving) with their causes, stack traces and suppressed lists.
            // Refusing them broke a member that rejoined while partitions migrated. No class
            // outside these packages gets through, so the known JDK gadget sinks (javax.*, sun.*,
            // com.sun.*, java.net.URL, ...) and every third-party class stay refused.
            .addPrefixes("com.hazelcast.", "java.lang.", "java.util.", "java.io.", "[");
    // Within those: what no answer needs and deserialization attacks use (lambdas rebuilt from
    // their serialized form, reflection proxies).
    ClassFilter refused = new ClassFilter().addPrefixes("java.lang.invoke.", "java.lang.reflect.");
    return new JavaSerializationFilterConfig()
        .setDefaultsDisabled(true)
        .setWhitelist(allowed)
        .setBlacklist(refused);
  }
}
