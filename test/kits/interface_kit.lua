-- Shared setup for the interface specs (test/spec/interface_*_spec.lua): the built mod
-- (dist/DatabaseIO) in the simulated game, a submarine with a Database Core, every interface
-- kind and a stocked cabinet, a player, and the accounting the specs assert on.
local Sim = require("sim.runtime")
local codec = require("core.codec")
local U = require("kits.units")

local K = {}
K.__index = K
K.MOD = Sim.ROOT .. "/dist/DatabaseIO"

-- A test-only item with two containers, so a record's container index matters.
K.TWINBOX = { identifier = "twinbox", name = { en = "Twin Box", zh = "双格箱" }, category = "Equipment",
    tags = { "smallitem", "container" }, maxStackSize = 1, maxCondition = 100,
    components = {
        { type = "ItemContainer", capacity = 2, maxStackSize = 8, containable = { "smallitem" } },
        { type = "ItemContainer", capacity = 2, maxStackSize = 8, containable = { "smallitem" } },
    } }

--- The default submarine: core, the four interfaces, a cabinet of goods, an empty cabinet.
function K.defaultSub(opts)
    opts = opts or {}
    local items = {}
    if not opts.noCore then items[#items + 1] = { id = "databasecore", key = "core", memory = opts.coreMemory } end
    local rest = {
        { id = "databaseinterface", key = "hand" },
        { id = "databaseinterfacefixed", key = "wall" },
        { id = "databaseunpackinterface", key = "unpack" },
        { id = "databaseunpackinterfacefixed", key = "unpackwall" },
        { id = "storagecabinet", key = "cab" },
        { id = "steel", count = 12, inside = "cab" },
        { id = "steel", count = 8, inside = "cab" },
        { id = "copper", count = 6, inside = "cab" },
        { id = "plastic", count = 4, inside = "cab" },
        { id = "wrench", inside = "cab" },
        { id = "wrench", inside = "cab", condition = 40 },
        { id = "toolbox", inside = "cab", key = "box",
          contents = { { id = "screwdriver" }, { id = "crowbar", condition = 70 } } },
        { id = "storagecabinet", key = "out" },
    }
    for _, e in ipairs(rest) do items[#items + 1] = e end
    for _, e in ipairs(opts.extra or {}) do items[#items + 1] = e end
    return { name = "Interface Sub", items = items }
end

local function mkdir(path)
    assert(os.execute("mkdir -p '" .. path .. "'"))
end

--- opts: mode ("server"), config ({maxUnits=, maxKeys=}), sub, faults, prefabs, player (name).
function K.new(opts)
    opts = opts or {}
    local prefabs = { K.TWINBOX }
    for _, p in ipairs(opts.prefabs or {}) do prefabs[#prefabs + 1] = p end
    local sim = Sim.new({ mode = opts.mode or "server", language = opts.language, prefabs = prefabs })
    if opts.config then
        mkdir(sim.saveFolder .. "/DatabaseIO")
        local f = assert(io.open(sim.saveFolder .. "/DatabaseIO/config.txt", "w"))
        for k, v in pairs(opts.config) do f:write(string.format("%s = %d\n", k, v)) end
        f:close()
    end
    for k, v in pairs(opts.faults or {}) do sim.faults[k] = v end
    sim:loadMod(K.MOD)
    sim:startCampaign(opts.sub or K.defaultSub(opts))
    local k = setmetatable({ sim = sim }, K)
    if sim.isServer then
        k.client = sim:addClient({ name = opts.player or "Alice" })
        k.player = k.client.Character
    else
        k.player = sim.player
    end
    return k
end

function K:api() return self.sim.env.DatabaseIO end
function K:tick(n) self.sim:tick(n or 1) end

--- The item of the default submarine named `key` (by identifier and creation order).
function K:named(key)
    local ids = { hand = "databaseinterface", wall = "databaseinterfacefixed", unpack = "databaseunpackinterface",
        unpackwall = "databaseunpackinterfacefixed", core = "databasecore" }
    if ids[key] then return self:live(ids[key])[1] end
    if key == "cab" then return self:live("storagecabinet")[1] end
    if key == "out" then return self:live("storagecabinet")[2] end
    if key == "box" then return self:live("toolbox")[1] end
    error("no item named " .. key)
end

--- Live items of an identifier, in ID order.
function K:live(identifier)
    local found = {}
    for _, item in ipairs(self.sim:findAll(identifier)) do
        if not item.Removed then found[#found + 1] = item end
    end
    table.sort(found, function(a, b) return a.ID < b.ID end)
    return found
end

--- Live items of an identifier lying directly in `container`'s first inventory.
function K:inside(container, identifier)
    local out = {}
    for _, item in ipairs(container.OwnInventory.AllItemsMod) do
        if identifier == nil or item.Prefab.Identifier.Value == identifier then out[#out + 1] = item end
    end
    table.sort(out, function(a, b) return a.ID < b.ID end)
    return out
end

--- The player drags `item` into the interface named `key` (or an item). Returns bool.
function K:put(item, device, character)
    if type(device) == "string" then device = self:named(device) end
    return self.sim:moveItem(item, device.OwnInventory, nil, character or self.player)
end

function K:amount(identifier, quality)
    return self:api().amount("default", identifier, quality or 0)
end

function K:exact()
    return self:api().exactEntries("default")
end

--- Chat lines a player got (all of them when `to` is nil).
function K:chat(to)
    local out = {}
    for _, line in ipairs(self.sim.chat or {}) do
        if to == nil or line.to == to then out[#out + 1] = line.text end
    end
    return out
end

--- Console lines containing `needle` (plain).
function K:printed(needle)
    local n = 0
    for _, line in ipairs(self.sim.printed) do
        if line:find(needle, 1, true) then n = n + 1 end
    end
    return n
end

-- Console helpers shared with every end-to-end kit (test/kits/harness.lua).
K.command = require("kits.harness").command
K.verifyClean = require("kits.harness").verifyClean

--- The database as a snapshot (Working + leased), read back through `dbio backup`.
function K:snapshot(db)
    db = db or "default"
    local lines = self:command("dbio backup " .. db)
    local name
    for _, line in ipairs(lines) do name = line:match("backed up as (%S+%.dbio)") or name end
    if name == nil then return nil, table.concat(lines, "\n") end
    local path = self.sim.saveFolder .. "/DatabaseIO/backups/" .. name
    local f = assert(io.open(path, "rb"))
    local blob = f:read("*a")
    f:close()
    os.remove(path)
    local decoded = codec.decodeSnapshot(blob)
    assert(decoded.ok, decoded.message)
    return decoded.value.snapshot
end

--- identifier -> units the database owns (Working + leased, nested contents included).
function K:dbUnits(db)
    return U.addSnapshot({}, assert(self:snapshot(db)))
end

--- identifier -> database units + live world units, for the given identifiers.
function K:totals(ids, db)
    local inDb = self:dbUnits(db)
    local t = {}
    for _, id in ipairs(ids) do t[id] = (inDb[id] or 0) + self.sim:countUnits(id) end
    return t, inDb
end

function K:errors()
    return table.concat(self.sim.errors, "\n")
end

function K:cleanup()
    self.sim:cleanup()
end

return K
