-- Raises the group's fencing counter to ARGV[1] if it is lower, so that the next grant's token is
-- above it (FleetLock.raiseFencingToken: a fence beside a log saw a token the counter has lost).
-- Returns 1 if raised, 0 if the counter was already at least that.
local atLeast = tonumber(ARGV[1])
if tonumber(redis.call('GET', fence) or '0') < atLeast then
  redis.call('SET', fence, ARGV[1])
  return 1
end
return 0
