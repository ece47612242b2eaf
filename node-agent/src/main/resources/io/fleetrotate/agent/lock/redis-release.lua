-- Gives back the grant of ARGV[1] (token) if it still holds it, and leaves the queue if it waits;
-- then hands the free places to the first waiters.
-- ARGV: token, maxConcurrent, channel. Returns 1 if the token held a grant, else 0.
local token, max, channel = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local held = redis.call('ZREM', holders, token)
if held == 1 then
  redis.call('HDEL', grants, token)
end
redis.call('ZREM', queue, token)
redis.call('ZREM', waiting, token)
purge()
promote(max, channel)
return held
