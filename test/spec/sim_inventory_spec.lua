-- Inventories of the simulated runtime: Barotrauma's stacking rules and TryPutItem behaviour.
local K = require("sim.testkit")

describe("simulated inventories", function()
    local sim
    before_each(function()
        sim = K.new({ noMod = true })
        sim:startCampaign({ items = {} })
    end)
    after_each(function() sim:cleanup() end)

    local function spawn(id, opts) return sim:spawnNow(id, opts) end

    it("stacks the same prefab in one slot up to min(prefab max stack, container max stack)", function()
        local toolbox = spawn("toolbox")
        local inv = toolbox.OwnInventory
        -- steel: prefab 12, toolbox: 8
        for _ = 1, 9 do assert.is_true(inv:TryPutItem(spawn("steel"), nil)) end
        assert.are.equal(8, #inv:GetItemsAt(0))
        assert.are.equal(1, #inv:GetItemsAt(1))
        -- bandages: prefab 8, cabinet 64
        local cabinet = spawn("storagecabinet")
        for _ = 1, 9 do assert.is_true(cabinet.OwnInventory:TryPutItem(spawn("antibleeding1"), nil)) end
        assert.are.equal(8, #cabinet.OwnInventory:GetItemsAt(0))
        assert.are.equal(1, #cabinet.OwnInventory:GetItemsAt(1))
    end)

    it("never puts more than 63 in a slot", function()
        local cabinet = spawn("storagecabinet")
        assert.are.equal(63, sim.env.ItemPrefab.GetItemPrefab("bigstack").MaxStackSize)
        for _ = 1, 64 do assert.is_true(cabinet.OwnInventory:TryPutItem(spawn("bigstack"), nil)) end
        assert.are.equal(63, #cabinet.OwnInventory:GetItemsAt(0))
        assert.are.equal(1, #cabinet.OwnInventory:GetItemsAt(1))
    end)

    it("stacks only the same quality", function()
        local inv = spawn("storagecabinet").OwnInventory
        local a = spawn("smgmagazine", { quality = 0 })
        local b = spawn("smgmagazine", { quality = 1 })
        local c = spawn("smgmagazine", { quality = 1 })
        assert.is_true(inv:TryPutItem(a, nil))
        assert.is_true(inv:TryPutItem(b, nil))
        assert.is_true(inv:TryPutItem(c, nil))
        assert.are.equal(0, inv:FindIndex(a))
        assert.are.equal(1, inv:FindIndex(b))
        assert.are.equal(1, inv:FindIndex(c))
    end)

    it("stacks only items that are both at full condition or both at zero", function()
        local inv = spawn("storagecabinet").OwnInventory
        local full = spawn("steel")
        local damaged1 = spawn("steel", { condition = 50 })
        local damaged2 = spawn("steel", { condition = 50 })
        local broken1 = spawn("steel", { condition = 0 })
        local broken2 = spawn("steel", { condition = 0 })
        assert.is_true(inv:TryPutItem(full, nil))
        assert.is_true(inv:TryPutItem(damaged1, nil))
        assert.is_true(inv:TryPutItem(damaged2, nil))
        assert.is_true(inv:TryPutItem(broken1, nil))
        assert.is_true(inv:TryPutItem(broken2, nil))
        assert.are.equal(0, inv:FindIndex(full))
        assert.are.equal(1, inv:FindIndex(damaged1))
        assert.are.equal(2, inv:FindIndex(damaged2))
        assert.are.equal(3, inv:FindIndex(broken1))
        assert.are.equal(3, inv:FindIndex(broken2))
        assert.is_false(inv:CanBePutInSlot(spawn("steel"), 3))
        assert.is_true(inv:CanBePutInSlot(spawn("steel"), 0))
    end)

    it("checks containable identifiers and tags", function()
        local suit = spawn("divingsuit")
        assert.is_false(suit.OwnInventory:CanBePut(spawn("weldingfueltank")))
        assert.is_false(suit.OwnInventory:TryPutItem(spawn("weldingfueltank"), nil))
        assert.is_true(suit.OwnInventory:TryPutItem(spawn("oxygentank"), nil))
        -- full: one slot, max stack 1
        assert.is_false(suit.OwnInventory:TryPutItem(spawn("oxygentank"), nil))
        -- a cabinet is not a small item
        assert.is_false(spawn("toolbox").OwnInventory:TryPutItem(spawn("storagecabinet"), nil))
    end)

    it("TryPutItem into one slot fails when that slot is full or incompatible", function()
        local inv = spawn("toolbox").OwnInventory
        for _ = 1, 8 do assert.is_true(inv:TryPutItem(spawn("steel"), 0, false, false, nil)) end
        assert.is_false(inv:TryPutItem(spawn("steel"), 0, false, false, nil))
        assert.is_true(inv:TryPutItem(spawn("copper"), 1, false, false, nil))
        assert.is_false(inv:TryPutItem(spawn("steel"), 1, true, false, nil))
        assert.is_false(inv:TryPutItem(spawn("steel"), 6, false, false, nil))
        assert.is_false(inv:TryPutItem(spawn("steel"), -1, false, false, nil))
        assert.is_true(inv:TryPutItem(spawn("steel"), 5, false, false, nil))
        assert.are.equal("steel", inv:GetItemAt(5).Prefab.Identifier.Value)
    end)

    it("TryPutItem without a slot stacks first, then takes the first empty slot", function()
        local inv = spawn("toolbox").OwnInventory
        assert.is_true(inv:TryPutItem(spawn("copper"), 2, false, false, nil))
        assert.is_true(inv:TryPutItem(spawn("steel"), nil))
        assert.is_true(inv:TryPutItem(spawn("copper"), nil))
        assert.are.equal("steel", inv:GetItemAt(0).Prefab.Identifier.Value)
        assert.are.equal(2, #inv:GetItemsAt(2))
    end)

    it("moving an item takes it out of its old inventory", function()
        local toolbox = spawn("toolbox")
        local cabinet = spawn("storagecabinet")
        local steel = spawn("steel", { inventory = toolbox.OwnInventory })
        assert.are.equal(toolbox, steel.Container)
        assert.is_true(cabinet.OwnInventory:TryPutItem(steel, nil))
        assert.is_true(toolbox.OwnInventory:IsEmpty())
        assert.are.equal(cabinet.OwnInventory, steel.ParentInventory)
        assert.are.equal(cabinet, steel.Container)
        -- already there: a second put is refused
        assert.is_false(cabinet.OwnInventory:TryPutItem(steel, nil))
        cabinet.OwnInventory:RemoveItem(steel)
        assert.is_nil(steel.ParentInventory)
        -- Inventory.RemoveItem sets ParentInventory = null, whose setter leaves Container as it
        -- was (only Item.Drop clears it): Barotrauma SharedSource/Items/Inventory.cs, Item.cs
        assert.are.equal(cabinet, steel.Container)
        assert.is_true(cabinet.OwnInventory:IsEmpty())
    end)

    it("never puts an item inside itself", function()
        local a = spawn("toolbox")
        local b = spawn("toolbox")
        assert.is_false(a.OwnInventory:TryPutItem(a, nil))
        assert.is_true(b.OwnInventory:TryPutItem(a, nil))
        assert.is_false(a.OwnInventory:TryPutItem(b, nil))
        assert.are.equal(b, a.RootContainer)
    end)

    it("lists items: GetItemAt, GetItemsAt, FindIndex, AllItems, AllItemsMod", function()
        local inv = spawn("toolbox").OwnInventory
        local s1 = spawn("steel", { inventory = inv })
        local s2 = spawn("steel", { inventory = inv })
        local c1 = spawn("copper", { inventory = inv })
        assert.are.equal(s1, inv:GetItemAt(0))
        assert.are.same({ s1, s2 }, inv:GetItemsAt(0))
        assert.are.same({}, inv:GetItemsAt(4))
        assert.is_nil(inv:GetItemAt(99))
        assert.are.equal(1, inv:FindIndex(c1))
        assert.are.equal(-1, inv:FindIndex(spawn("steel")))
        local seen = {}
        for it in inv.AllItems do seen[#seen + 1] = it end
        assert.are.same({ s1, s2, c1 }, seen)
        local copy = inv.AllItemsMod
        assert.are.same({ s1, s2, c1 }, copy)
        assert.are_not.equal(copy, inv.AllItemsMod)
        assert.are.equal(6, inv.Capacity)
        assert.is_false(inv:IsEmpty())
    end)

    it("gives one inventory per ItemContainer, each with its own rules", function()
        local t = spawn("simterminal")
        assert.are.equal(2, #t.OwnInventories)
        assert.are.equal(t.OwnInventory, t.OwnInventories[1])
        local second = t.OwnInventories[2]
        assert.are.equal(2, second.Capacity)
        assert.is_false(second:TryPutItem(spawn("plastic"), nil))
        for _ = 1, 6 do assert.is_true(second:TryPutItem(spawn("steel"), nil)) end
        assert.are.equal(5, #second:GetItemsAt(0))
        assert.are.equal(1, #second:GetItemsAt(1))
        assert.is_false(second:TryPutItem(spawn("copper", { condition = 10 }), nil))
    end)

    it("character inventories refuse items that cannot be picked up", function()
        local client = sim:addClient({ name = "Bo" })
        local inv = client.Character.Inventory
        assert.is_false(inv:TryPutItem(spawn("storagecabinet"), nil))
        assert.is_true(inv:TryPutItem(spawn("wrench"), nil))
        assert.are.equal(client.Character, inv:GetItemAt(0).ParentInventory.Owner)
    end)

    it("the inventoryPutItem hook can veto a put, which still reports success", function()
        local inv = spawn("toolbox").OwnInventory
        local steel = spawn("steel")
        local seen
        sim.env.Hook.Add("inventoryPutItem", "spec", function(inventory, item, user, slot)
            seen = { inventory, item, slot }
            return true
        end)
        assert.is_true(inv:TryPutItem(steel, nil))
        assert.is_true(inv:IsEmpty())
        assert.are.same({ inv, steel, 0 }, seen)
    end)

    it("the failPut fault makes TryPutItem fail", function()
        local inv = spawn("toolbox").OwnInventory
        sim.faults.failPut = function(item) return item.Prefab.Identifier.Value == "copper" end
        assert.is_false(inv:TryPutItem(spawn("copper"), nil))
        assert.is_true(inv:TryPutItem(spawn("steel"), nil))
    end)

    it("a player drag goes through TryPutItem", function()
        local toolbox = spawn("toolbox")
        local steel = spawn("steel")
        assert.is_true(sim:moveItem(steel, toolbox.OwnInventory, 3))
        assert.are.equal(3, toolbox.OwnInventory:FindIndex(steel))
        assert.is_false(sim:moveItem(spawn("storagecabinet"), toolbox.OwnInventory))
    end)

    it("accepts both obj:M(a) and obj.M(a) for instance methods", function()
        local inv = spawn("toolbox").OwnInventory
        assert.is_true(inv.TryPutItem(spawn("steel"), nil))
        assert.is_true(inv:TryPutItem(spawn("steel"), nil))
        assert.are.equal(2, #inv.GetItemsAt(0))
        assert.are.equal(inv:GetItemAt(0), inv.GetItemAt(0))
    end)
    -- Inventory.TryPutItem(item, i, allowSwapping, ...) and Inventory.TrySwapping
    it("dropping an item onto an item whose container holds one per slot swaps with what it holds", function()
        local cabinet = spawn("storagecabinet")
        local suit = spawn("divingsuit", { inventory = cabinet.OwnInventory, contents = { { id = "oxygentank" } } })
        local full = suit.OwnInventory:GetItemAt(0)
        local empty = spawn("oxygentank", { condition = 0 })
        local toolbox = spawn("toolbox")
        assert.is_true(toolbox.OwnInventory:TryPutItem(empty, 2, false, false, nil))
        local puts = {}
        sim.env.Hook.Add("inventoryPutItem", "t", function(inv, item) puts[#puts + 1] = item end)
        -- the player drags the empty tank onto the suit's slot of the cabinet
        assert.is_true(sim:moveItem(empty, cabinet.OwnInventory, cabinet.OwnInventory:FindIndex(suit)))
        assert.are.equal(empty, suit.OwnInventory:GetItemAt(0))
        assert.are.equal(2, toolbox.OwnInventory:FindIndex(full))
        assert.are.equal(cabinet.OwnInventory, suit.ParentInventory)
        assert.are.same({ full, empty }, puts)
    end)

    it("swaps two slots' items, and the inventoryItemSwap hook can refuse a swap", function()
        local a = spawn("toolbox")
        local b = spawn("toolbox")
        local wrench = spawn("wrench")
        local steel = spawn("steel")
        assert.is_true(a.OwnInventory:TryPutItem(wrench, 0, false, false, nil))
        assert.is_true(b.OwnInventory:TryPutItem(steel, 1, false, false, nil))
        assert.is_true(sim:moveItem(steel, a.OwnInventory, 0))
        assert.are.equal(a.OwnInventory, steel.ParentInventory)
        assert.are.equal(1, b.OwnInventory:FindIndex(wrench))
        sim.env.Hook.Add("inventoryItemSwap", "t", function() return false end)
        assert.is_false(sim:moveItem(wrench, a.OwnInventory, 0))
        assert.are.equal(0, a.OwnInventory:FindIndex(steel))
        assert.are.equal(1, b.OwnInventory:FindIndex(wrench))
    end)

    -- EntitySpawner.AddItemToRemoveQueue
    it("queueing an item for removal queues what its first container holds then", function()
        local outer = spawn("toolbox", { contents = { { id = "toolbox", contents = { { id = "screwdriver" } } }, { id = "steel" } } })
        local inner = outer.OwnInventory:GetItemAt(0)
        local screwdriver = inner.OwnInventory:GetItemAt(0)
        local hand = spawn("toolbox")
        sim.env.Entity.Spawner.AddItemToRemoveQueue(outer)
        -- taken out before the queue runs: removed anyway, wherever it is
        assert.is_true(hand.OwnInventory:TryPutItem(screwdriver, nil))
        sim:tick(1)
        assert.is_true(outer.Removed)
        assert.is_true(inner.Removed)
        assert.is_true(screwdriver.Removed)
        assert.is_false(hand.Removed)
    end)
end)
