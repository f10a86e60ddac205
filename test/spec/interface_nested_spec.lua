-- An interface stores an item with its contents: the record is read when the item is accepted and
-- the item leaves the world on the next update (EntitySpawner's remove queue). In that update a
-- player can still reach the item's inventories. What leaves the world must be what the record
-- holds: the game queues the contents of an item's first container with it when it is queued
-- (SharedSource/Map/EntitySpawner.cs, AddItemToRemoveQueue), the mod queues the other containers'
-- contents, and nothing may be put into an item on its way out.
-- Units are counted per identifier (database Working + leased with nested contents, plus live
-- items) before and after; both modes.
local K = require("kits.interface_kit")

local IDS = { "twinbox", "toolbox", "screwdriver", "crowbar", "steel", "wrench" }

local function sub()
    return K.defaultSub({ extra = {
        { id = "twinbox", inside = "cab", contents = { { id = "wrench", container = 1 }, { id = "screwdriver", container = 2 } } },
    } })
end

local firstIn = require("kits.units").firstIn

local function settle(k, before)
    k:tick(120)
    local after = k:totals(IDS)
    assert.are.same(before, after)
    local clean, report = k:verifyClean()
    assert.is_true(clean, report)
    assert.are.same({}, k.sim.errors)
end

for _, mode in ipairs({ "server", "singleplayer" }) do
    describe("an item with contents on its way into an interface (" .. mode .. ")", function()
        it("an item taken out of any of its containers in the last update leaves with it, once", function()
            local k = K.new({ mode = mode, sub = sub() })
            local before = k:totals(IDS)
            local twin = k:live("twinbox")[1]
            local box = k:named("box")
            assert.is_true(k:put(twin, "hand"))
            assert.is_true(k:put(box, "wall"))
            k:tick(1) -- the interfaces accept both: queued for removal, records read
            assert.are.equal(0, #k:exact())
            -- the player takes a tool out of each before the queue runs
            local screwdriver = firstIn(twin, "screwdriver")
            local crowbar = firstIn(box, "crowbar")
            assert.is_true(k.sim:moveItem(screwdriver, k.player.Inventory, nil, k.player))
            assert.is_true(k.sim:moveItem(crowbar, k.player.Inventory, nil, k.player))
            settle(k, before)
            assert.are.equal(2, #k:exact())
            k:cleanup()
        end)

        it("nothing goes into an item on its way out", function()
            local k = K.new({ mode = mode, sub = sub() })
            local before = k:totals(IDS)
            local box = k:named("box")
            local twin = k:live("twinbox")[1]
            local steel = k:inside(k:named("cab"), "steel")[1]
            local wrench = k:inside(k:named("cab"), "wrench")[1]
            assert.is_true(k:put(box, "hand"))
            assert.is_true(k:put(twin, "wall"))
            k:tick(1)
            k.sim:moveItem(steel, box.OwnInventory, nil, k.player)
            k.sim:moveItem(wrench, twin.OwnInventories[2], nil, k.player)
            settle(k, before)
            -- the additions stayed where they were
            assert.is_false(steel.Removed)
            assert.is_false(wrench.Removed)
            k:cleanup()
        end)

        it("a swap onto an occupied slot of an item on its way out moves nothing and loses nothing", function()
            -- Inventory.TrySwapping (SharedSource/Items/Inventory.cs) takes both items out of their
            -- slots, then puts each back through TryPutItem. A put the inventoryPutItem hook refuses
            -- returns early in PutItem and TryPutItem still reports success, so the moved item would
            -- be in no slot at all (and in no save). The swap must be refused before anything moves.
            local k = K.new({ mode = mode, sub = sub() })
            local before = k:totals(IDS)
            local box = k:named("box")
            local wrench = k:inside(k:named("cab"), "wrench")[1]
            assert.is_true(k.sim:moveItem(wrench, k.player.Inventory, nil, k.player))
            assert.is_true(k:put(box, "hand"))
            k:tick(1) -- accepted: queued for removal with what it holds
            local crowbar = firstIn(box, "crowbar")
            local slot = box.OwnInventory:FindIndex(crowbar)
            k.sim:moveItem(wrench, box.OwnInventory, slot, k.player)
            -- the wrench is still in a slot of the player's inventory, the crowbar in the box
            assert.is_true(k.player.Inventory:FindIndex(wrench) >= 0)
            assert.are.equal(box.OwnInventory, crowbar.ParentInventory)
            settle(k, before)
            assert.is_false(wrench.Removed)
            -- and the wrench is saved with the player: in a slot, not only pointing at one
            assert.is_true(k.player.Inventory:FindIndex(wrench) >= 0)
            k:cleanup()
        end)
    end)
end
