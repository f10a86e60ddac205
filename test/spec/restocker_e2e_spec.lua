-- The auto-restocker on the built mod in the simulated game: fills what it is linked to, takes
-- only what fits, returns spent items, competes fairly, survives failed placements and every
-- lifecycle path without creating or destroying a unit.
local H = require("kits.harness")

-- A rack of three one-tank slots and a one-slot loader, as restock targets.
local PREFABS = {
    { identifier = "oxygenrack", name = "Oxygen Rack", category = "Machine", tags = { "container" }, pickable = false,
      components = { { type = "ItemContainer", capacity = 3, maxStackSize = 1, containable = { "oxygensource" } } } },
    { identifier = "steelbin", name = "Steel Bin", category = "Machine", tags = { "container" }, pickable = false,
      components = { { type = "ItemContainer", capacity = 2, maxStackSize = 64 } } },
}

local TANKS = "oxygentank amount=1 per=slot spent=yes"

--- A campaign with a core, a restocker linked to a rack, and `stock` tanks in a cabinet.
local function setup(opts)
    opts = opts or {}
    local items = {
        { id = "databasecore", key = "core" },
        { id = "databaserestocker", key = "r", signals = { ["restocker.config"] = opts.config or TANKS },
          links = opts.links or { "rack" }, tags = opts.restockerTags },
        { id = "oxygenrack", key = "rack" },
        { id = "storagecabinet", key = "cab" },
        { id = "storagecabinet", key = "out" },
    }
    if (opts.stock or 0) > 0 then items[#items + 1] = { id = "oxygentank", count = opts.stock, inside = "cab" } end
    for _, extra in ipairs(opts.extra or {}) do items[#items + 1] = extra end
    local h = H.new({ mode = opts.mode or "server", prefabs = PREFABS, faults = opts.faults,
                      sub = { name = "Restock Sub", items = items } })
    h.rack = h.sim:find("oxygenrack")
    h.restocker = h.sim:find("databaserestocker")
    h.cab = h.sim:findAll("storagecabinet")[1]
    h.out = h.sim:findAll("storagecabinet")[2]
    return h
end

--- Ingests every tank of the cabinet into the database, then lets the game settle.
local function stockDatabase(h)
    local tanks = {}
    for _, item in ipairs(h.cab.OwnInventory.AllItemsMod) do tanks[#tanks + 1] = item end
    for _, result in ipairs(h:ingest(tanks)) do assert.is_true(result.ok, result.message) end
    h:tick(3)
end

local function inRack(h, identifier)
    local n = 0
    local rack = h.sim:find("oxygenrack") -- looked up again: a new round has new items
    for _, item in ipairs(rack.OwnInventory.AllItemsMod) do
        if item.Prefab.Identifier.Value == (identifier or "oxygentank") then n = n + 1 end
    end
    return n
end

--- Live tanks that lie in no container and no character (on the floor).
local function onFloor(h)
    local n = 0
    for _, item in ipairs(h.sim:findAll("oxygentank")) do
        if not item.Removed and item.ParentInventory == nil then n = n + 1 end
    end
    return n
end

local function assertClean(h)
    assert.are.equal("", h:errors())
    local clean, report = h:verifyClean()
    assert.is_true(clean, report)
end

describe("restocker", function()
    local h
    after_each(function()
        if h then h:cleanup() end
        h = nil
    end)

    it("fills an empty target from the database and takes only what fits", function()
        h = setup({ stock = 5 })
        stockDatabase(h)
        h:tick(130) -- a sweep or two
        assert.are.equal(3, inRack(h))
        assert.are.equal(2, h:amount("oxygentank"))
        assert.are.equal(5, h:total("oxygentank"))
        assert.are.equal(0, onFloor(h))
        assertClean(h)
    end)

    it("wakes on a store event for its item without waiting for a sweep", function()
        h = setup({ stock = 1 })
        h:tick(130) -- past the first sweeps: nothing to do yet
        assert.are.equal(0, inRack(h))
        stockDatabase(h) -- 3 ticks: removal, insert event, restock, spawn
        h:tick(2)
        assert.are.equal(1, inRack(h))
        assert.are.equal(0, h:amount("oxygentank"))
        assertClean(h)
    end)

    it("takes nothing when the target is full", function()
        h = setup({ stock = 4, extra = { { id = "oxygentank", count = 3, inside = "rack" } } })
        stockDatabase(h)
        h:tick(300)
        assert.are.equal(3, inRack(h))
        assert.are.equal(4, h:amount("oxygentank"))
        assert.are.equal(0, #h:api().exactEntries("default"))
        assert.are.equal(7, h:total("oxygentank"))
        assertClean(h)
    end)

    it("keeps a per-container target", function()
        h = setup({ stock = 10, config = "steel per=container amount=5", links = { "bin" },
                    extra = { { id = "steelbin", key = "bin" }, { id = "steel", count = 2, inside = "bin" },
                              { id = "steel", count = 6, inside = "cab" } } })
        stockDatabase(h)
        h:tick(130)
        local bin = h.sim:find("steelbin")
        local n = 0
        for _, item in ipairs(bin.OwnInventory.AllItemsMod) do
            if item.Prefab.Identifier.Value == "steel" then n = n + 1 end
        end
        assert.are.equal(5, n)
        assert.are.equal(3, h:amount("steel"))
        assertClean(h)
    end)

    it("does nothing once its target is removed", function()
        h = setup({ stock = 5 })
        h.sim:removeNow(h.rack)
        stockDatabase(h)
        h:tick(300)
        assert.are.equal(5, h:amount("oxygentank"))
        assert.are.equal(5, h:total("oxygentank"))
        assertClean(h)
    end)

    it("idles without power and resumes when power returns", function()
        h = setup({ stock = 5 })
        h.sim:setVoltage(h.restocker, 0)
        stockDatabase(h)
        h:tick(300)
        assert.are.equal(0, inRack(h))
        assert.are.equal(5, h:amount("oxygentank"))
        h.sim:setVoltage(h.restocker, 1)
        h:tick(130)
        assert.are.equal(3, inRack(h))
        assert.are.equal(2, h:amount("oxygentank"))
        assertClean(h)
    end)

    it("does nothing when the database has no stock", function()
        h = setup({ stock = 0 })
        h:tick(300)
        assert.are.equal(0, inRack(h))
        assert.are.equal(0, h:total("oxygentank"))
        assertClean(h)
    end)

    it("puts a spent item back into the database and refills its slot", function()
        h = setup({ stock = 3, extra = { { id = "oxygentank", inside = "rack", condition = 0 } } })
        stockDatabase(h)
        h:tick(300)
        assert.are.equal(3, inRack(h))
        for _, item in ipairs(h.rack.OwnInventory.AllItemsMod) do assert.are.equal(100, item.Condition) end
        -- The empty tank is an exact entry now; no full one is left.
        local exact = h:api().exactEntries("default")
        assert.are.equal(1, #exact)
        assert.are.equal(0, exact[1].record.condition)
        assert.are.equal(1, h:amount("oxygentank"))
        assert.are.equal(4, h:total("oxygentank"))
        assertClean(h)
    end)

    it("leaves spent items alone when told to", function()
        h = setup({ stock = 3, config = "oxygentank spent=no", extra = { { id = "oxygentank", inside = "rack", condition = 0 } } })
        stockDatabase(h)
        h:tick(300)
        assert.are.equal(3, inRack(h))
        assert.are.equal(1, h:amount("oxygentank"))
        assert.are.equal(0, #h:api().exactEntries("default"))
        assertClean(h)
    end)

    it("gives the last unit to exactly one of two restockers and a player", function()
        h = setup({ stock = 1, restockerTags = "restocker:off",
                    extra = { { id = "databaserestocker", key = "r2", signals = { ["restocker.config"] = TANKS },
                                links = { "rack2" }, tags = "restocker:off" },
                              { id = "oxygenrack", key = "rack2" } } })
        stockDatabase(h)
        assert.are.equal(1, h:amount("oxygentank"))
        local r2 = h.sim:findAll("databaserestocker")[2]
        -- Both switch on and the player asks, all before the next update.
        h.sim:sendSignal(h.restocker, "set_state", "1")
        h.sim:sendSignal(r2, "set_state", "1")
        local asked = h:api().extract("default", "oxygentank", 1, h.out.OwnInventory, "player")
        h:tick(10)
        local rack2 = h.sim:findAll("oxygenrack")[2]
        local placed = inRack(h)
        local n2 = 0
        for _ in ipairs(rack2.OwnInventory.AllItemsMod) do n2 = n2 + 1 end
        local nOut = #h.out.OwnInventory.AllItemsMod
        assert.are.equal(1, placed + n2 + nOut)
        assert.are.equal(asked.ok and 1 or 0, nOut)
        assert.are.equal(0, h:amount("oxygentank"))
        assert.are.equal(1, h:total("oxygentank"))
        assertClean(h)
    end)

    it("sends units back when placement fails, with nothing left on the floor", function()
        local failing = false
        h = setup({ stock = 5, faults = { failPut = function(_, inventory)
            return failing and inventory.Owner ~= nil and inventory.Owner.Prefab ~= nil
                and inventory.Owner.Prefab.Identifier.Value == "oxygenrack"
        end } })
        failing = true
        stockDatabase(h)
        for _ = 1, 10 do
            h:tick(30)
            assert.are.equal(5, h:total("oxygentank"))
        end
        assert.are.equal(0, inRack(h))
        assert.are.equal(0, onFloor(h))
        assert.are.equal(5, h:amount("oxygentank"))
        assert.are.equal(0, h:api().leased("default", "oxygentank", 0))
        -- It backs off instead of sending the same units again every sweep; then tries again.
        failing = false
        h:tick(130)
        assert.are.equal(0, inRack(h))
        h:tick(60 * 30)
        assert.are.equal(3, inRack(h))
        assert.are.equal(5, h:total("oxygentank"))
        assertClean(h)
    end)

    it("switches on a toggle edge, not on every frame of a signal, and on set_state", function()
        h = setup({ stock = 5 })
        local env = h.sim.env
        assert.is_false(h.restocker.HasTag("restocker:off"))
        for _ = 1, 20 do -- a continuous signal: one toggle
            h.sim:sendSignal(h.restocker, "toggle", "1")
            h:tick(1)
        end
        assert.is_true(h.restocker.HasTag("restocker:off"))
        stockDatabase(h)
        h:tick(130)
        assert.are.equal(0, inRack(h))
        h:tick(30) -- the signal stopped; a new pulse toggles again
        h.sim:sendSignal(h.restocker, "toggle", "1")
        h:tick(130)
        assert.is_false(h.restocker.HasTag("restocker:off"))
        assert.are.equal(3, inRack(h))
        h.sim:sendSignal(h.restocker, "set_state", "0")
        assert.is_true(h.restocker.HasTag("restocker:off"))
        h.sim:sendSignal(h.restocker, "set_state", "0")
        assert.is_true(h.restocker.HasTag("restocker:off"))
        h.sim:sendSignal(h.restocker, "set_state", "on")
        assert.is_false(h.restocker.HasTag("restocker:off"))
        assert.is_table(env)
        assertClean(h)
    end)

    it("is switched by its button and configured by its text field", function()
        h = setup({ stock = 5, config = "" })
        stockDatabase(h)
        h:tick(130)
        assert.are.equal(0, inRack(h)) -- nothing configured
        h.sim:setText(nil, h.restocker, "restocker.config", "tag:oxygensource amount=1")
        h:tick(130)
        assert.are.equal(3, inRack(h))
        h.sim:pressButton(nil, h.restocker, "restocker.toggle")
        assert.is_true(h.restocker.HasTag("restocker:off"))
        assertClean(h)
    end)

    it("takes one button press per quarter second (spam is ignored, the next press counts)", function()
        h = setup({ stock = 5, config = "" })
        -- ten presses at once: without the limit they would cancel out (even count)
        for _ = 1, 10 do h.sim:pressButton(nil, h.restocker, "restocker.toggle") end
        assert.is_true(h.restocker.HasTag("restocker:off"))
        h:tick(20)
        h.sim:pressButton(nil, h.restocker, "restocker.toggle")
        assert.is_false(h.restocker.HasTag("restocker:off"))
        assertClean(h)
    end)

    it("reads stock: tags when the text field is empty", function()
        h = setup({ stock = 5, config = "", restockerTags = "stock:oxygentank,stock:amount=1" })
        stockDatabase(h)
        h:tick(130)
        assert.are.equal(3, inRack(h))
        assertClean(h)
    end)
end)

describe("restocker through the round lifecycle", function()
    -- Each path runs with the restocker busy (units in flight) and checks conservation: units in
    -- the database + in the world equal what the last save held (or the live total when saved).
    local function busy(mode)
        local h = setup({ stock = 6, mode = mode })
        stockDatabase(h)
        h:tick(125)
        assert.are.equal(3, inRack(h))
        -- Empty the rack, then wake the restocker with a store event: one update later its
        -- units are leased to the spawner and their items not created yet when the path starts.
        for _, tank in ipairs(h.rack.OwnInventory.AllItemsMod) do h.sim:moveItem(tank, h.out.OwnInventory) end
        h:ingest({ h.out.OwnInventory.AllItemsMod[1] })
        h:tick(1)
        assert.are.equal(3, h:api().leased("default", "oxygentank", 0))
        return h
    end

    local function savedTotal(h)
        -- Units in the last save: world records + the database blob, read back by a fresh round.
        return h:total("oxygentank")
    end

    it("MP transition: capture then commit, the same state next round", function()
        local h = busy("server")
        local before = h:total("oxygentank")
        h.sim:mpTransition()
        h:tick(200)
        assert.are.equal(before, h:total("oxygentank"))
        assert.are.equal(3, inRack(h))
        assert.are.equal(1, h:amount("oxygentank"))
        assertClean(h)
        h:cleanup()
    end)

    it("MP end without save: back to the last save", function()
        local h = busy("server")
        h.sim:mpTransition()
        h:tick(2)
        local saved = savedTotal(h)
        -- Change things after the save: more tanks are ingested, the restocker moves them.
        for i = 1, 3 do h.sim:spawnNow("oxygentank", { inventory = h.sim:findAll("storagecabinet")[1].OwnInventory }) end
        local fresh = h.sim:findAll("storagecabinet")[1].OwnInventory.AllItemsMod
        h:ingest(fresh)
        h:tick(130)
        h.sim:mpEndWithoutSave()
        h.sim:startRound()
        h:tick(200)
        assert.are.equal(saved, h:total("oxygentank"))
        assertClean(h)
        h:cleanup()
    end)

    it("MP crew dead, server stop and restart, and reloadlua keep every unit", function()
        local h = busy("server")
        h.sim:mpTransition()
        h:tick(2)
        local saved = savedTotal(h)
        h:tick(60)
        h.sim:mpCrewDead({ nextRound = true })
        h:tick(200)
        assert.are.equal(saved, h:total("oxygentank"))
        local live = h:total("oxygentank")
        h.sim:reloadLua()
        h:tick(200)
        assert.are.equal(live, h:total("oxygentank"))
        h.sim:mpTransition()
        h:tick(2)
        saved = savedTotal(h)
        h:tick(60)
        h.sim:serverStop()
        h.sim:serverStart()
        h:tick(200)
        assert.are.equal(saved, h:total("oxygentank"))
        assertClean(h)
        h:cleanup()
    end)

    it("singleplayer: transition, save and quit, quit without saving, retry", function()
        local h = busy("singleplayer")
        local before = h:total("oxygentank")
        h.sim:spTransition()
        h:tick(200)
        assert.are.equal(before, h:total("oxygentank"))
        local saved = h:total("oxygentank")
        h:tick(30)
        h.sim:spQuitWithoutSaving()
        h.sim:spLoadGame()
        h:tick(200)
        assert.are.equal(saved, h:total("oxygentank"))
        h.sim:spMidRoundSave()
        saved = h:total("oxygentank")
        h:tick(60)
        h.sim:spGameOver()
        h.sim:spRetry()
        h:tick(200)
        assert.are.equal(saved, h:total("oxygentank"))
        h.sim:spSaveAndQuit()
        h.sim:spLoadGame()
        h:tick(200)
        assert.are.equal(saved, h:total("oxygentank"))
        assertClean(h)
        h:cleanup()
    end)
end)
