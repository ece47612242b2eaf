package io.fleetrotate.lock.redis;

import io.fleetrotate.lock.LeaseHandle;
import io.fleetrotate.lock.LockUnavailableException;
import java.time.Duration;

/** One grant of a {@link RedisFleetLock}: renew and release are owner-checked by its token. */
final class RedisLeaseHandle implements LeaseHandle {
  private final RedisFleetLock lock;
  private final RedisKeys keys;
  private final String token;
  private final long fencingToken;

  RedisLeaseHandle(RedisFleetLock lock, RedisKeys keys, String token, long fencingToken) {
    this.lock = lock;
    this.keys = keys;
    this.token = token;
    this.fencingToken = fencingToken;
  }

  @Override
  public String group() {
    return keys.group();
  }

  @Override
  public long fencingToken() {
    return fencingToken;
  }

  String token() {
    return token;
  }

  @Override
  public boolean renew(Duration ttl) throws LockUnavailableException {
    return lock.renew(keys, token, ttl);
  }

  @Override
  public void release() {
    lock.release(this);
  }

  RedisKeys keys() {
    return keys;
  }
}
