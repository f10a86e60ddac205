-- Functions handed to the game run behind the mod's guard. The game calls a spawn callback
-- unguarded inside EntitySpawner.Update, so an error there leaves the spawner's update; the
-- simulated spawner does the same (test/sim/world.lua), and the mod must never let one through.
local Sim = require("sim.runtime")
local H = require("kits.harness")

local tempMod = H.tempMod
teardown(H.removeTempMods)

local function anyLine(lines, text)
    for _, line in ipairs(lines) do
        if line:find(text, 1, true) then return true end
    end
    return false
end

describe("simulated spawner", function()
    local sim
    after_each(function() if sim then sim:cleanup() end sim = nil end)

    it("an unguarded callback error leaves the update; the rest of the queue lands next update", function()
        sim = Sim.new({ mode = "server" })
        sim:loadMod(tempMod([[
LANDED = {}
Hook.Add("probe.queue", "probe", function(inventory)
    for i = 1, 3 do
        Entity.Spawner.AddItemToSpawnQueue(ItemPrefab.GetItemPrefab("steel"), inventory, 100, 0, function(item)
            LANDED[#LANDED + 1] = i
            if i == 2 then error("callback " .. i .. " failed") end
        end)
    end
end)
]]))
        sim:startCampaign({ name = "Probe Sub", items = { { id = "storagecabinet" } } })
        sim.lua:call("probe.queue", sim:find("storagecabinet").OwnInventory)
        local ok, err = pcall(sim.tick, sim, 1)
        assert.is_false(ok)
        assert.truthy(tostring(err):find("EntitySpawner.Update", 1, true), tostring(err))
        assert.truthy(tostring(err):find("callback 2 failed", 1, true), tostring(err))
        assert.are.same({ 1, 2 }, sim.env.LANDED)
        sim:tick(1)
        assert.are.same({ 1, 2, 3 }, sim.env.LANDED)
        assert.are.equal(3, sim:countUnits("steel"))
    end)
end)

describe("the built mod guards what it hands to the game", function()
    local h
    after_each(function() if h then h.sim:cleanup() end h = nil end)

    it("a spawn callback that raises is reported and breaks neither the spawn queue nor the tick", function()
        local hostile = 0
        h = H.new({ mode = "server", faults = {
            hostileSpawn = function(item)
                if item.Prefab.Identifier.Value ~= "steel" or hostile > 0 then return false end
                hostile = hostile + 1
                return true
            end,
        } })
        local api = h:api()
        h:ingest(h:find("steel", 4))
        h:ingest(h:find("copper", 2))
        h:tick(2)
        local out = h.sim:findAll("storagecabinet")
        table.sort(out, function(a, b) return a.ID < b.ID end)
        local inventory = out[#out].OwnInventory
        assert.is_true(api.extract("default", "steel", 2, inventory, "spec").ok)
        assert.is_true(api.extract("default", "copper", 2, inventory, "spec").ok)
        h.sim:tick(1)   -- raises out of the update when a callback is not guarded
        assert.are.equal(1, hostile)
        assert.is_true(anyLine(h.sim.errors, "[DatabaseIO] ERROR in spawn callback"), table.concat(h.sim.errors, "\n"))
        assert.is_false(anyLine(h.sim.errors, "EntitySpawner.Update"), table.concat(h.sim.errors, "\n"))
        -- The copper queued after the failing steel landed in the same update, and its lease closed.
        local copper = 0
        for _, it in ipairs(inventory.AllItemsMod) do
            if it.Prefab.Identifier.Value == "copper" then copper = copper + 1 end
        end
        assert.are.equal(2, copper)
        assert.are.equal(0, api.leased("default", "copper"))
        h.sim:tick(60)
    end)
end)
