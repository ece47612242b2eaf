-- Shared head of the fleet-lock scripts (RedisScripts prepends it to each body).
--
-- KEYS, all of one group, so one hash tag puts them in one Cluster slot:
--   1 holders  ZSET token -> expiry, ms on the server clock
--   2 grants   HASH token -> fencing token of that grant
--   3 queue    ZSET token -> QueueOrder score, us (arrival - priority x boost window)
--   4 waiting  ZSET token -> expiry of the waiter's entry, ms (each try refreshes it)
--   5 fence    STRING, the last fencing token granted (never expires)
-- A token is "<lease ttl ms>:<client id>:<sequence>": unique per grant, and it tells a
-- promoting script how long the waiter asked its lease to last.
local holders, grants, queue, waiting, fence = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local time = redis.call('TIME')
local nowMs = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local nowUs = tonumber(time[1]) * 1000000 + tonumber(time[2])

local function digits(n)
  return string.format('%.0f', n)
end

-- Drops holders past their expiry and waiters that stopped refreshing their entry.
local function purge()
  local dead = redis.call('ZRANGEBYSCORE', holders, '-inf', nowMs, 'LIMIT', 0, 1000)
  if #dead > 0 then
    redis.call('ZREM', holders, unpack(dead))
    redis.call('HDEL', grants, unpack(dead))
  end
  local gone = redis.call('ZRANGEBYSCORE', waiting, '-inf', nowMs, 'LIMIT', 0, 1000)
  if #gone > 0 then
    redis.call('ZREM', waiting, unpack(gone))
    redis.call('ZREM', queue, unpack(gone))
  end
end

-- The next fencing token: one more than the last, and never below the server's clock in us, so
-- tokens keep increasing even after a restart or failover lost the counter.
local function grant(token)
  local ttlMs = tonumber(string.match(token, '^(%d+):'))
  local f = redis.call('INCR', fence)
  if f < nowUs then
    f = nowUs
    redis.call('SET', fence, digits(f))
  end
  redis.call('ZADD', holders, nowMs + ttlMs, token)
  redis.call('HSET', grants, token, digits(f))
  return f
end

-- Grants free places to the first waiters of the queue and tells them on the channel
-- ("token=fence ..."), so that a hand-off costs no further round trip.
local function promote(max, channel)
  local free = max - redis.call('ZCARD', holders)
  if free <= 0 then
    return
  end
  local first = redis.call('ZRANGE', queue, 0, free - 1)
  if #first == 0 then
    return
  end
  local told = {}
  for _, t in ipairs(first) do
    redis.call('ZREM', queue, t)
    redis.call('ZREM', waiting, t)
    told[#told + 1] = t .. '=' .. digits(grant(t))
  end
  redis.call('PUBLISH', channel, table.concat(told, ' '))
end
