-- DatabaseIO.extract never drops units on the floor: a full target keeps them in the database, a
-- spawn the game never performs gives its units back after the timeout, and a spawn that lands
-- after that timeout is removed again, so no unit exists twice.
local K = require("kits.interface_kit")

local IDS = { "steel" }

describe("extract never drops on the floor", function()
    local k
    after_each(function()
        if k then k:cleanup() end
        k = nil
    end)

    --- A database holding 10 steel, stored through an interface.
    local function stocked(opts)
        k = K.new(opts)
        local steel = k:live("steel")
        for i = 1, 10 do k:put(steel[i], "hand") end
        k:tick(3)
        assert.are.equal(10, k:amount("steel"))
        return k:totals(IDS).steel
    end

    local function floorUnits(identifier)
        local n = 0
        for _, item in ipairs(k:live(identifier)) do
            if item.ParentInventory == nil then n = n + 1 end
        end
        return n
    end

    it("keeps the units in the database when the target is full", function()
        local total = stocked()
        -- Fill the empty cabinet's 16 slots with tools (one per slot).
        local out = k:named("out").OwnInventory
        for _ = 1, 16 do k.sim:spawnNow("screwdriver", { inventory = out }) end
        local r = k:api().extract("default", "steel", 5, out, "spec")
        assert.is_true(r.ok, r.message)
        k:tick(10)
        assert.are.equal(10, k:amount("steel"))
        assert.are.equal(0, floorUnits("steel"))
        assert.are.equal(total, k:totals(IDS).steel)
        assert.are.same({}, k.sim.errors)
    end)

    it("gives the units of a spawn that never happens back after the timeout", function()
        local dropping = true
        local total = stocked({ faults = { dropSpawn = function() return dropping end } })
        local r = k:api().extract("default", "steel", 4, k:named("out").OwnInventory, "spec")
        assert.is_true(r.ok, r.message)
        k:tick(10)
        assert.are.equal(6, k:amount("steel"))
        assert.are.equal(total, k:totals(IDS).steel) -- the 4 are leased, not gone
        k:tick(6 * 60)
        assert.are.equal(10, k:amount("steel"))
        assert.are.equal(total, k:totals(IDS).steel)
        assert.are.equal(0, floorUnits("steel"))
        assert.are.same({}, k.sim.errors)
    end)

    it("removes an item that lands after its spawn timed out (no duplicate)", function()
        -- Hold the spawns back (the game's queue stalls), then let them through after the timeout.
        local total = stocked()
        local world = k.sim.world
        local held = {}
        local queueSpawn = world.queueSpawn
        world.queueSpawn = function(self, req)
            if req.prefab and req.prefab.Identifier.Value == "steel" and not held.release then
                held[#held + 1] = req
                return
            end
            return queueSpawn(self, req)
        end
        local r = k:api().extract("default", "steel", 3, k:named("out").OwnInventory, "spec")
        assert.is_true(r.ok, r.message)
        assert.are.equal(3, #held)
        k:tick(6 * 60)
        assert.are.equal(10, k:amount("steel"))
        held.release = true
        local landed = 0
        for _, req in ipairs(held) do
            local report = req.onSpawned
            req.onSpawned = function(item)
                if item.ParentInventory ~= nil then landed = landed + 1 end
                return report(item)
            end
            queueSpawn(world, req)
        end
        k:tick(4)
        -- They landed in the cabinet, and were taken away again: each unit still exists once.
        assert.are.equal(3, landed)
        assert.are.equal(10, k:amount("steel"))
        assert.are.equal(0, #k:inside(k:named("out"), "steel"))
        assert.are.equal(total, k:totals(IDS).steel)
        local ok, report = k:verifyClean()
        assert.is_true(ok, report)
        assert.are.same({}, k.sim.errors)
    end)

    it("an item removed before its spawn callback leaves nothing behind that blocks a later item with its ID", function()
        -- The game gives a new entity the lowest free ID (Entity.FindFreeId), so the next spawn
        -- reuses the ID of an item removed before its callback. That item's removal was never
        -- going to be reported again (AddItemToRemoveQueue skips a removed item): nothing may be
        -- left waiting for it.
        local early, failing = true, false
        local total = stocked({ faults = {
            removeBeforeCallback = function() return early end,
            failPut = function() return failing end,
        } })
        assert.is_true(k:api().extract("default", "steel", 1, k:named("out").OwnInventory, "spec").ok)
        k:tick(2)
        early, failing = false, true
        local r = k:api().extract("default", "steel", 1, k:named("out").OwnInventory, "spec")
        assert.is_true(r.ok, r.message)
        -- the misplaced item (with the freed ID) is removed again at once and its unit is back
        for i = 1, 3 do
            k:tick(1)
            assert.are.equal(total, k:totals(IDS).steel, "update " .. i)
        end
        failing = false
        k:tick(400)
        assert.are.equal(0, floorUnits("steel"))
        assert.are.equal(total, k:totals(IDS).steel)
        local ok, report = k:verifyClean()
        assert.is_true(ok, report)
        assert.are.same({}, k.sim.errors)
    end)

    it("a placement that fails lands nothing on the floor for good", function()
        local failing = false
        local total = stocked({ faults = { failPut = function() return failing end } })
        failing = true
        local r = k:api().extract("default", "steel", 2, k:named("out").OwnInventory, "spec")
        assert.is_true(r.ok, r.message)
        k:tick(5)
        failing = false
        k:tick(5)
        assert.are.equal(10, k:amount("steel"))
        assert.are.equal(0, floorUnits("steel"))
        assert.are.equal(total, k:totals(IDS).steel)
        assert.are.same({}, k.sim.errors)
    end)
end)
