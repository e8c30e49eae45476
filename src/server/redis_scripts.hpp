// SPDX-License-Identifier: MIT OR Apache-2.0
// The Redis keys and the Lua scripts of RedisJobStore (internal to redis_store.cpp and
// redis_worker.cpp). Each script is one atomic step of a job's life; see redis_store.hpp.
#pragma once
#include <chrono>
#include <cmath>
#include <initializer_list>
#include <string>
#include <vector>

#include "server/redis_client.hpp"

namespace peregrine::server::redis_detail {

inline const std::string kGroup = "workers";
inline const std::string kQueued = "peregrine:queued";    // sorted set: queued job ids by submission time (ms)
inline const std::string kRunning = "peregrine:running";  // sorted set: running job ids by start time
// Sorted set: every job whose record is kept, by the time (Redis's clock, ms) its record expires;
// peregrine_results_stored counts it (expired members are removed first).
inline const std::string kStored = "peregrine:stored";
inline std::string job_key(const std::string& id) { return "peregrine:job:" + id; }
inline std::string wtns_key(const std::string& id) { return "peregrine:wtns:" + id; }
inline std::string stream_key(const std::string& circuit) { return "peregrine:jobs:" + circuit; }

inline long long now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}
inline std::string num(double v) { return std::to_string(std::round(v * 1000.0) / 1000.0); }

// The expiry time (ms, Redis's clock) of a record kept `ttl` seconds from now.
#define PEREGRINE_REDIS_EXPIRY_FN \
    "local function expiry(ttl) local t = redis.call('TIME') " \
    "return t[1] * 1000 + math.floor(t[2] / 1000) + tonumber(ttl) * 1000 end\n"

// KEYS: queued, job, wtns, stream, stored. ARGV: id, circuit, now_ms, witness_ms, limit, ttl, witness.
// 1: queued; 0: the queue is full; -1: the id exists.
inline constexpr const char* kSubmit = PEREGRINE_REDIS_EXPIRY_FN R"(
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[5]) then return 0 end
if redis.call('EXISTS', KEYS[2]) == 1 then return -1 end
redis.call('SET', KEYS[3], ARGV[7], 'EX', ARGV[6])
redis.call('HSET', KEYS[2], 'id', ARGV[1], 'circuit', ARGV[2], 'status', 'queued', 'submitted', ARGV[3], 'witness_ms', ARGV[4])
redis.call('EXPIRE', KEYS[2], ARGV[6])
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
redis.call('ZADD', KEYS[5], expiry(ARGV[6]), ARGV[1])
redis.call('XADD', KEYS[4], '*', 'id', ARGV[1])
return 1
)";

// KEYS: job, queued, running, stored. ARGV: id, consumer, now_ms.
inline constexpr const char* kStart = R"(
local st = redis.call('HGET', KEYS[1], 'status')
if not st then redis.call('ZREM', KEYS[2], ARGV[1]) redis.call('ZREM', KEYS[4], ARGV[1]) return {'gone'} end
if st ~= 'queued' and st ~= 'running' then return {st} end
local prev = redis.call('HGET', KEYS[1], 'worker') or ''
if redis.call('HGET', KEYS[1], 'cancel') == '1' then return {'cancel', prev} end
if not redis.call('HGET', KEYS[1], 'started') then redis.call('HSET', KEYS[1], 'started', ARGV[3]) end
redis.call('HINCRBY', KEYS[1], 'attempts', 1)
redis.call('HSET', KEYS[1], 'status', 'running', 'worker', ARGV[2])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
local v = redis.call('HMGET', KEYS[1], 'submitted', 'started', 'witness_ms', 'attempts')
return {'ok', prev, v[1], v[2], v[3], v[4]}
)";

// KEYS: job, wtns, queued, running, stream, stored. ARGV: id, status, ttl, group, entry, field,
// value, ... Only a job that is not final yet takes the result (1); else nothing changes (0). The
// witness is deleted either way: a final job does not need it.
inline constexpr const char* kFinish = PEREGRINE_REDIS_EXPIRY_FN R"(
local st = redis.call('HGET', KEYS[1], 'status')
local rec = 0
if st == 'queued' or st == 'running' then
  redis.call('HSET', KEYS[1], 'status', ARGV[2], unpack(ARGV, 6))
  redis.call('HDEL', KEYS[1], 'cancel')
  redis.call('EXPIRE', KEYS[1], ARGV[3])
  redis.call('ZADD', KEYS[6], expiry(ARGV[3]), ARGV[1])
  rec = 1
elseif not st then
  redis.call('ZREM', KEYS[6], ARGV[1])
end
redis.call('DEL', KEYS[2])
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('ZREM', KEYS[4], ARGV[1])
redis.pcall('XACK', KEYS[5], ARGV[4], ARGV[5])
redis.pcall('XDEL', KEYS[5], ARGV[5])
return rec
)";

