-- Watcher delivery (src/core/watch.ts): one store event handed to the watchers it concerns, with
-- 100 key watchers (watchKey, one per key) and 10 watch-all watchers on a database of 10,000 keys.
--
-- An op is one WatchRegistry delivery of a real event (taken from a committed transaction) to
-- every watcher it concerns; the store's own part (the transaction) is not in it. The reference
-- is the least any delivery does: a plain Lua call of each watcher that gets the event, in a
-- loop over an array of functions. The same single-key delivery with 10,000 key watchers shows
-- that delivery does not walk the watchers of other keys.
local new = require("kits.classes").new
local fixtures = require("bench.fixtures")
local harness = require("bench.harness")
local store_ops = require("bench.store_ops")
local WatchRegistry = require("core.watch").WatchRegistry

local SIZE = 10000
local KEY_WATCHERS = 100
local ALL_WATCHERS = 10
local MANY_KEY_WATCHERS = 10000
--- Keys changed by the multi-key event (all of them watched).
local WIDE = 10

local M = { id = "watch", title = "Watcher delivery: 100 key watchers and 10 watch-all watchers" }

--- The event of a committed transaction that adds one unit to each of `keys`.
local function event_for(store, keys)
    local tx = store:transaction(fixtures.DB, "bench")
    for _, key in ipairs(keys) do tx:insertCount(key, 1) end
    local result = tx:commit()
    if not result.ok then error("bench event refused: " .. result.message, 0) end
    return result.value.event
end

--- A registry on `store` with `key_watchers` key watchers (keys 1..n) and ALL_WATCHERS watch-all
--- watchers; every watcher counts its calls in `counter.calls`.
local function registry_for(store, id, key_watchers, counter)
    local registry = new(WatchRegistry, store, id)
    local function watcher(event)
        counter.calls = counter.calls + 1
    end
    local keys = fixtures.key_list(SIZE)
    for i = 1, key_watchers do registry:watchKey(fixtures.DB, keys[i], watcher) end
    for _ = 1, ALL_WATCHERS do registry:watchAll(fixtures.DB, watcher) end
    return registry
end

function M.run(ctx)
    local store = fixtures.plain_store(SIZE)
    local keys = fixtures.key_list(SIZE)
    local counter = { calls = 0 }
    local registry = registry_for(store, "bench.watch", KEY_WATCHERS, counter)
    local many = registry_for(store, "bench.watch.many", MANY_KEY_WATCHERS, counter)
    if type(registry.deliver) ~= "function" then error("WatchRegistry has no deliver method any more: update bench/watch.lua", 0) end

    local wide_keys = {}
    for i = 1, WIDE do wide_keys[i] = keys[i * 7] end
    local events = {
        watched = { event = event_for(store, { keys[42] }), deliveries = 1 + ALL_WATCHERS, name = "single-key event, key watched" },
        unwatched = { event = event_for(store, { keys[SIZE - 1] }), deliveries = ALL_WATCHERS, name = "single-key event, key not watched" },
        wide = { event = event_for(store, wide_keys), deliveries = WIDE + ALL_WATCHERS, name = "10-key event, every key watched" },
        reset = { event = { db = fixtures.DB, version = 1, source = "rebuild", changes = {}, reset = true }, deliveries = KEY_WATCHERS + ALL_WATCHERS, name = "reset event (rebuild, rollback)" },
    }
    local ORDER = { "watched", "unwatched", "wide", "reset" }

    local function delivery(id, reg, case)
        return {
            id = id,
            prepare = function() return counter.calls end,
            batch = function(n)
                local event = case.event
                for _ = 1, n do reg:deliver(event) end
            end,
            verify = function(before, n)
                local got = counter.calls - before
                if got ~= case.deliveries * n then
                    return string.format("%d deliveries reached %d watchers, not %d", n, got, case.deliveries * n)
                end
                return nil
            end,
        }
    end
    local function plain_calls(id, count)
        local fns = {}
        local function watcher(event)
            counter.calls = counter.calls + 1
        end
        for i = 1, count do fns[i] = watcher end
        local event = events.watched.event
        return {
            id = id,
            prepare = function() return counter.calls end,
            batch = function(n)
                for _ = 1, n do
                    for i = 1, count do fns[i](event) end
                end
            end,
            verify = function(before, n)
                if counter.calls - before ~= count * n then return "the plain calls did not all run" end
                return nil
            end,
        }
    end

    local list, series = {}, {}
    for _, name in ipairs(ORDER) do
        local case = events[name]
        series[name] = delivery("deliver " .. name, registry, case)
        series[name .. ".reference"] = plain_calls(string.format("%d plain calls (%s)", case.deliveries, name), case.deliveries)
        list[#list + 1] = series[name]
        list[#list + 1] = series[name .. ".reference"]
    end
    series.many = delivery("deliver watched, 10,000 key watchers", many, events.watched)
    list[#list + 1] = series.many
    local samples = harness.interleave(list, ctx.runs, ctx.target, ctx.log)

    local size = store_ops.size_label(SIZE)
    for _, name in ipairs(ORDER) do
        local case = events[name]
        ctx.results:case({
            id = "watch." .. name,
            group = M.id,
            name = string.format("%s (%d watchers called)", case.name, case.deliveries),
            size = size,
            reference = string.format("%d plain calls", case.deliveries),
        }, samples[series[name].id], samples[series[name .. ".reference"].id])
    end
    ctx.results:case({
        id = "watch.watched.many",
        group = M.id,
        name = string.format("%s, 10,000 key watchers (%d called)", events.watched.name, events.watched.deliveries),
        size = size,
        reference = string.format("%d plain calls", events.watched.deliveries),
    }, samples[series.many.id], samples[series["watched.reference"].id])
    ctx.results:ratio({
        id = "watch.watched.flatness",
        group = M.id,
        name = "single-key delivery with 10,000 key watchers / with 100",
        definition = "delivery of the same event with 10,000 key watchers divided by the delivery with 100",
        quotients = harness.quotients(samples[series.many.id].per_op, samples[series.watched.id].per_op),
    })
end

return M
