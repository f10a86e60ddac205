-- What the game lets the mod see when it removes an item, and who uses a terminal when no
-- item.interact event arrives, on the built mod in the simulated game.
--
-- Item.Remove (Barotrauma SharedSource/Items/Item.cs) takes the item out of its parent inventory
-- and removes its components (an ItemContainer drops what it holds) before it raises
-- item.removed; Item.Container still names the container the item was in. item.interact comes
-- only from LuaCs's Lua default hooks, which do not reach a mod in either LuaCs layer, so a
-- terminal's users are the characters that have it selected or, for a handheld one, carry it.
local K = require("kits.terminal_kit")

local function finish(k)
    assert.are.same({}, k.sim.errors)
    k:cleanup()
end

local function opened(opts)
    opts = opts or {}
    local k = K.new({ mode = opts.mode, seed = { { id = "steel", count = 20 } } })
    local wall = k:wall()
    k:use(k.player, wall)
    assert.are.equal("open", k:settle(wall))
    k:quiet()
    assert.are.equal(12, k:count(wall, "steel"))
    return k, wall
end

describe("the simulated Item.Remove follows the game's order", function()
    it("item.removed sees the item out of its inventory, still naming its container", function()
        local k = K.new({})
        local cab = k:find("storagecabinet", 2)
        local steel = k.sim:spawnNow("steel", { inventory = cab.OwnInventory })
        local seen
        k.sim.env.Hook.Add("item.removed", "spec.order", function(it)
            seen = { parent = it.ParentInventory, container = it.Container, removed = it.Removed }
        end)
        k.sim:removeNow(steel)
        assert.is_nil(seen.parent)
        assert.are.equal(cab, seen.container)
        assert.is_true(seen.removed)
        finish(k)
    end)

    it("a removed container drops what it holds and clears its users' selection first", function()
        local k = K.new({})
        local cab = k:find("storagecabinet", 2)
        local steel = k.sim:spawnNow("steel", { inventory = cab.OwnInventory })
        k.sim:select(k.player, cab)
        local removed, selected = {}, "unset"
        k.sim.env.Hook.Add("item.removed", "spec.order", function(it)
            removed[#removed + 1] = it
            selected = k.player.SelectedItem
        end)
        k.sim:removeNow(cab)
        assert.are.same({ cab }, removed)
        assert.is_nil(selected)
        assert.is_false(steel.Removed)
        assert.is_nil(steel.ParentInventory)
        assert.is_nil(steel.Container)
        finish(k)
    end)

    it("a dropped item names no container; one put into a character names none either", function()
        local k = K.new({})
        local cab = k:find("storagecabinet", 2)
        local a = k.sim:spawnNow("steel", { inventory = cab.OwnInventory })
        local b = k.sim:spawnNow("copper", { inventory = cab.OwnInventory })
        assert.are.equal(cab, a.Container)
        assert.is_true(k.sim:dropItem(a, k.player))
        assert.is_nil(a.Container)
        assert.is_true(k.sim:moveItem(b, k.player.Inventory, nil, k.player))
        assert.is_nil(b.Container)
        finish(k)
    end)
end)

describe("terminal page items the game removes", function()
    it("an item destroyed inside a live terminal returns its unit", function()
        local k, wall = opened()
        local before = k:totals()
        local victim = k:contents(wall, "steel")[1]
        k.sim:removeNow(victim)
        k:tick(30)
        -- 20 seeded, 12 on the page: the destroyed one's unit is back in Working.
        assert.are.equal(9, k:api().amount("default", "steel", 0))
        assert.are.equal(11, k:api().leased("default", "steel", 0))
        assert.are.equal(11, k:count(wall, "steel"))
        assert.are.same(before, k:totals())
        finish(k)
    end)

    it("an item taken and destroyed before the terminal booked the take is consumed", function()
        local k, wall = opened()
        local taken = k:contents(wall, "steel")[1]
        assert.is_true(k.sim:moveItem(taken, k.player.Inventory, nil, k.player))
        k.sim:removeNow(taken)
        k:tick(30)
        assert.are.equal(8, k:api().amount("default", "steel", 0))
        assert.are.equal(11, k:api().leased("default", "steel", 0))
        assert.are.equal(19, k:totals().steel)
        finish(k)
    end)

    it("a removed terminal drops its page: the dropped page items go back, a taken one stays taken", function()
        local k, wall = opened()
        local taken = k:contents(wall, "steel")[1]
        assert.is_true(k.sim:moveItem(taken, k.player.Inventory, nil, k.player))
        k.sim:removeNow(wall)
        k:tick(30)
        assert.are.equal(19, k:api().amount("default", "steel", 0))
        assert.are.equal(0, k:api().leased("default", "steel", 0))
        -- the taken one is the only steel item left, unmarked; the eleven dropped ones are gone
        assert.are.same({ taken }, k.sim:findAll("steel"))
        assert.are.same({}, k:marked())
        assert.are.equal(20, k:totals().steel)
        local clean, report = k:verifyClean()
        assert.is_true(clean, report)
        finish(k)
    end)
end)

describe("who uses a terminal, with no item.interact event", function()
    it("the simulated game raises no item.interact when a player selects an item", function()
        local k = K.new({})
        local calls = 0
        k.sim.env.Hook.Add("item.interact", "spec.count", function() calls = calls + 1 end)
        k:use(k.player, k:wall())
        assert.are.equal(k:wall(), k.player.SelectedItem)
        assert.are.equal(0, calls)
        finish(k)
    end)

    it("singleplayer: the player selecting a wall terminal opens its page", function()
        local k, wall = opened({ mode = "singleplayer" })
        k.sim:deselect(k.player)
        k:tick(60)
        assert.are.equal("idle", k:state(wall))
        assert.are.equal(0, k:count(wall, "steel"))
        assert.are.equal(20, k:api().amount("default", "steel", 0))
        finish(k)
    end)

    it("singleplayer: the player carrying a handheld terminal opens its page", function()
        local k = K.new({ mode = "singleplayer", seed = { { id = "steel", count = 20 } } })
        local hand = k:handheld()
        assert.is_true(k.sim:moveItem(hand, k.player.Inventory, nil, k.player))
        assert.are.equal("open", k:settle(hand))
        k:quiet()
        assert.are.equal(12, k:count(hand, "steel"))
        finish(k)
    end)

    it("a terminal held as the secondary selected item is in use", function()
        local k = K.new({ seed = { { id = "steel", count = 20 } } })
        local wall = k:wall()
        assert.is_true(k.sim:select(k.player, wall, true))
        assert.are.equal("open", k:settle(wall))
        finish(k)
    end)
end)

describe("removals settled at a capture", function()
    it("an item with contents removed for a capture takes its contents with it", function()
        -- The API queues the toolbox's removal; the save comes before the game's queue runs, so
        -- the mod removes it at once. Removed alone, a container drops what it holds.
        local k = K.new({ mode = "singleplayer" })
        local box = k.sim:spawnNow("toolbox", { contents = { { id = "crowbar" }, { id = "steel", count = 2 } } })
        local r = k:api().ingest(box, "default", "spec")
        assert.is_true(r.ok, r.message)
        k.sim:spMidRoundSave()
        assert.is_true(box.Removed)
        assert.are.equal(0, k.sim:countUnits("crowbar"))
        assert.are.equal(0, k.sim:countUnits("steel"))
        local toolbox
        for _, e in ipairs(k:api().entries("default")) do
            if e.key == "toolbox#0" or (e.record ~= nil and e.record.identifier == "toolbox") then toolbox = e end
        end
        assert.is_not_nil(toolbox)
        k:tick(5)
        assert.are.equal(0, k.sim:countUnits("crowbar"))
        finish(k)
    end)
end)
