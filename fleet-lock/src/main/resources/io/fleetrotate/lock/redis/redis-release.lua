-- Gives back the grant of ARGV[1] (token) if it still holds it, or takes it out of the queue if it
-- waits; then hands free places to the first waiters.
-- ARGV: token, maxConcurrent. Returns 1 if the token held a grant, else 0.
local token, max = ARGV[1], tonumber(ARGV[2])
local held = redis.call('ZREM', holders, token)
redis.call('HDEL', grants, token)
if held == 0 then
  redis.call('ZREM', queue, token)
  redis.call('ZREM', waiting, token)
end
if redis.call('ZCARD', queue) > 0 then
  promote(max)
end
return held
