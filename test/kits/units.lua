-- Unit accounting shared by the conservation specs and the device kits: one walk over a
-- database snapshot, one walk over an item's tree, one walk over the live items the mod has not
-- booked, and the DBIO_SCAN replay loop of the randomized specs.
--
-- A snapshot (core/codec decodeSnapshot(...).value.snapshot) holds units two ways: fungible
-- counts as pairs { "identifier#quality", n } (Working in `counts`, leased in `leasedCounts`) and
-- exact entries with a record (Working in `exact`, leased in `leasedExact`) whose contents nest
-- records at any depth. Every unit, nested ones included, counts once.
local luassert = require("luassert")

local U = {}

local function eachRecord(record, fn)
    fn(record.identifier, record.condition, 1)
    for _, child in ipairs(record.contents) do eachRecord(child.record, fn) end
end

--- Calls fn(identifier, conditionPercent, n) for every unit a snapshot holds (Working + leased,
--- nested contents included). Fungible counts have no condition of their own: they report 100.
function U.eachSnapshotUnit(s, fn)
    for _, list in ipairs({ s.counts, s.leasedCounts }) do
        for _, pair in ipairs(list) do fn(pair[1]:match("^(.*)#%d+$"), 100, pair[2]) end
    end
    for _, list in ipairs({ s.exact, s.leasedExact }) do
        for _, e in ipairs(list) do eachRecord(e.record, fn) end
    end
end

--- Adds the units of a snapshot into counts (identifier -> n). With `listed`, only identifiers
--- already present in counts are added (the others are not being accounted).
function U.addSnapshot(counts, s, listed)
    U.eachSnapshotUnit(s, function(id, _, n)
        if counts[id] ~= nil then
            counts[id] = counts[id] + n
        elseif not listed then
            counts[id] = n
        end
    end)
    return counts
end

--- Calls fn(item) for every live item in the simulated world that the mod has not booked
--- (`booked`: item ID -> true, from the hook "databaseio.terminal.inspect"; see terminal_kit).
function U.eachUnbooked(sim, booked, fn)
    for _, item in ipairs(sim:items()) do
        if not booked[item.ID] and not item.Removed then fn(item) end
    end
end

--- `item` and everything inside it, at any depth (appended to `out` when given).
function U.tree(item, out)
    out = out or {}
    out[#out + 1] = item
    for _, inv in ipairs(item.OwnInventories) do
        for _, it in ipairs(inv.AllItemsMod) do U.tree(it, out) end
    end
    return out
end

--- The first item directly inside `item` (any of its containers) with that identifier, or the
--- first at all when identifier is nil.
function U.firstIn(item, identifier)
    for _, inv in ipairs(item.OwnInventories) do
        for _, it in ipairs(inv.AllItemsMod) do
            if identifier == nil or it.Prefab.Identifier.Value == identifier then return it end
        end
    end
end

--- A shallow copy of a table of counts.
function U.copy(t)
    local c = {}
    for key, v in pairs(t) do c[key] = v end
    return c
end

--- DBIO_SCAN=1: runs `run(seed)` for seeds base .. base + runs - 1, prints "FAILED <error>" for
--- every one that fails and asserts that none did. Returns false (nothing run) without DBIO_SCAN.
function U.scan(base, runs, run)
    if not os.getenv("DBIO_SCAN") then return false end
    local failed = {}
    for i = 0, runs - 1 do
        local ok, err = pcall(run, base + i)
        if not ok then failed[#failed + 1] = tostring(err) end
    end
    for _, line in ipairs(failed) do print("FAILED " .. line) end
    luassert.are.equal(0, #failed, #failed .. " failing seed(s)")
    return true
end

return U
