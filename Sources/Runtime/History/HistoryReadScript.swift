/// The Redis read script: a channel's position and the entries a join or a gap fill needs, in
/// one atomic step (the position and the entries cannot disagree).
///
/// Why a script and not `HMGET` + `XRANGE`: a publish between the two would make the entries
/// run past the top the decision was made on; and the run_id check must rotate the epoch the
/// same way the publish script does, so a Redis restored from an older snapshot (same keys,
/// another run_id) is detected on the first read, not only on the next publish.
///
/// KEYS: the first two of `HistoryPublishScript.keys` (meta hash, stream).
/// ARGV: 1 a fresh epoch (used when the meta is missing or the run_id changed), 2 run_id (empty:
/// read from `INFO server`), 3 `1` to trust persistence across a run_id change, 4 meta ttl in s
/// (refreshed: a watched quiet channel keeps its epoch), 5 the epoch the caller is in (empty:
/// none), 6 the offset it has (-1: none), 7 the most entries after it worth returning, 8 `k` of
/// `last=k` (0: none).
/// Returns `{epoch, top, firstStored (0: none), range, tail}`: `range` = `XRANGE` after ARGV[6]
/// when ARGV[5] is the epoch and at most ARGV[7] are missing (else empty); `tail` = the last `k`
/// entries, newest first (`XREVRANGE`).
package enum HistoryReadScript {
    package static let source = """
        local meta, log = KEYS[1], KEYS[2]
        local run = ARGV[2]
        if run == '' then run = string.match(redis.call('INFO', 'server'), 'run_id:(%x+)') or '' end
        local m = redis.call('HMGET', meta, 'e', 's', 'r')
        local epoch, top = m[1], tonumber(m[2]) or 0
        if (not epoch) or (m[3] ~= run and ARGV[3] ~= '1') then
          epoch, top = ARGV[1], 0
          redis.call('DEL', log)
          redis.call('HSET', meta, 'e', epoch, 's', 0, 'r', run)
        elseif m[3] ~= run then
          redis.call('HSET', meta, 'r', run)
        end
        redis.call('EXPIRE', meta, ARGV[4])
        local first = 0
        local head = redis.call('XRANGE', log, '-', '+', 'COUNT', 1)
        if head[1] then first = tonumber(string.match(head[1][1], '^(%d+)')) end
        local range = {}
        local after, limit = tonumber(ARGV[6]), tonumber(ARGV[7])
        if ARGV[5] == epoch and after >= 0 and after < top and top - after <= limit then
          range = redis.call('XRANGE', log, (after + 1) .. '-0', '+', 'COUNT', limit)
        end
        local tail = {}
        if tonumber(ARGV[8]) > 0 then tail = redis.call('XREVRANGE', log, '+', '-', 'COUNT', ARGV[8]) end
        return {epoch, top, first, range, tail}
        """
}
