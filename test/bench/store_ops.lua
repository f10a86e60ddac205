-- Store operations at growing store sizes (design.md "Budgets": a store operation costs the same
-- at 100 and at 10,000 distinct keys).
--
-- Each op is a whole transaction as a device runs it: store:transaction(db, source), one step,
-- commit(). insert stores one plain unit from its record (the interface's path: the record is
-- checked and keyed); take removes one unit of a key. Keys are drawn uniformly from the keys the
-- store holds, so the store keeps its size. The reference is a bare Lua table increment
-- (t[key] = t[key] + 1) on a table of the same keys, over the same key sequence.
local fixtures = require("bench.fixtures")
local harness = require("bench.harness")

local SIZES = { 100, 1000, 10000, 100000 }
--- Length of the random key sequence every series walks through.
local SEQUENCE = 65536

local M = { id = "store", title = "Store operations: insert and take, one unit per transaction" }

--- The three series of one store size: reference, insert, take.
local function series_for(size, rng)
    local store = fixtures.plain_store(size)
    local db = store:database(fixtures.DB)
    local sequence = fixtures.random_keys(size, SEQUENCE, rng)
    local records = fixtures.records_for(sequence)
    local length = #sequence
    local DB = fixtures.DB

    local counts = {}
    for _, key in ipairs(fixtures.key_list(size)) do counts[key] = fixtures.UNITS_PER_KEY end
    local ref_cursor, insert_cursor, take_cursor = 1, 1, 1

    local reference = {
        id = string.format("table increment @%d", size),
        batch = function(n)
            local t, seq, c = counts, sequence, ref_cursor
            for _ = 1, n do
                local key = seq[c]
                t[key] = t[key] + 1
                c = c + 1
                if c > length then c = 1 end
            end
            ref_cursor = c
        end,
    }

    local held = function() return db:heldTotal() end
    local insert = {
        id = string.format("insert @%d", size),
        prepare = held,
        batch = function(n)
            local recs, c = records, insert_cursor
            for _ = 1, n do
                store:transaction(DB, "bench"):insert(recs[c], 1):commit()
                c = c + 1
                if c > length then c = 1 end
            end
            insert_cursor = c
        end,
        verify = function(before, n)
            if db:heldTotal() ~= before + n then
                return string.format("%d inserts changed the total by %d", n, db:heldTotal() - before)
            end
            return nil
        end,
    }
    local take = {
        id = string.format("take @%d", size),
        prepare = held,
        batch = function(n)
            local seq, c = sequence, take_cursor
            for _ = 1, n do
                store:transaction(DB, "bench"):take(seq[c], 1):commit()
                c = c + 1
                if c > length then c = 1 end
            end
            take_cursor = c
        end,
        verify = function(before, n)
            if db:heldTotal() ~= before - n then
                return string.format("%d takes changed the total by %d", n, db:heldTotal() - before)
            end
            if db:keyCount() ~= size then return string.format("the store holds %d keys, not %d", db:keyCount(), size) end
            return nil
        end,
    }
    return reference, insert, take
end

local function size_label(size)
    local text = string.format("%d", size)
    local grouped = string.reverse((string.gsub(string.reverse(text), "(%d%d%d)", "%1,")))
    return (string.gsub(grouped, "^,", "")) .. " keys"
end
M.size_label = size_label

function M.run(ctx)
    local by_size = {}
    for _, size in ipairs(SIZES) do
        local t0 = os.clock()
        local reference, insert, take = series_for(size, ctx.rng)
        ctx.log(string.format("  store of %s built in %.1f s", size_label(size), os.clock() - t0))
        by_size[size] = { reference = reference, insert = insert, take = take }
    end
    -- One op at every size side by side: the sizes a flatness ratio compares run next to each
    -- other in every repetition.
    local list = {}
    for _, op in ipairs({ "reference", "insert", "take" }) do
        for _, size in ipairs(SIZES) do list[#list + 1] = by_size[size][op] end
    end
    local samples = harness.interleave(list, ctx.runs, ctx.target, ctx.log)

    for _, op in ipairs({ "insert", "take" }) do
        for _, size in ipairs(SIZES) do
            local s = by_size[size]
            ctx.results:case({
                id = string.format("store.%s.%d", op, size),
                group = M.id,
                name = op,
                size = size_label(size),
                reference = "table increment",
            }, samples[s[op].id], samples[s.reference.id])
        end
    end

    local names = { insert = "insert", take = "take", reference = "table increment" }
    local function flatness(op, big, small, budget)
        local name = names[op]
        local quotients = harness.quotients(samples[by_size[big][op].id].per_op, samples[by_size[small][op].id].per_op)
        ctx.results:ratio({
            id = string.format("store.%s.flatness.%d", op, big),
            group = M.id,
            name = string.format("%s flatness %s / %s", name, size_label(big), size_label(small)),
            definition = string.format("%s: cost per op at %s divided by the cost at %s", name, size_label(big), size_label(small)),
            quotients = quotients,
            budget = budget,
        })
    end
    for _, op in ipairs({ "insert", "take" }) do
        flatness(op, 10000, 100, { max = 1.5 })
        flatness(op, 100000, 100, nil)
    end
    flatness("reference", 10000, 100, nil)
    flatness("reference", 100000, 100, nil)
end

return M
