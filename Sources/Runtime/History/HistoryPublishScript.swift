/// The Redis publish script: offset, stream append and live PUBLISH in one atomic step.
///
/// Why one script: history and the live copy cannot diverge, and every live message carries
/// its offset, so a receiver that sees a gap fills it with one `XRANGE` (research §3, pattern b).
/// Run with `EVALSHA` (falling back to `EVAL` on `NOSCRIPT`: the script cache is empty after a
/// Redis restart).
///
/// KEYS (one hash tag, so one cluster slot): 1 meta hash `piloto:{ch:NAME}:meta` (`e` epoch,
/// `s` top offset, `r` Redis run_id), 2 stream `…:log`, 3 dedupe key `…:mid:ID`.
/// ARGV: 1 payload (the stored message, without offset/epoch), 2 history size (MAXLEN ~),
/// 3 history ttl in ms, 4 meta ttl in s, 5 a fresh epoch (used only when one is needed),
/// 6 the Redis run_id (empty: the script reads it from `INFO server` itself, which is race-free
/// across a restart: a value learned on connect may already be stale when the call runs), 7 the pub/sub channel, 8 `1` to trust
/// persistence across a run_id change, 9 `1` when KEYS[3] names a client publish id.
/// Returns `{offset, epoch, duplicate}` (duplicate 1: the id was seen; nothing was stored).
/// The live message is `OFFSET:EPOCH:PAYLOAD`; the stream entry id is `OFFSET-0`, field `d`.
package enum HistoryPublishScript {
    package static let source = """
        local meta, log, mid = KEYS[1], KEYS[2], KEYS[3]
        local has_id = ARGV[9] == '1'
        if has_id then
          local prev = redis.call('GET', mid)
          if prev then
            local sep = string.find(prev, ':', 1, true)
            return {tonumber(string.sub(prev, 1, sep - 1)), string.sub(prev, sep + 1), 1}
          end
        end
        local run = ARGV[6]
        if run == '' then run = string.match(redis.call('INFO', 'server'), 'run_id:(%x+)') or '' end
        local m = redis.call('HMGET', meta, 'e', 's', 'r')
        local epoch = m[1]
        if (not epoch) or (m[3] ~= run and ARGV[8] ~= '1') then
          epoch = ARGV[5]
          redis.call('DEL', log)
          redis.call('HSET', meta, 'e', epoch, 's', 0, 'r', run)
        elseif m[3] ~= run then
          redis.call('HSET', meta, 'r', run)
        end
        local top = redis.call('HINCRBY', meta, 's', 1)
        if top == 1 then redis.call('DEL', log) end
        redis.call('XADD', log, 'MAXLEN', '~', ARGV[2], top .. '-0', 'd', ARGV[1])
        redis.call('PEXPIRE', log, ARGV[3])
        redis.call('EXPIRE', meta, ARGV[4])
        redis.call('PUBLISH', ARGV[7], top .. ':' .. epoch .. ':' .. ARGV[1])
        if has_id then redis.call('SET', mid, top .. ':' .. epoch, 'EX', 300) end
        return {top, epoch, 0}
        """

    /// The keys of `channel`, sharing the `{ch:NAME}` hash tag.
    package static func keys(channel: String, publishID: String?) -> [String] {
        let base = "piloto:{ch:\(channel)}"
        return [base + ":meta", base + ":log", base + ":mid:" + (publishID ?? "")]
    }

    /// The pub/sub channel live messages go to.
    package static func pubsubChannel(_ channel: String) -> String { "piloto:ch:\(channel)" }
}
