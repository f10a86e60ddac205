-- Shared setup for the terminal specs (test/spec/terminal_*_spec.lua): the built mod
-- (dist/DatabaseIO) in the simulated game, a submarine with a Database Core, a wall terminal, a
-- handheld terminal and a cabinet, players, a database seeded through the public API, and the
-- unit accounting the specs assert on.
--
-- Accounting (per identifier, all qualities): units the database holds (Working + leased, read
-- through DatabaseIO.amount / DatabaseIO.leased) + live items of that identifier in the world
-- that are NOT booked. An item is booked while the database already counts its unit: it sits on
-- a terminal page (placed, or taken but not yet reconciled: the lease still holds it), or it is
-- on its way out of the world with its unit already back in the database. The booked set comes
-- from the mod's read-only hook "databaseio.terminal.inspect". So a leased unit sitting in a
-- terminal is counted once, via the lease; a unit counted twice or never shows as a change.
local Sim = require("sim.runtime")
local U = require("kits.units")

local K = {}
K.__index = K
K.MOD = Sim.ROOT .. "/dist/DatabaseIO"
K.GOODS = { "steel", "copper", "plastic", "fpgacircuit", "wrench", "smground", "antibleeding1", "oxygentank", "toolbox", "screwdriver", "crowbar" }

function K.defaultSub(opts)
    opts = opts or {}
    local items = {
        { id = "databasecore", key = "core" },
        { id = "databaseterminalfixed", key = "wall" },
        { id = "databaseterminalfixed", key = "wall2" },
        { id = "storagecabinet", key = "cab" },
        { id = "databaseterminal", inside = "cab" },
        { id = "storagecabinet", key = "spare" },
    }
    for _, e in ipairs(opts.extra or {}) do items[#items + 1] = e end
    return { name = "Terminal Sub", items = items }
end

--- opts: mode ("server"), language, players (names), faults, sub, seed (list for K:seed).
function K.new(opts)
    opts = opts or {}
    local sim = Sim.new({ mode = opts.mode or "server", language = opts.language, prefabs = opts.prefabs })
    sim:loadMod(K.MOD)
    sim:startCampaign(opts.sub or K.defaultSub(opts))
    local k = setmetatable({ sim = sim, players = {}, clients = {} }, K)
    if sim.isServer then
        for _, name in ipairs(opts.players or { "Alice" }) do
            local c = sim:addClient({ name = name })
            k.clients[#k.clients + 1] = c
            k.players[#k.players + 1] = c.Character
        end
    else
        k.players[1] = sim.player
    end
    k.player = k.players[1]
    for key, v in pairs(opts.faults or {}) do sim.faults[key] = v end
    if opts.seed ~= nil then k:seed(opts.seed) end
    return k
end

function K:api() return self.sim.env.DatabaseIO end
function K:tick(n) self.sim:tick(n or 1) end

--- The first item of an identifier (or the n-th).
function K:find(identifier, n)
    return self.sim:findAll(identifier)[n or 1]
end
function K:wall(n) return self:find("databaseterminalfixed", n) end
function K:handheld() return self:find("databaseterminal") end

--- Stores items through the public API: entries { id=, count=, condition=, quality= }.
function K:seed(list)
    local api = self:api()
    for _, e in ipairs(list) do
        for _ = 1, e.count or 1 do
            local item = self.sim:spawnNow(e.id, { condition = e.condition, quality = e.quality, contents = e.contents })
            local r = api.ingest(item, e.db or "default", "seed")
            assert(r.ok, r.message)
        end
    end
    self:tick(2)
end

function K:inspect()
    return self.sim.env.Hook.Call("databaseio.terminal.inspect")
end

--- Items in terminals on their way into the database (item id -> true).
function K:pendingIngest()
    return self:inspect().incoming
end

--- The session line of a terminal item, or nil.
function K:session(item)
    for _, s in ipairs(self:inspect().sessions) do
        if s.item == item.ID then return s end
    end
    return nil
end

function K:state(item)
    local s = self:session(item)
    return s and s.state or "idle"
end

--- Ticks until the terminal's page is open (or `limit` ticks passed). Returns the state.
function K:settle(item, limit)
    for _ = 1, limit or 240 do
        self:tick(1)
        local st = self:state(item)
        if st == "open" or st == "idle" then
            -- one more upkeep round so every spawn callback and return has landed
            if st == "open" then return st end
        end
    end
    return self:state(item)
end

--- Ticks until nothing is pending: pages open or idle and no removal outstanding.
--- (Quiet for 40 updates in a row: longer than two upkeep rounds, so closes have started.)
function K:quiet(limit)
    local calm = 0
    for _ = 1, limit or 600 do
        self:tick(1)
        local busy = false
        for _, s in ipairs(self:inspect().sessions) do
            if s.state == "filling" or s.state == "clearing" then busy = true end
        end
        if busy then calm = 0 else calm = calm + 1 end
        if calm >= 40 then return true end
    end
    return false
end

function K:use(character, item)
    assert(self.sim:select(character, item))
end

--- Items in a terminal (optionally of one identifier), sorted by id.
function K:contents(terminal, identifier)
    local out = {}
    for _, item in ipairs(terminal.OwnInventory.AllItemsMod) do
        if identifier == nil or item.Prefab.Identifier.Value == identifier then out[#out + 1] = item end
    end
    table.sort(out, function(a, b) return a.ID < b.ID end)
    return out
end

function K:count(terminal, identifier)
    return #self:contents(terminal, identifier)
end

function K:press(character, terminal, label)
    return self.sim:pressButton(character, terminal, "dbioterminal." .. label)
end

function K:held(identifier)
    local api = self:api()
    local n = 0
    for q = 0, 3 do
        n = n + api.amount("default", identifier, q) + api.leased("default", identifier, q)
    end
    return n
end

--- Units per identifier: database (Working + leased) + unbooked live items (see the header).
function K:totals(identifiers)
    local booked = self:inspect().booked
    local t = {}
    for _, id in ipairs(identifiers or K.GOODS) do t[id] = self:held(id) end
    U.eachUnbooked(self.sim, booked, function(item)
        local id = item.Prefab.Identifier.Value
        if t[id] ~= nil then t[id] = t[id] + 1 end
    end)
    return t
end

--- The database as a snapshot (Working + leased), read through `dbio backup`.
K.snapshot = require("kits.interface_kit").snapshot

local function fullKey(identifier) return identifier end

--- Units with their contents, per accounting key: units the database owns (Working + leased,
--- nested contents included, read from a snapshot) + live items the mod has not booked (see the
--- header). `keyOf(identifier, conditionPercent)` names the key a unit counts under (default:
--- its identifier); `keys` lists the keys reported (missing ones are 0).
function K:units(keys, keyOf)
    keyOf = keyOf or fullKey
    local t = {}
    for _, key in ipairs(keys) do t[key] = 0 end
    local function add(key, n)
        if t[key] ~= nil then t[key] = t[key] + n end
    end
    U.eachSnapshotUnit(assert(self:snapshot()), function(id, condition, n) add(keyOf(id, condition), n) end)
    U.eachUnbooked(self.sim, self:inspect().booked, function(item)
        add(keyOf(item.Prefab.Identifier.Value, item.Condition / item.MaxCondition * 100), 1)
    end)
    return t
end

--- An accounting key that tells oxygen tanks apart by fill (full, empty, in between); every other
--- identifier is its own key. For K:units.
function K.tankKey(identifier, condition)
    if identifier ~= "oxygentank" then return identifier end
    if condition >= 99.99 then return "tank:full" end
    if condition <= 0.01 then return "tank:empty" end
    return "tank:part"
end

--- Counting per key over `keys` (K:units with keyOf), for specs that check every update:
--- units(k); same(expected, got, label) fails naming the first key that differs, with both
--- tables; watch(k, expected, n, label) ticks n updates and checks after each.
function K.counter(keys, keyOf)
    local C = {}
    local function show(t)
        local parts = {}
        for _, key in ipairs(keys) do parts[#parts + 1] = key .. "=" .. tostring(t[key]) end
        return table.concat(parts, " ")
    end
    function C.units(k) return k:units(keys, keyOf) end
    function C.same(expected, got, label)
        for _, key in ipairs(keys) do
            if expected[key] ~= got[key] then
                error(string.format("%s: %s is %d, expected %d\n expected %s\n got      %s", label, key, got[key], expected[key], show(expected), show(got)), 2)
            end
        end
    end
    function C.watch(k, expected, n, label)
        for i = 1, n do
            k:tick(1)
            C.same(expected, C.units(k), string.format("%s, update %d", label, i))
        end
    end
    return C
end

--- Live items with a lease marker (anywhere).
function K:marked()
    local out = {}
    for _, item in ipairs(self.sim:items()) do
        if string.find(string.lower(item.Tags), "dbio_lease:", 1, true) then out[#out + 1] = item end
    end
    return out
end

-- Console helpers shared with every end-to-end kit (test/kits/harness.lua).
K.command = require("kits.harness").command
K.verifyClean = require("kits.harness").verifyClean

function K:cleanup()
    self.sim:cleanup()
end

return K
