-- Tries to take a lease for ARGV[1] (token); enqueues it on the first try that cannot.
-- ARGV: token, maxConcurrent, priority (the disk used ratio), the QueueOrder boost window ms,
--       waiter entry ttl ms, '1' on the caller's first try (it cannot have been granted or
--       enqueued yet)
-- Returns {1, fencing token} when granted, else {0, ms until the first holder expires, or -1}.
local token, max = ARGV[1], tonumber(ARGV[2])
local priority, boostWindowMs = tonumber(ARGV[3]), tonumber(ARGV[4])
local waiterTtlMs, first = tonumber(ARGV[5]), ARGV[6] == '1'

if not first then
  -- Granted by a release while waiting (its message may be lost): the lease counts from now.
  local granted = redis.call('HGET', grants, token)
  if granted then
    local expiry = redis.call('ZSCORE', holders, token)
    clock()
    if expiry and tonumber(expiry) > nowMs then
      redis.call('ZADD', holders, nowMs + ttlOf(token), token)
      return {1, tonumber(granted)}
    end
  end
end

-- The fast path: a free place and nobody waiting. Expired entries only matter when they block.
local held = redis.call('ZCARD', holders)
if held >= max then
  held = purgeHolders()
end
local queued = redis.call('ZCARD', queue)
if queued > 0 then
  queued = purgeWaiters()
end
if held < max and queued == 0 then
  return {1, grant(token)}
end

clock()
redis.call('ZADD', queue, 'NX', nowUs - (nowMs - score(nowMs, priority, boostWindowMs)) * 1000, token)
redis.call('ZADD', waiting, nowMs + waiterTtlMs, token)
if held < max then
  -- Free places but others queued (their release message in flight, or a holder just expired):
  -- the best scores take them, maybe us.
  promote(max)
  local granted = redis.call('HGET', grants, token)
  if granted then
    return {1, tonumber(granted)}
  end
end
local firstHolder = redis.call('ZRANGE', holders, 0, 0, 'WITHSCORES')
if #firstHolder == 0 then
  return {0, -1}
end
return {0, tonumber(firstHolder[2]) - nowMs}
