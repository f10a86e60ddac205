-- Entity.Spawner in the simulated runtime: queued spawns and removals land on the next update.
local K = require("sim.testkit")

describe("simulated EntitySpawner", function()
    local sim, env
    before_each(function()
        sim = K.new({ noMod = true })
        sim:startCampaign({ items = { { id = "toolbox" } } })
        env = sim.env
    end)
    after_each(function() sim:cleanup() end)

    local function prefab(id) return env.ItemPrefab.GetItemPrefab(id) end

    it("lands on the next tick, then calls onSpawned with the placed item", function()
        local inv = sim:find("toolbox").OwnInventory
        local got
        env.Entity.Spawner.AddItemToSpawnQueue(prefab("steel"), inv, nil, nil, function(item) got = item end)
        assert.are.equal(0, sim:countUnits("steel"))
        assert.is_nil(got)
        sim:tick()
        assert.are.equal(1, sim:countUnits("steel"))
        assert.are.equal(inv, got.ParentInventory)
        assert.are.equal(got, inv:GetItemAt(0))
    end)

    it("applies condition and quality after item.created and before the put", function()
        local inv = sim:find("toolbox").OwnInventory
        sim:spawnNow("steel", { inventory = inv })
        local atCreated
        env.Hook.Add("item.created", "spec", function(item) atCreated = item.Condition end)
        local got
        env.Entity.Spawner.AddItemToSpawnQueue(prefab("steel"), inv, 40, 0, function(item) got = item end)
        sim:tick()
        assert.are.equal(100, atCreated)
        assert.are.equal(40, got.Condition)
        -- a damaged unit does not join the full stack
        assert.are.equal(1, inv:FindIndex(got))
    end)

    it("drops the item into the world when the inventory is full", function()
        local suit = sim:spawnNow("divingsuit", { contents = { { id = "oxygentank" } } })
        local got
        env.Entity.Spawner.AddItemToSpawnQueue(prefab("oxygentank"), suit.OwnInventory, nil, nil, function(item) got = item end)
        sim:tick()
        assert.is_nil(got.ParentInventory)
        assert.are.equal(env.Submarine.MainSub, got.Submarine)
        assert.are.equal(2, sim:countUnits("oxygentank"))
    end)

    it("skips the spawn when spawnIfInventoryFull is false and the prefab cannot go in", function()
        local suit = sim:spawnNow("divingsuit", { contents = { { id = "oxygentank" } } })
        local called = false
        env.Entity.Spawner.AddItemToSpawnQueue(prefab("oxygentank"), suit.OwnInventory, nil, nil,
            function() called = true end, false)
        sim:tick(2)
        assert.is_false(called)
        assert.are.equal(1, sim:countUnits("oxygentank"))
    end)

    it("spawns at a world position", function()
        local got
        -- a bare table is not a Vector2: the call fails like a failed CLR conversion
        assert.has_error(function()
            env.Entity.Spawner.AddItemToSpawnQueue(prefab("crowbar"), { X = 12, Y = -3 })
        end)
        local pos = sim:find("toolbox").WorldPosition
        env.Entity.Spawner.AddItemToSpawnQueue(prefab("crowbar"), pos, nil, nil, function(i) got = i end)
        sim:tick()
        assert.are.equal(pos.X, got.WorldPosition.X)
        assert.is_nil(got.ParentInventory)
    end)

    it("dropSpawn fault: the spawn silently never happens", function()
        local inv = sim:find("toolbox").OwnInventory
        sim.faults.dropSpawn = function(id) return id == "steel" end
        local called = 0
        env.Entity.Spawner.AddItemToSpawnQueue(prefab("steel"), inv, nil, nil, function() called = called + 1 end)
        env.Entity.Spawner.AddItemToSpawnQueue(prefab("copper"), inv, nil, nil, function() called = called + 1 end)
        sim:tick(3)
        assert.are.equal(1, called)
        assert.are.equal(0, sim:countUnits("steel"))
        assert.are.equal(1, sim:countUnits("copper"))
    end)

    it("removeBeforeCallback fault: the item is gone when onSpawned runs", function()
        local inv = sim:find("toolbox").OwnInventory
        sim.faults.removeBeforeCallback = function() return true end
        local removed
        env.Entity.Spawner.AddItemToSpawnQueue(prefab("steel"), inv, nil, nil, function(i) removed = i.Removed end)
        sim:tick()
        assert.is_true(removed)
        assert.are.equal(0, sim:countUnits("steel"))
    end)

    -- EntitySpawner.Update (SharedSource/Networking/EntitySpawner.cs) dequeues until the queue is
    -- empty, so what a callback queues lands in the same update.
    it("a spawn queued inside a callback lands in the same update", function()
        local inv = sim:find("toolbox").OwnInventory
        env.Entity.Spawner.AddItemToSpawnQueue(prefab("steel"), inv, nil, nil, function()
            env.Entity.Spawner.AddItemToSpawnQueue(prefab("copper"), inv)
        end)
        sim:tick()
        assert.are.equal(1, sim:countUnits("steel"))
        assert.are.equal(1, sim:countUnits("copper"))
    end)

    -- EntitySpawner keeps one spawnOrRemoveQueue: spawns and removals run in the order queued.
    it("spawns and removals share one queue and run in the order they were queued", function()
        local a = sim:spawnNow("steel")
        local b = sim:spawnNow("steel")
        local events = {}
        env.Hook.Add("item.created", "spec", function(item) events[#events + 1] = "created:" .. item.Prefab.Identifier.Value end)
        env.Hook.Add("item.removed", "spec", function(item) events[#events + 1] = "removed:" .. item.Prefab.Identifier.Value end)
        local freed = a.ID
        env.Entity.Spawner.AddItemToRemoveQueue(a)
        local got
        env.Entity.Spawner.AddItemToSpawnQueue(prefab("copper"), b.WorldPosition, nil, nil, function(i) got = i end)
        env.Entity.Spawner.AddItemToRemoveQueue(b)
        sim:tick()
        assert.are.same({ "removed:steel", "created:copper", "removed:steel" }, events)
        -- the removal ran first, so the spawn already reuses the freed ID in the same update
        assert.are.equal(freed, got.ID)
    end)

    -- AddItemToRemoveQueue queues the item's contained items when it is called.
    it("a queued removal takes the items that were inside when it was queued", function()
        local box = sim:spawnNow("toolbox", { contents = { { id = "steel", count = 2 } } })
        env.Entity.Spawner.AddItemToRemoveQueue(box)
        local out = box.OwnInventory:GetItemAt(0)
        assert.is_true(sim:dropItem(out))
        sim:tick()
        assert.is_true(box.Removed)
        assert.is_true(out.Removed)
        assert.are.equal(0, sim:countUnits("steel"))
    end)

    it("lets an error in onSpawned leave the update; the next spawn lands in the next update", function()
        -- EntitySpawner.Update calls the callback without a try/catch (test/sim/world.lua).
        local inv = sim:find("toolbox").OwnInventory
        env.Entity.Spawner.AddItemToSpawnQueue(prefab("steel"), inv, nil, nil, function() error("boom") end)
        env.Entity.Spawner.AddItemToSpawnQueue(prefab("copper"), inv)
        local ok, err = pcall(sim.tick, sim)
        assert.is_false(ok)
        assert.matches("EntitySpawner.Update", tostring(err))
        assert.matches("boom", tostring(err))
        assert.are.equal(1, #sim.errors)
        assert.matches("boom", sim.errors[1])
        assert.are.equal(0, sim:countUnits("copper"))
        sim:tick()
        assert.are.equal(1, sim:countUnits("copper"))
    end)

    it("removes on the next tick, contents too, firing item.removed for each", function()
        local box = sim:spawnNow("toolbox", { contents = { { id = "steel", count = 3 }, { id = "wrench" } } })
        local removed = {}
        env.Hook.Add("item.removed", "spec", function(item) removed[#removed + 1] = item.Prefab.Identifier.Value end)
        env.Entity.Spawner.AddEntityToRemoveQueue(box)
        assert.are.equal(3, sim:countUnits("steel"))
        sim:tick()
        assert.are.equal(0, sim:countUnits("steel"))
        assert.are.same({ "toolbox", "steel", "steel", "steel", "wrench" }, removed)
        assert.is_true(box.Removed)
    end)

    it("reuses the lowest free entity ID", function()
        local a = sim:spawnNow("steel")
        local b = sim:spawnNow("steel")
        local freed = a.ID
        env.Entity.Spawner.AddItemToRemoveQueue(a)
        sim:tick()
        local got
        env.Entity.Spawner.AddItemToSpawnQueue(prefab("copper"), b.WorldPosition, nil, nil, function(i) got = i end)
        sim:tick()
        assert.are.equal(freed, got.ID)
        assert.are.equal(got, env.Entity.FindEntityByID(freed))
    end)

    it("drops queued spawns when the round unloads", function()
        sim.env.Entity.Spawner.AddItemToSpawnQueue(prefab("steel"), sim:find("toolbox").OwnInventory)
        sim:mpEndWithoutSave({ nextRound = true })
        sim:tick(2)
        assert.are.equal(0, sim:countUnits("steel"))
    end)

    it("advances the clock by 1/60 s and fires think on every tick", function()
        local thinks = 0
        env.Hook.Add("think", "spec", function() thinks = thinks + 1 end)
        local t0 = env.Timer.GetTime()
        sim:tick(120)
        assert.are.equal(120, thinks)
        assert.is_true(math.abs(env.Timer.GetTime() - t0 - 2) < 1e-9)
    end)
end)
