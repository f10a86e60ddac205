-- Shared pieces of the hostile-input specs (fuzz, corrupt cores, faults, load): a seeded random
-- source that replays from DBIO_SEED, and a full state dump (every database through the public
-- API, plus every live item of the world with its parent and database binding) that two moments
-- can be compared with.
local F = {}

--- The seed of this run: DBIO_SEED when set, else the clock. Prints how to replay it.
function F.seed(name)
    local seed = tonumber(os.getenv("DBIO_SEED") or "")
    if seed == nil then seed = os.time() % 2147483646 + 1 end
    seed = math.floor(seed)
    print(string.format("[%s] seed %d (replay: DBIO_SEED=%d)", name, seed, seed))
    return seed
end

--- Park-Miller random numbers, independent of math.random (the mod and the sim use that one).
--- r() in [0,1), r(n) in 1..n, r(a, b) in a..b.
function F.rng(seed)
    local s = seed % 2147483647
    if s <= 0 then s = s + 2147483646 end
    return function(a, b)
        s = (s * 16807) % 2147483647
        local x = (s - 1) / 2147483646
        if a == nil then return x end
        if b == nil then a, b = 1, a end
        return a + math.floor(x * (b - a + 1))
    end
end

function F.pick(r, list)
    return list[r(#list)]
end

local function recordText(rec)
    local parts = {
        rec.identifier,
        string.format("q%d", rec.quality or 0),
        string.format("c%.2f", rec.condition or 0),
        rec.stolen and "stolen" or "own",
        "[" .. tostring(rec.outpost or "") .. "]",
    }
    local inner = {}
    for _, c in ipairs(rec.contents or {}) do
        inner[#inner + 1] = string.format("%d/%d:", c.container or 0, c.slot or 0) .. recordText(c.record)
    end
    if #inner > 0 then parts[#parts + 1] = "{" .. table.concat(inner, ",") .. "}" end
    return table.concat(parts, " ")
end
F.recordText = recordText

--- Every database the mod holds: keys with available and leased units, exact entries by id.
function F.dumpDatabases(api)
    local lines = {}
    local dbs = api.databases()
    table.sort(dbs)
    for _, db in ipairs(dbs) do
        lines[#lines + 1] = "database " .. db
        local entries = api.entries(db)
        table.sort(entries, function(a, b) return a.key < b.key end)
        for _, e in ipairs(entries) do
            lines[#lines + 1] = string.format("  %s %d leased %d", e.key, e.amount, api.leased(db, e.identifier, e.quality))
        end
        local exact = api.exactEntries(db)
        table.sort(exact, function(a, b) return a.id < b.id end)
        for _, x in ipairs(exact) do
            lines[#lines + 1] = string.format("  exact %d %s", x.id, recordText(x.record))
        end
    end
    return table.concat(lines, "\n")
end

local function bindingOf(item)
    local tags = string.lower(item.Tags or "")
    local at = string.find(tags, "dbid:", 1, true)
    if at == nil then return "-" end
    local stop = string.find(tags, ",", at, true)
    return string.sub(tags, at, (stop or #tags + 1) - 1)
end

--- Every live item: id, identifier, condition, where it is, and its database binding.
function F.dumpWorld(sim)
    local lines = {}
    local counts = {}
    for _, item in ipairs(sim:items()) do
        if not item.Removed then
            local id = item.Prefab.Identifier.Value
            counts[id] = (counts[id] or 0) + 1
            local parent = item.ParentInventory
            local owner = parent and parent.Owner
            lines[#lines + 1] = string.format("%d %s c%.2f in %s %s", item.ID, id, item.Condition,
                owner and string.format("%d", owner.ID) or "-", bindingOf(item))
        end
    end
    table.sort(lines)
    local ids = {}
    for id in pairs(counts) do ids[#ids + 1] = id end
    table.sort(ids)
    for _, id in ipairs(ids) do lines[#lines + 1] = string.format("count %s %d", id, counts[id]) end
    return table.concat(lines, "\n")
end

--- First line where two dumps differ (for a readable failure).
function F.firstDifference(a, b)
    local la, lb = {}, {}
    for line in (a .. "\n"):gmatch("(.-)\n") do la[#la + 1] = line end
    for line in (b .. "\n"):gmatch("(.-)\n") do lb[#lb + 1] = line end
    for i = 1, math.max(#la, #lb) do
        if la[i] ~= lb[i] then
            return string.format("line %d: before %q, after %q", i, tostring(la[i]), tostring(lb[i]))
        end
    end
    return nil
end

return F
