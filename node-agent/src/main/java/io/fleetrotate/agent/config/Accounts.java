package io.fleetrotate.agent.config;

import com.sun.jna.Pointer;
import io.fleetrotate.agent.os.LibC;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * Users and groups by name or numeric id. Looked up when a configuration is read, so that an
 * unknown {@code create.owner} is a validation error rather than a failure after a rotation has
 * already moved the log, and again when the file is created.
 */
public interface Accounts {

  /** The uid of a user name or numeric uid; empty when no such user exists. */
  OptionalInt uid(String nameOrId);

  /** The gid of a group name or numeric gid; empty when no such group exists. */
  OptionalInt gid(String nameOrId);

  /** This host's, as {@code getpwnam(3)} and {@code getgrnam(3)} find them (NSS sources count). */
  Accounts HOST = new HostAccounts();
}

/** {@link Accounts#HOST}. */
final class HostAccounts implements Accounts {
  private static final Pattern NUMERIC = Pattern.compile("[0-9]{1,10}");
  // (uid_t) -1 means "leave unchanged" to chown(2), so it is never an id.
  private static final long MAX_ID = 0xFFFF_FFFEL;

  @Override
  public OptionalInt uid(String nameOrId) {
    return lookUp(nameOrId, false);
  }

  @Override
  public OptionalInt gid(String nameOrId) {
    return lookUp(nameOrId, true);
  }

  private static OptionalInt lookUp(String nameOrId, boolean group) {
    if (NUMERIC.matcher(nameOrId).matches()) {
      // Any id is valid to chown(2), whether or not a name is registered for it.
      long id = Long.parseLong(nameOrId);
      return id <= MAX_ID ? OptionalInt.of((int) id) : OptionalInt.empty();
    }
    byte[] name = nameOrId.getBytes(StandardCharsets.UTF_8);
    byte[] cName = Arrays.copyOf(name, name.length + 1);
    synchronized (HostAccounts.class) { // getpwnam and getgrnam return a static buffer
      // struct passwd {char *pw_name; char *pw_passwd; uid_t pw_uid; gid_t pw_gid; ...} and
      // struct group {char *gr_name; char *gr_passwd; gid_t gr_gid; ...}: the id is at byte 16 on
      // every 64-bit Linux.
      Pointer entry = group ? LibC.INSTANCE.getgrnam(cName) : LibC.INSTANCE.getpwnam(cName);
      return entry == null ? OptionalInt.empty() : OptionalInt.of(entry.getInt(16));
    }
  }
}
