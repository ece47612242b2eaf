-- Tries to take a lease for ARGV[1] (token); enqueues it on the first try that cannot.
-- ARGV: token, maxConcurrent, boost ms (priority x boost window), waiter entry ttl ms, channel
-- Returns {1, fencing token} when granted, else {0, ms until the first holder expires or -1}.
local token, max, boostMs = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local waiterTtlMs, channel = tonumber(ARGV[4]), ARGV[5]

-- Granted by a release while waiting (the message may have been lost): the lease counts from now.
local granted = redis.call('HGET', grants, token)
if granted then
  local expiry = redis.call('ZSCORE', holders, token)
  if expiry and tonumber(expiry) > nowMs then
    redis.call('ZADD', holders, nowMs + tonumber(string.match(token, '^(%d+):')), token)
    return {1, tonumber(granted)}
  end
end
purge()
if not redis.call('ZSCORE', queue, token) then
  if redis.call('ZCARD', holders) < max and redis.call('ZCARD', queue) == 0 then
    return {1, grant(token)}
  end
  redis.call('ZADD', queue, nowUs - boostMs * 1000, token)
end
redis.call('ZADD', waiting, nowMs + waiterTtlMs, token)
-- A holder may have expired above: give its place to the head of the queue, maybe us.
promote(max, channel)
granted = redis.call('HGET', grants, token)
if granted then
  return {1, tonumber(granted)}
end
local firstHolder = redis.call('ZRANGE', holders, 0, 0, 'WITHSCORES')
if #firstHolder == 0 then
  return {0, -1}
end
return {0, tonumber(firstHolder[2]) - nowMs}
