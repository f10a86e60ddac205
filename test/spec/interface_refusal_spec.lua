-- Every refusal of the ingest policy through an interface: the item stays where the player put
-- it, the player gets exactly one chat line saying why, and the console gets at most one line,
-- even when the item sits there for 600 ticks and the interface retries it.
local K = require("kits.interface_kit")

--- Puts `item` into `device` as the kit's player, waits 600 ticks and checks the refusal.
local function expectRefused(k, item, device, needle)
    local id = item.ID
    assert.is_true(k:put(item, device))
    k:tick(600)
    assert.is_false(item.Removed)
    assert.are.equal(k:named(device).ID, item.Container.ID)
    local lines = k:chat("Alice")
    assert.are.equal(1, #lines, table.concat(lines, "\n"))
    assert.is_truthy(lines[1]:find(needle, 1, true), lines[1])
    local logged = k:printed(string.format("(%d):", id))
    assert.is_true(logged <= 1, string.format("%d console lines for one refused item", logged))
    assert.are.same({}, k.sim.errors)
    return lines[1]
end

describe("interface refusals", function()
    local k
    after_each(function()
        if k then k:cleanup() end
        k = nil
    end)

    it("refuses a Database IO device", function()
        k = K.new({ extra = { { id = "databaseinterface", key = "spare", inside = "cab" } } })
        local spare = k:live("databaseinterface")[2]
        expectRefused(k, spare, "wall", "Database IO devices")
        assert.are.equal(0, #k:exact())
    end)

    it("refuses a Database Core", function()
        k = K.new({ extra = { { id = "databasecore", key = "core2", memory = "" } } })
        local second = k:live("databasecore")[2]
        expectRefused(k, second, "wall", "Database IO devices")
    end)

    it("refuses a container that holds a device, and keeps its contents in it", function()
        k = K.new({ extra = { { id = "toolbox", key = "smuggler", inside = "cab",
            contents = { { id = "databaseinterface" }, { id = "steel", count = 2 } } } } })
        local box = k:live("toolbox")[2]
        expectRefused(k, box, "hand", "holds a Database IO device")
        assert.are.equal(3, #box.OwnInventory.AllItemsMod)
        assert.are.equal(0, k:amount("steel"))
    end)

    it("refuses outpost property still in its outpost, also inside a container (no laundering)", function()
        k = K.new()
        -- Spawned during the round at the outpost (the flag is not saved, so not in the sub spec).
        local cab = k:named("cab").OwnInventory
        local theirs = k.sim:spawnNow("wrench", { inventory = cab, spawnedInOutpost = true, allowStealing = false, outpost = "Outpost" })
        local bag = k.sim:spawnNow("toolbox", { inventory = cab,
            contents = { { id = "crowbar", spawnedInOutpost = true, allowStealing = false, outpost = "Outpost" } } })
        assert.is_true(theirs.Illegitimate)
        expectRefused(k, theirs, "hand", "belongs to the outpost")
        k.sim.chat = {}
        expectRefused(k, bag, "wall", "belongs to the outpost")
        assert.are.same({}, k:exact())
        -- An unpack interface does not launder it either: the child stays in its box.
        k.sim.chat = {}
        local crowbar = bag.OwnInventory.AllItemsMod[1]
        assert.is_true(k:put(bag, "unpack"))
        k:tick(600)
        assert.is_false(crowbar.Removed)
        assert.are.equal(bag.ID, crowbar.Container.ID)
        assert.are.equal(1, #k:chat("Alice"))
        assert.are.same({}, k.sim.errors)
    end)

    it("refuses when the database holds its most units, counting items still on their way in", function()
        k = K.new({ config = { maxUnits = 3 } })
        local steel = k:live("steel")
        for i = 1, 3 do assert.is_true(k:put(steel[i], "hand")) end
        -- The fourth arrives in the same update as the three before it: they are not stored yet.
        local last = expectRefused(k, steel[13], "wall", "is full")
        assert.is_truthy(last:find("3 of 3", 1, true), last)
        assert.are.equal(3, k:amount("steel"))
    end)

    it("refuses a new kind of item when the database holds its most kinds", function()
        k = K.new({ config = { maxKeys = 2 } })
        assert.is_true(k:put(k:live("steel")[1], "hand"))
        assert.is_true(k:put(k:live("copper")[1], "hand"))
        k:tick(3)
        -- More of a kind it already holds is fine; a third kind is not.
        assert.is_true(k:put(k:live("steel")[2], "hand"))
        expectRefused(k, k:live("plastic")[1], "wall", "most kinds")
        assert.are.equal(2, k:amount("steel"))
        assert.are.equal(0, k:amount("plastic"))
    end)

    it("refuses when the submarine has no Database Core and says a core is needed", function()
        k = K.new({ noCore = true })
        expectRefused(k, k:live("steel")[1], "hand", "build one")
    end)

    it("refuses while the database is read-only (unreadable core)", function()
        k = K.new({ coreMemory = "DBIO2;this is not a database" })
        expectRefused(k, k:live("steel")[1], "wall", "read-only")
    end)

    it("tells the player again when the same refused item is put in anew", function()
        k = K.new({ noCore = true })
        local steel = k:live("steel")[1]
        expectRefused(k, steel, "hand", "build one")
        assert.is_true(k.sim:moveItem(steel, k:named("out").OwnInventory, nil, k.player))
        assert.is_true(k:put(steel, "wall"))
        k:tick(120)
        assert.are.equal(2, #k:chat("Alice"))
        assert.are.same({}, k.sim.errors)
    end)
end)
