-- One transaction over 10 keys against the same 10 changes made as 10 single-step transactions,
-- on a store of 10,000 keys. Shows what batching saves per commit (simulation, limits check,
-- version bump, one event instead of ten).
local fixtures = require("bench.fixtures")
local harness = require("bench.harness")
local store_ops = require("bench.store_ops")

local SIZE = 10000
local WIDTH = 10
--- Groups of WIDTH distinct keys each series walks through.
local GROUPS = 4096

local M = { id = "transaction", title = "Transactions: one 10-key transaction vs 10 single operations" }

--- GROUPS groups of WIDTH distinct keys (no key twice within a group), with their records.
local function key_groups(rng)
    local keys = fixtures.key_list(SIZE)
    local groups, record_groups = {}, {}
    for g = 1, GROUPS do
        local group, seen = {}, {}
        while #group < WIDTH do
            local key = keys[rng.int(SIZE)]
            if not seen[key] then
                seen[key] = true
                group[#group + 1] = key
            end
        end
        groups[g] = group
        record_groups[g] = fixtures.records_for(group)
    end
    return groups, record_groups
end

function M.run(ctx)
    local store = fixtures.plain_store(SIZE)
    local db = store:database(fixtures.DB)
    local DB = fixtures.DB
    local groups, record_groups = key_groups(ctx.rng)
    local held = function() return db:heldTotal() end
    local function expect(delta_per_op)
        return function(before, n)
            local change = db:heldTotal() - before
            if change ~= delta_per_op * n then
                return string.format("%d ops changed the total by %d, not %d", n, change, delta_per_op * n)
            end
            return nil
        end
    end

    local cursors = {}
    local function walker(id, step)
        cursors[id] = 1
        return function(n)
            local g = cursors[id]
            for _ = 1, n do
                step(g)
                g = g + 1
                if g > GROUPS then g = 1 end
            end
            cursors[id] = g
        end
    end

    local series = {
        {
            id = "insert x10 in one transaction",
            prepare = held,
            verify = expect(WIDTH),
            batch = walker("insert-tx", function(g)
                local records = record_groups[g]
                local tx = store:transaction(DB, "bench")
                for i = 1, WIDTH do tx:insert(records[i], 1) end
                tx:commit()
            end),
        },
        {
            id = "insert x10 as single transactions",
            prepare = held,
            verify = expect(WIDTH),
            batch = walker("insert-single", function(g)
                local records = record_groups[g]
                for i = 1, WIDTH do store:transaction(DB, "bench"):insert(records[i], 1):commit() end
            end),
        },
        {
            id = "take x10 in one transaction",
            prepare = held,
            verify = expect(-WIDTH),
            batch = walker("take-tx", function(g)
                local keys = groups[g]
                local tx = store:transaction(DB, "bench")
                for i = 1, WIDTH do tx:take(keys[i], 1) end
                tx:commit()
            end),
        },
        {
            id = "take x10 as single transactions",
            prepare = held,
            verify = expect(-WIDTH),
            batch = walker("take-single", function(g)
                local keys = groups[g]
                for i = 1, WIDTH do store:transaction(DB, "bench"):take(keys[i], 1):commit() end
            end),
        },
    }
    local samples = harness.interleave(series, ctx.runs, ctx.target, ctx.log)

    for _, op in ipairs({ "insert", "take" }) do
        local batched = samples[op .. " x10 in one transaction"]
        local singles = samples[op .. " x10 as single transactions"]
        ctx.results:case({
            id = string.format("transaction.%s.10", op),
            group = M.id,
            name = op .. " 10 keys, one transaction",
            size = store_ops.size_label(SIZE),
            reference = "10 single-op transactions",
        }, batched, singles)
    end
end

return M
