-- Shared setup for end-to-end specs: the real built mod (dist/DatabaseIO) in the simulated game.
--
--   local H = require("kits.harness")
--   local h = H.new({ mode = "server" })            -- campaign with a core and a stocked cabinet
--   h:ingest(h:find("steel", 3))                     -- through the public API
--   h:tick(2)
--   assert.are.equal(3, h:amount("steel"))
local Sim = require("sim.runtime")
local luassert = require("luassert")

local H = {}
H.__index = H
H.MOD = Sim.ROOT .. "/dist/DatabaseIO"

--- The default submarine: one Database Core, a cabinet with plain, damaged and nested items.
function H.defaultSub()
    return {
        name = "Harness Sub",
        items = {
            { id = "databasecore", key = "core" },
            { id = "storagecabinet", key = "cab" },
            { id = "steel", count = 10, inside = "cab" },
            { id = "copper", count = 6, inside = "cab" },
            { id = "wrench", inside = "cab" },
            { id = "wrench", inside = "cab", condition = 40 },
            { id = "toolbox", inside = "cab", key = "box",
              contents = { { id = "screwdriver" }, { id = "crowbar", condition = 70 } } },
            { id = "storagecabinet", key = "out" },
        },
    }
end

function H.new(opts)
    opts = opts or {}
    local sim = Sim.new({ mode = opts.mode or "server", language = opts.language, prefabs = opts.prefabs, luacs = opts.luacs })
    if opts.faults then
        for k, v in pairs(opts.faults) do sim.faults[k] = v end
    end
    sim:loadMod(H.MOD)
    sim:startCampaign(opts.sub or H.defaultSub())
    local h = setmetatable({ sim = sim }, H)
    return h
end

function H:api()
    return self.sim.env.DatabaseIO
end

function H:tick(n)
    self.sim:tick(n or 1)
end

--- Up to n live items of an identifier that lie in the "cab" cabinet or anywhere, in ID order.
function H:find(identifier, n)
    local found = {}
    for _, item in ipairs(self.sim:findAll(identifier)) do
        if not item.Removed then found[#found + 1] = item end
    end
    table.sort(found, function(a, b) return a.ID < b.ID end)
    if n == nil then return found end
    local out = {}
    for i = 1, math.min(n, #found) do out[i] = found[i] end
    return out
end

--- The empty cabinet of the default submarine ("out"): a target for extracts.
function H:emptyCabinet()
    for _, c in ipairs(self.sim:findAll("storagecabinet")) do
        if #c.OwnInventory.AllItemsMod == 0 then return c end
    end
    return nil
end

--- Ingests items through the public API; returns the results.
function H:ingest(items, db)
    local results = {}
    for i, item in ipairs(items) do
        results[i] = self:api().ingest(item, db or "default", "spec")
    end
    return results
end

function H:amount(identifier, quality, db)
    return self:api().amount(db or "default", identifier, quality or 0)
end

--- Units held by the database for an identifier at top level: available + leased, qualities 0..3
--- (exact entries included: they count under their key).
function H:held(identifier, db)
    local api = self:api()
    local n = 0
    for q = 0, 3 do
        n = n + api.amount(db or "default", identifier, q) + api.leased(db or "default", identifier, q)
    end
    return n
end

--- Every unit of an identifier, in the database (top level and nested in exact entries) and the world.
function H:total(identifier, db)
    local n = self.sim:countUnits(identifier) + self:held(identifier, db)
    local function nested(record)
        local c = 0
        for _, child in ipairs(record.contents) do
            if child.record.identifier == identifier then c = c + 1 end
            c = c + nested(child.record)
        end
        return c
    end
    for _, x in ipairs(self:api().exactEntries(db or "default")) do n = n + nested(x.record) end
    return n
end

--- Runs a console command; returns the lines it printed.
function H:command(line, client)
    local before = #self.sim.printed
    self.sim:runCommand(line, client)
    local out = {}
    for i = before + 1, #self.sim.printed do out[#out + 1] = self.sim.printed[i] end
    return out
end

function H:verifyClean()
    local lines = self:command("dbio verify")
    local last = lines[#lines] or ""
    -- " 0 finding(s)": a leading space, so "10 finding(s)" does not pass for clean
    return last:find(" 0 finding%(s%)") ~= nil, table.concat(lines, "\n")
end

function H:errors()
    return table.concat(self.sim.errors, "\n")
end

function H:cleanup()
    self.sim:cleanup()
end

--- Runs body(h) on a new harness (H.new(opts)) and cleans it up whether body fails or not; a
--- failure is raised again as it was.
function H.with(opts, body)
    local h = H.new(opts)
    local ok, err = pcall(body, h)
    h:cleanup()
    if not ok then error(err, 0) end
end

--- Printed lines as one text.
function H.joined(lines)
    return table.concat(lines, "\n")
end

--- Stores n items of an identifier through the public API (each must be accepted), then lets
--- the items leave the world.
function H:store(identifier, n)
    for _, r in ipairs(self:ingest(self:find(identifier, n))) do luassert.is_true(r.ok, r.message) end
    self:tick(2)
end

--- The blob a Database Core item holds (its MemoryComponent's value).
function H.coreBlob(item)
    return item:GetComponentString("MemoryComponent").Value
end

-- Mods written by a spec: a temporary folder each, removed by H.removeTempMods (a teardown).
local tempDirs = {}

--- A temporary mod folder whose Lua/Autorun/probe.lua is `source`; returns its path.
function H.tempMod(source)
    local dir = os.tmpname()
    os.remove(dir)
    assert(os.execute("mkdir -p '" .. dir .. "/Lua/Autorun'"))
    local f = assert(io.open(dir .. "/Lua/Autorun/probe.lua", "wb"))
    f:write(source)
    f:close()
    tempDirs[#tempDirs + 1] = dir
    return dir
end

--- Removes every folder H.tempMod made so far.
function H.removeTempMods()
    for _, dir in ipairs(tempDirs) do os.execute("rm -rf '" .. dir .. "'") end
    tempDirs = {}
end

return H
