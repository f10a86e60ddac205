-- Interfaces ingest what players put into them: plain items aggregate under their key, damaged
-- items and items with contents become exact entries (nested container and slot kept), stolen
-- goods keep their data, and a save carries all of it across a level transition.
local K = require("kits.interface_kit")

describe("interface ingest", function()
    local k
    after_each(function()
        if k then k:cleanup() end
        k = nil
    end)

    it("stores plain items put into a handheld interface as one aggregated count", function()
        k = K.new()
        local steel = k:live("steel")
        assert.are.equal(20, #steel)
        -- Two stacks from the cabinet: 12 and 8 units.
        assert.is_true(k:put(steel[1], "hand"))
        assert.is_true(k:put(steel[13], "hand"))
        k:tick(3)
        assert.are.equal(2, k:amount("steel"))
        assert.are.equal(18, k.sim:countUnits("steel"))
        assert.are.same({}, k:inside(k:named("hand")))
        assert.are.same({}, k:chat())
        assert.are.same({}, k.sim.errors)
    end)

    it("stores damaged items and items with contents as exact entries", function()
        k = K.new({ extra = {
            { id = "twinbox", key = "twin", inside = "cab",
              contents = { { id = "steel", container = 2, slot = 1 }, { id = "screwdriver", container = 1, slot = 0 } } },
        } })
        local damaged
        for _, w in ipairs(k:live("wrench")) do if w.Condition < w.MaxCondition then damaged = w end end
        assert.is_true(k:put(damaged, "wall"))
        assert.is_true(k:put(k:live("toolbox")[1], "wall"))
        assert.is_true(k:put(k:live("twinbox")[1], "wall"))
        k:tick(3)
        local exact = k:exact()
        assert.are.equal(3, #exact)
        local byId = {}
        for _, e in ipairs(exact) do byId[e.record.identifier] = e.record end
        assert.are.equal(40, byId.wrench.condition)
        assert.are.equal(2, #byId.toolbox.contents)
        local crowbar
        for _, c in ipairs(byId.toolbox.contents) do if c.record.identifier == "crowbar" then crowbar = c end end
        assert.are.equal(70, crowbar.record.condition)
        -- The twin box remembers which of its two containers and which slot each child was in.
        local where = {}
        for _, c in ipairs(byId.twinbox.contents) do where[c.record.identifier] = { c.container, c.slot } end
        assert.are.same({ 1, 1 }, where.steel)
        assert.are.same({ 0, 0 }, where.screwdriver)
        assert.are.equal(0, k.sim:countUnits("toolbox"))
        assert.are.equal(0, k.sim:countUnits("crowbar"))
        assert.are.equal(0, k.sim:countUnits("twinbox"))
        assert.are.same({}, k.sim.errors)
    end)

    it("keeps stolen goods taken out of their outpost as exact entries with their data", function()
        k = K.new({ extra = {
            { id = "copper", inside = "cab", stolen = true, outpost = "前哨站 Delta", allowStealing = false },
        } })
        local loot
        for _, c in ipairs(k:live("copper")) do if c.StolenDuringRound then loot = c end end
        assert.is_false(loot.Illegitimate)
        assert.is_true(k:put(loot, "hand"))
        k:tick(3)
        local exact = k:exact()
        assert.are.equal(1, #exact)
        assert.is_true(exact[1].record.stolen)
        assert.are.equal("前哨站 Delta", exact[1].record.outpost)
        -- Offered under copper#0 like any copper, but kept apart from the plain units.
        assert.are.equal(1, k:amount("copper"))
        assert.are.same({}, k.sim.errors)
    end)

    it("carries what interfaces stored across a level transition (saved, not in the world)", function()
        k = K.new()
        local before = { steel = k.sim:countUnits("steel"), copper = k.sim:countUnits("copper") }
        for i, item in ipairs(k:live("steel")) do if i <= 3 then k:put(item, "hand") end end
        k:put(k:live("copper")[1], "wall")
        k:put(k:live("toolbox")[1], "unpack")
        k:tick(3)
        k.sim:mpTransition()
        k:tick(3)
        assert.are.equal(3, k:amount("steel"))
        assert.are.equal(before.steel - 3, k.sim:countUnits("steel"))
        assert.are.equal(1, k:amount("copper"))
        assert.are.equal(before.copper - 1, k.sim:countUnits("copper"))
        -- The unpack interface took the toolbox's contents and kept the toolbox.
        assert.are.equal(1, k.sim:countUnits("toolbox"))
        assert.are.equal(0, k.sim:countUnits("screwdriver"))
        assert.are.equal(0, k.sim:countUnits("crowbar"))
        assert.are.equal(1, k:amount("screwdriver"))
        local ok, report = k:verifyClean()
        assert.is_true(ok, report)
        assert.are.same({}, k.sim.errors)
    end)
end)
