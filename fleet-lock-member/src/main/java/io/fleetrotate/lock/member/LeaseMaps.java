package io.fleetrotate.lock.member;

import com.hazelcast.config.ClassFilter;
import com.hazelcast.config.Config;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.RingbufferConfig;

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

  /**
   * The name prefix of the grant inboxes: one ringbuffer per lock client and group, named {@link
   * #inbox}, to which a {@link Release} that grants one of the client's waiters appends the grant,
   * where the client has a read parked; the member answers that read from the releasing operation.
   */
  public static final String INBOX_PREFIX = "fleetrotate-grants-";

  /** The configuration every inbox uses (a pattern over {@link #INBOX_PREFIX}). */
  private static final String INBOX_PATTERN = INBOX_PREFIX + "*";

  /** How many grants an inbox keeps; a reader that falls further behind learns from events. */
  public static final int INBOX_CAPACITY = 16;

  private LeaseMaps() {}

  /**
   * The inbox of the client that sent {@code owner} (the part before its first {@code /}) for
   * {@code group}: {@code fleetrotate-grants-<client>@<group>}, so that it lives in the partition
   * of the group's entry (Hazelcast places a name with {@code @} by the part after it), and a
   * release hands the grant to the parked read on the same partition thread.
   *
   * @return the name, or null when {@code owner} names no client (no {@code /})
   */
  public static String inbox(String owner, String group) {
    int slash = owner.indexOf('/');
    if (slash <= 0) {
      return null;
    }
    return INBOX_PREFIX + owner.substring(0, slash) + "@" + group;
  }

  /**
   * The configuration of the inboxes: a few slots (a grant is read within milliseconds, or the
   * client learns it from the entry event), no backup (the table is the record; an inbox only
   * hastens the news), items gone after a minute.
   */
  public static RingbufferConfig inboxConfig() {
    return new RingbufferConfig(INBOX_PATTERN)
        .setCapacity(INBOX_CAPACITY)
        .setBackupCount(0)
        .setAsyncBackupCount(0)
        .setTimeToLiveSeconds(60);
  }

  /** An inbox's item: the grant of {@code token} to {@code owner}. */
  public static String grantItem(String owner, long token) {
    return token + " " + owner;
  }

  /** The owner id of an inbox item, or null when it is not one. */
  public static String grantOwner(String item) {
    int space = item.indexOf(' ');
    return space < 0 ? null : item.substring(space + 1);
  }

  /** The token of an inbox item, or 0 when it is not one. */
  public static long grantToken(String item) {
    int space = item.indexOf(' ');
    try {
      return space < 0 ? 0 : Long.parseLong(item, 0, space, 10);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** Whether {@code config}, as a member resolves an inbox's name, is {@link #inboxConfig()}. */
  static boolean isInboxConfig(RingbufferConfig config) {
    return config != null
        && INBOX_PATTERN.equals(config.getName())
        && config.getCapacity() == INBOX_CAPACITY;
  }

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
   * Adds {@link #mapConfig()}, {@link #inboxConfig()} and {@link #serializationFilter()} to a
   * member's configuration; call before starting the member. (A lock client also adds the inbox
   * configuration when it connects, as dynamic configuration; without it no inbox is used.)
   */
  public static Config configure(Config config) {
    config.getSerializationConfig().setJavaSerializationFilterConfig(serializationFilter());
    config.addRingBufferConfig(inboxConfig());
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
