-- Stores and data for the benchmarks, built from the compiled modules in lua/modules.
--
-- Keys look like real ones ("prefab123#2": a short identifier and a quality). A store of K keys
-- holds a large count under every key so that no take in a run can drain one. Exact entries mix
-- what the game produces: damaged items, items with contents, stolen goods with an outpost name.
local new = require("kits.classes").new
local store_module = require("core.store")

local M = {}

M.DB = "bench"
M.UNITS_PER_KEY = 1000000

function M.new_store()
    local store = new(store_module.DatabaseStore, {})
    -- A rebuild from one empty core installs an empty database with an anchor (inserts need one).
    local report = store:rebuild({ { anchorId = 1, dbId = M.DB, blob = "" } })
    local built = report.databases[1]
    if built == nil or built.state ~= "new" then error("the bench database could not be created", 0) end
    return store
end

function M.identifier(i)
    return string.format("prefab%d", i)
end

--- Key number i (1-based); the quality varies so keys differ in both parts.
function M.key(i)
    return string.format("prefab%d#%d", i, i % 4)
end

--- Keys 1..count as an array (kept: several suites use the same sizes).
local key_lists = {}
function M.key_list(count)
    local list = key_lists[count]
    if list == nil then
        list = {}
        for i = 1, count do list[i] = M.key(i) end
        key_lists[count] = list
    end
    return list
end

local function commit_or_fail(tx, what)
    local result = tx:commit()
    if not result.ok then error(what .. " refused: " .. result.message, 0) end
    return result
end

--- Adds keys from..to (each with UNITS_PER_KEY plain units) in transactions of 1,000 keys.
local function fill_plain(store, from, to)
    local i = from
    while i <= to do
        local tx = store:transaction(M.DB, "bench setup")
        local last = math.min(i + 999, to)
        for k = i, last do tx:insertCount(M.key(k), M.UNITS_PER_KEY) end
        commit_or_fail(tx, "bench setup")
        i = last + 1
    end
end

local plain_stores = {}

--- A store whose bench database holds `count` distinct plain keys. Built once per size and
--- kept until release_plain_stores (the runner calls it after every suite).
function M.plain_store(count)
    local store = plain_stores[count]
    if store == nil then
        store = M.new_store()
        fill_plain(store, 1, count)
        local db = store:database(M.DB)
        if db:keyCount() ~= count then error(string.format("bench store has %d keys, not %d", db:keyCount(), count), 0) end
        plain_stores[count] = store
    end
    return store
end

--- Forgets the kept stores (the next suite builds what it needs).
function M.release_plain_stores()
    plain_stores = {}
end

local OUTPOSTS = { "Hope Station", "Nova Outpost", "海湾前哨站", "Port Ålesund" }

--- Exact record number i: the pattern repeats every 10 entries, fields vary with `rng`.
function M.exact_record(i, rng)
    local kind = i % 10
    local identifier = M.identifier(rng.int(500))
    local condition = math.floor(rng.float() * 9900) / 100
    if kind <= 5 then
        -- a damaged item
        return { identifier = identifier, quality = rng.int(4) - 1, condition = condition, stolen = false, outpost = "", contents = {} }
    elseif kind <= 8 then
        -- a container or weapon with one to three items inside
        local contents = {}
        for slot = 0, rng.int(3) - 1 do
            contents[#contents + 1] = {
                container = 0,
                slot = slot,
                record = { identifier = M.identifier(rng.int(500)), quality = 0, condition = math.floor(rng.float() * 10000) / 100, stolen = false, outpost = "", contents = {} },
            }
        end
        return { identifier = identifier, quality = rng.int(4) - 1, condition = 100, stolen = false, outpost = "", contents = contents }
    end
    -- stolen goods from an outpost
    return { identifier = identifier, quality = 0, condition = condition, stolen = true, outpost = OUTPOSTS[rng.int(#OUTPOSTS)], contents = {} }
end

--- A fresh store with `plain` plain keys and `exact` exact entries (for the codec cases).
function M.mixed_store(plain, exact, rng)
    local store = M.new_store()
    fill_plain(store, 1, plain)
    local i = 1
    while i <= exact do
        local tx = store:transaction(M.DB, "bench setup")
        local last = math.min(i + 499, exact)
        for k = i, last do tx:insert(M.exact_record(k, rng), 1) end
        commit_or_fail(tx, "bench setup")
        i = last + 1
    end
    local db = store:database(M.DB)
    if #db:exactList() ~= exact then error("bench store lost exact entries", 0) end
    return store
end

--- `length` keys drawn uniformly from the first `count` keys (a fixed sequence per rng state).
function M.random_keys(count, length, rng)
    local keys = M.key_list(count)
    local sequence = {}
    for i = 1, length do sequence[i] = keys[rng.int(count)] end
    return sequence
end

--- Plain records for a key sequence (index-aligned), for insert(record, n).
function M.records_for(sequence)
    local by_key = {}
    local records = {}
    for i = 1, #sequence do
        local key = sequence[i]
        local record = by_key[key]
        if record == nil then
            local identifier, quality = string.match(key, "^(.-)#(%d+)$")
            record = { identifier = identifier, quality = tonumber(quality), condition = 100, stolen = false, outpost = "", contents = {} }
            by_key[key] = record
        end
        records[i] = record
    end
    return records
end

return M
