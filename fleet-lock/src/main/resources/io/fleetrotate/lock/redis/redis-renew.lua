-- Extends the grant of ARGV[1] (token) to ARGV[2] ms from now if it still holds it.
-- Returns 1 if extended, 0 if the token holds nothing (expired, revoked or released).
local token, ttlMs = ARGV[1], tonumber(ARGV[2])
local expiry = redis.call('ZSCORE', holders, token)
clock()
if expiry and tonumber(expiry) > nowMs then
  redis.call('ZADD', holders, nowMs + ttlMs, token)
  return 1
end
return 0