// KEYS: job, wtns, queued, stored. ARGV: id, now_ms, ttl.
inline constexpr const char* kCancel = PEREGRINE_REDIS_EXPIRY_FN R"(
local st = redis.call('HGET', KEYS[1], 'status')
if not st then return 'not_found' end
if st == 'queued' then
  local v = redis.call('HMGET', KEYS[1], 'submitted', 'witness_ms')
  local q = tonumber(ARGV[2]) - tonumber(v[1])
  redis.call('HSET', KEYS[1], 'status', 'cancelled', 'error', 'cancelled', 'finished', ARGV[2], 'queue_ms', q,
             'total_ms', q + tonumber(v[2]))
  redis.call('EXPIRE', KEYS[1], ARGV[3])
  redis.call('DEL', KEYS[2])
  redis.call('ZREM', KEYS[3], ARGV[1])
  redis.call('ZADD', KEYS[4], expiry(ARGV[3]), ARGV[1])
  return 'cancelled'
end
if st == 'running' then redis.call('HSET', KEYS[1], 'cancel', '1') return 'running' end
return 'final'
)";

// KEYS: stream, job. ARGV: group, consumer, entry. -1: the entry is no longer ours; 1: cancel
// requested; 0: lease renewed.
inline constexpr const char* kHeartbeat = R"(
local p = redis.pcall('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)
if type(p) ~= 'table' or p.err or not p[1] or p[1][2] ~= ARGV[2] then return -1 end
redis.pcall('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3], 'JUSTID')
if redis.call('HGET', KEYS[2], 'cancel') == '1' then return 1 end
return 0
)";

// KEYS: job, queued, running, stream. ARGV: id, consumer, group, entry, idle_ms. Gives a job
// back (shutdown): queued again, and its entry idle so that another worker takes it at once.
inline constexpr const char* kRelease = R"(
if redis.call('HGET', KEYS[1], 'status') == 'running' and redis.call('HGET', KEYS[1], 'worker') == ARGV[2] then
  redis.call('HSET', KEYS[1], 'status', 'queued')
  redis.call('ZREM', KEYS[3], ARGV[1])
  redis.call('ZADD', KEYS[2], redis.call('HGET', KEYS[1], 'submitted'), ARGV[1])
  redis.pcall('XCLAIM', KEYS[4], ARGV[3], ARGV[2], 0, ARGV[4], 'IDLE', ARGV[5], 'JUSTID')
  return 1
end
return 0
)";

// KEYS: stored. The number of job records kept (members whose record has expired removed first).
inline constexpr const char* kStoredCount = R"(
local t = redis.call('TIME')
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. (t[1] * 1000 + math.floor(t[2] / 1000)))
return redis.call('ZCARD', KEYS[1])
)";

// KEYS: the circuits' streams. ARGV: group, idle_ms[, prefix]. Removes the consumers that have no
// pending entry and have been idle longer than idle_ms (workers that died or stopped; a live
// worker polls every second, and one that is proving holds a pending entry), or, with a prefix,
// those of its consumers that have no pending entry (an instance that stops). Atomic, so a
// consumer that has an entry is never removed (that would lose the entry). Returns the names.
inline constexpr const char* kReapConsumers = R"(
local gone = {}
for _, s in ipairs(KEYS) do
  local cs = redis.pcall('XINFO', 'CONSUMERS', s, ARGV[1])
  if type(cs) == 'table' and not cs.err then
    for _, c in ipairs(cs) do
      local f = {}
      for i = 1, #c, 2 do f[c[i]] = c[i + 1] end
      local mine = ARGV[3] and string.sub(f['name'], 1, #ARGV[3]) == ARGV[3]
      if tonumber(f['pending']) == 0 and (mine or (not ARGV[3] and tonumber(f['idle']) > tonumber(ARGV[2]))) then
        redis.call('XGROUP', 'DELCONSUMER', s, ARGV[1], f['name'])
        gone[#gone + 1] = f['name']
      end
    end
  end
end
return gone
)";

// EVAL <script> <n keys> KEYS... (the caller appends ARGV).
inline std::vector<std::string> eval(const char* script, std::initializer_list<std::string> keys) {
    std::vector<std::string> a = {"EVAL", script, std::to_string(keys.size())};
    a.insert(a.end(), keys.begin(), keys.end());
    return a;
}

// Fields of an entry reply [id, [field, value, ...]]: the value of "id".
inline std::string entry_job_id(const redisReply* e) {
    if (!e || e->type != REDIS_REPLY_ARRAY || e->elements < 2) return "";
    const redisReply* f = e->element[1];
    if (!f || f->type != REDIS_REPLY_ARRAY) return "";
    for (std::size_t i = 0; i + 1 < f->elements; i += 2) {
        if (reply_str(f->element[i]) == "id") return reply_str(f->element[i + 1]);
    }
    return "";
}

}  // namespace peregrine::server::redis_detail
