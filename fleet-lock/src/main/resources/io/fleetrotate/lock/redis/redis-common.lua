-- Shared head of the fleet-lock scripts (RedisScripts prepends it to each body).
--
-- KEYS, all of one group, so one hash tag puts them in one Cluster slot:
--   1 holders  ZSET token -> expiry, ms on the server clock
--   2 grants   HASH token -> fencing token of each holder
--   3 queue    ZSET token -> QueueOrder score, us (arrival - priority x boost window)
--   4 waiting  ZSET token -> expiry of the waiter's entry, ms (each try pushes it back)
--   5 fence    STRING, the last fencing token granted (never expires)
-- A token is "<lease ttl ms>:<client id>:<sequence>": unique per grant; it tells a promoting
-- script how long the waiter asked its lease to last, and on which channel its client listens.
local holders, grants, queue, waiting, fence = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]

-- The server clock, read once per script and only when needed.
local nowMs, nowUs
local function clock()
  if not nowMs then
    local time = redis.call('TIME')
    nowMs = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
    nowUs = tonumber(time[1]) * 1000000 + tonumber(time[2])
  end
end

-- The queue order's score, ms: the arrival moved earlier by priority x boost window, the priority
-- clamped to [0, 1] (NaN, or nil for what tonumber cannot read, counts as 0), the boost rounded
-- half up. The second implementation of
-- LeaseTable.score (fleet-lock-member), which is the rule; QueueScoreScriptTest compares both.
local function score(arrivalMs, priority, boostWindowMs)
  if not priority or not (priority > 0) then
    priority = 0
  elseif priority > 1 then
    priority = 1
  end
  local boost = priority * boostWindowMs
  local rounded = math.floor(boost)
  if boost - rounded >= 0.5 then
    rounded = rounded + 1
  end
  return arrivalMs - rounded
end

local function digits(n)
  return string.format('%.0f', n)
end

local function ttlOf(token)
  return tonumber(string.match(token, '^(%d+):'))
end

-- Drops the tokens of the sorted set byExpiry whose expiry has passed, from it and, with the
-- command drop ('HDEL' or 'ZREM'), from the key also; returns how many the key left counts.
local function purge(byExpiry, drop, also, left)
  clock()
  local gone = redis.call('ZRANGEBYSCORE', byExpiry, '-inf', nowMs, 'LIMIT', 0, 1000)
  if #gone > 0 then
    redis.call('ZREM', byExpiry, unpack(gone))
    redis.call(drop, also, unpack(gone))
  end
  return redis.call('ZCARD', left)
end

-- Drops holders past their expiry; returns how many are left.
local function purgeHolders()
  return purge(holders, 'HDEL', grants, holders)
end

-- Drops waiters that stopped refreshing their entry; returns how many are left.
local function purgeWaiters()
  return purge(waiting, 'ZREM', queue, queue)
end

-- Adds a holder. Its fencing token is one more than the last, and never below the server clock
-- in us, so tokens keep increasing even after a restart or a failover lost the counter.
local function grant(token)
  clock()
  local f = math.max(tonumber(redis.call('GET', fence) or '0') + 1, nowUs)
  redis.call('SET', fence, digits(f))
  redis.call('ZADD', holders, nowMs + ttlOf(token), token)
  -- Also for a grant answered directly: if that answer is lost, the caller's next try finds it.
  redis.call('HSET', grants, token, digits(f))
  return f
end

-- Grants the free places to the first waiters of the queue and tells each one's client on its own
-- channel, fleetrotate:granted:<client id> ("token=fence"): a hand-off costs no further round trip
-- and wakes nobody else.
local function promote(max)
  local free = max - purgeHolders()
  if free <= 0 or purgeWaiters() == 0 then
    return
  end
  local first = redis.call('ZRANGE', queue, 0, free - 1)
  for _, t in ipairs(first) do
    redis.call('ZREM', queue, t)
    redis.call('ZREM', waiting, t)
    local f = digits(grant(t))
    redis.call('PUBLISH', 'fleetrotate:granted:' .. string.match(t, '^%d+:([^:]+):'), t .. '=' .. f)
  end
end
