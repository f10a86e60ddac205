-- What a player can do inside an item lying on a terminal page, and what goes back.
--
-- The game lets a player reach the inventory of a container item that sits in an open container:
-- its sub-inventory opens from the slot (Barotrauma ClientSource/Items/Inventory.cs,
-- highlightedSubInventorySlots / UpdateSubInventory), the server applies the new contents through
-- Inventory.ServerEventRead (items left out are dropped with Item.Drop, items added go in with
-- TryPutItem(item, slot, allowSwapping: true, allowCombine: true)), and an item dropped onto an
-- item whose container holds one item per slot (a diving suit's tank) swaps with it
-- (SharedSource/Items/Inventory.cs, TryPutItem and TrySwapping). So a page item's contents can
-- change at any depth while the page is open.
--
-- Each spec counts units per key (database Working + leased with nested contents, plus live items
-- the mod has not booked, see test/kits/terminal_kit.lua) before, on every update while it happens,
-- and after the page went back; both modes.
local K = require("kits.terminal_kit")

local KEYS = { "toolbox", "screwdriver", "crowbar", "steel", "divingsuit", "tank:full", "tank:empty", "tank:part" }

-- Units per key, checked on every update (test/kits/terminal_kit.lua K.counter).
local counter = K.counter(KEYS, K.tankKey)
local units, same, watch = counter.units, counter.same, counter.watch

local firstIn = require("kits.units").firstIn

--- Opens the wall terminal's page for the player and waits until it stands.
local function openPage(k)
    local wall = k:wall()
    k:use(k.player, wall)
    k:settle(wall)
    k:quiet()
    return wall
end

--- The player walks away; the page goes back. Counts on every update meanwhile.
local function walkAway(k, expected, label)
    k.sim:deselect(k.player)
    watch(k, expected, 90, label .. " (walking away)")
    k:quiet()
    same(expected, units(k), label .. " (after)")
    assert.are.same({}, k:marked())
    local clean, report = k:verifyClean()
    assert.is_true(clean, report)
    assert.are.same({}, k.sim.errors)
end

local function carried(character, identifier)
    for _, it in ipairs(character.Inventory.AllItemsMod) do
        if it.Prefab.Identifier.Value == identifier then return it end
    end
end

for _, mode in ipairs({ "server", "singleplayer" }) do
    describe("items inside page items (" .. mode .. ")", function()
        it("a page with nested items is counted once on every update while it lands", function()
            local k = K.new({ mode = mode, seed = {
                { id = "toolbox", contents = { { id = "toolbox", contents = { { id = "screwdriver" }, { id = "toolbox", contents = { { id = "crowbar" } } } } } } },
                { id = "steel", count = 3 },
            } })
            local before = units(k)
            assert.are.equal(3, before.toolbox)
            k:use(k.player, k:wall())
            watch(k, before, 60, "landing")
            k:quiet()
            assert.are.equal(1, k:count(k:wall(), "toolbox"))
            walkAway(k, before, "nested page")
            k:cleanup()
        end)

        -- A tree lands in one update when the game spawns all of it (EntitySpawner.Update runs its
        -- queue until it is empty, callbacks' spawns included); while a part of it never comes,
        -- its root lies on the page still landing until the spawn times out. The lease counts the
        -- whole tree meanwhile, so a player must not move anything of it, or into it: a root put
        -- into another page item was counted twice (in that item's record when it was stored,
        -- and through its own unit coming back when the tree was given up).
        local HELD = { id = "toolbox", contents = { { id = "screwdriver" }, { id = "antibleeding1" } } }

        --- Opens the page with the antibleeding's spawn dropped: the toolbox holding one lands
        --- without it and waits. Returns that toolbox and the empty one.
        local function midLanding(k)
            k.sim.faults.dropSpawn = function(id) return id == "antibleeding1" end
            k:use(k.player, k:wall())
            for _ = 1, 120 do
                k:tick(1)
                local empty, root
                for _, it in ipairs(k:contents(k:wall(), "toolbox")) do
                    if firstIn(it, "screwdriver") ~= nil then root = it
                    elseif #it.OwnInventory.AllItemsMod == 0 then empty = it end
                end
                if empty ~= nil and root ~= nil then return root, empty end
            end
            error("never saw the toolbox landing next to the empty one")
        end

        it("a tree still landing cannot be put into another page item", function()
            local k = K.new({ mode = mode, seed = { { id = "toolbox" }, HELD } })
            local before = units(k)
            local root, empty = midLanding(k)
            k.sim:moveItem(root, empty.OwnInventory, nil, k.player)
            assert.are.equal(k:wall(), root.Container)
            same(before, units(k), "right after the move")
            -- the spawn times out, the tree goes back whole
            watch(k, before, 400, "until the spawn times out")
            k.sim.faults.dropSpawn = nil
            walkAway(k, before, "landing tree")
            k:cleanup()
        end)

        it("a tree still landing cannot be taken, nor can anything go into it", function()
            local k = K.new({ mode = mode, seed = { { id = "toolbox" }, HELD, { id = "steel" } } })
            local before = units(k)
            local root = midLanding(k)
            k.sim:moveItem(root, k.player.Inventory, nil, k.player)
            assert.are.equal(k:wall(), root.Container)
            local screwdriver = firstIn(root, "screwdriver")
            k.sim:moveItem(screwdriver, k.player.Inventory, nil, k.player)
            assert.are.equal(root, screwdriver.Container)
            local steel = k:contents(k:wall(), "steel")[1]
            if steel ~= nil then
                k.sim:moveItem(steel, root.OwnInventory, nil, k.player)
                assert.are.equal(k:wall(), steel.Container)
            end
            watch(k, before, 400, "until the spawn times out")
            k.sim.faults.dropSpawn = nil
            walkAway(k, before, "landing tree")
            k:cleanup()
        end)

        it("a screwdriver taken out of a toolbox on the page exists once after the page went back", function()
            local k = K.new({ mode = mode, seed = {
                { id = "toolbox", contents = { { id = "screwdriver" }, { id = "crowbar", condition = 70 } } },
            } })
            local before = units(k)
            local wall = openPage(k)
            local box = k:contents(wall, "toolbox")[1]
            local screwdriver = firstIn(box, "screwdriver")
            assert(k.sim:moveItem(screwdriver, k.player.Inventory, nil, k.player))
            watch(k, before, 30, "taken out")
            walkAway(k, before, "taken out")
            assert.is_not_nil(carried(k.player, "screwdriver"))
            -- the database keeps the toolbox as it really is: the crowbar only
            local exact = k:api().exactEntries("default")
            assert.are.equal(1, #exact)
            assert.are.equal("toolbox", exact[1].record.identifier)
            assert.are.equal(1, #exact[1].record.contents)
            assert.are.equal("crowbar", exact[1].record.contents[1].record.identifier)
            k:cleanup()
        end)

        it("a screwdriver taken out of a toolbox on the page and stored at once is counted once on every update", function()
            local k = K.new({ mode = mode, seed = {
                { id = "toolbox", contents = { { id = "screwdriver" }, { id = "crowbar", condition = 70 } } },
            } })
            local before = units(k)
            local wall = openPage(k)
            local box = k:contents(wall, "toolbox")[1]
            local screwdriver = firstIn(box, "screwdriver")
            assert(k.sim:moveItem(screwdriver, k.player.Inventory, nil, k.player))
            -- stored (an interface, a deposit elsewhere) before the page's upkeep saw it leave the box
            local r = k:api().ingest(screwdriver, "default", "spec")
            assert.is_true(r.ok, r.message)
            watch(k, before, 30, "taken out and stored")
            walkAway(k, before, "taken out and stored")
            k:cleanup()
        end)

        it("a page's steel put into a toolbox on the page is kept", function()
            local k = K.new({ mode = mode, seed = {
                { id = "toolbox", contents = { { id = "screwdriver" } } },
                { id = "steel", count = 5 },
            } })
            local before = units(k)
            local wall = openPage(k)
            local box = k:contents(wall, "toolbox")[1]
            local steel = k:contents(wall, "steel")[1]
            assert(k.sim:moveItem(steel, box.OwnInventory, nil, k.player))
            assert.are.equal(box.OwnInventory, steel.ParentInventory)
            watch(k, before, 30, "steel put in")
            walkAway(k, before, "steel put in")
            assert.are.equal(4, k:api().amount("default", "steel"))
            k:cleanup()
        end)

        it("swapping an empty tank into a diving suit on the page is no refill", function()
            local k = K.new({ mode = mode, seed = {
                { id = "divingsuit", contents = { { id = "oxygentank" } } },
            } })
            local empty = k.sim:spawnNow("oxygentank", { condition = 0, inventory = k.player.Inventory })
            local before = units(k)
            assert.are.equal(1, before["tank:full"])
            assert.are.equal(1, before["tank:empty"])
            local wall = openPage(k)
            local suit = k:contents(wall, "divingsuit")[1]
            local full = firstIn(suit, "oxygentank")
            -- the player drops the empty tank onto the suit: the game swaps the tanks
            assert(k.sim:moveItem(empty, wall.OwnInventory, wall.OwnInventory:FindIndex(suit), k.player))
            assert.are.equal(suit.OwnInventory, empty.ParentInventory)
            assert.are.equal(k.player.Inventory, full.ParentInventory)
            watch(k, before, 30, "tank swapped")
            walkAway(k, before, "tank swapped")
            k:cleanup()
        end)

        it("an edit right before a save is saved once and loads once", function()
            local k = K.new({ mode = mode, seed = {
                { id = "toolbox", contents = { { id = "screwdriver" }, { id = "toolbox", contents = { { id = "crowbar" } } } } },
                { id = "steel", count = 2 },
            } })
            if mode == "server" then k.sim:mpTransition() else k.sim:spTransition() end
            k.player = mode == "server" and k.clients[1].Character or k.sim.player
            local before = units(k)
            local wall = openPage(k)
            local outer = k:contents(wall, "toolbox")[1]
            local inner = firstIn(outer, "toolbox")
            assert(k.sim:moveItem(firstIn(outer, "screwdriver"), k.player.Inventory, nil, k.player))
            assert(k.sim:moveItem(k:contents(wall, "steel")[1], inner.OwnInventory, nil, k.player))
            -- the save comes in the same update, before any upkeep saw the edits
            if mode == "server" then k.sim:mpTransition() else k.sim:spTransition() end
            k.player = mode == "server" and k.clients[1].Character or k.sim.player
            k:tick(2)
            same(before, units(k), "after the reload")
            -- the screwdriver was saved in the player's inventory; the edited toolbox as an item
            -- in the terminal, which a page stores as a deposit
            assert.is_not_nil(carried(k.player, "screwdriver"))
            k:use(k.player, k:wall())
            watch(k, before, 60, "page after the reload")
            walkAway(k, before, "page after the reload")
            k:cleanup()
        end)

        it("edits at any depth: taken from the third level, put into the second", function()
            local k = K.new({ mode = mode, seed = {
                { id = "toolbox", contents = { { id = "toolbox", contents = { { id = "crowbar" }, { id = "toolbox", contents = { { id = "screwdriver" } } } } } } },
                { id = "steel", count = 2 },
            } })
            local before = units(k)
            local wall = openPage(k)
            local outer = k:contents(wall, "toolbox")[1]
            local middle = firstIn(outer, "toolbox")
            local inner = firstIn(middle, "toolbox")
            local screwdriver = firstIn(inner, "screwdriver")
            assert(k.sim:moveItem(screwdriver, k.player.Inventory, nil, k.player))
            local steel = k:contents(wall, "steel")[1]
            assert(k.sim:moveItem(steel, middle.OwnInventory, nil, k.player))
            watch(k, before, 30, "deep edits")
            walkAway(k, before, "deep edits")
            assert.is_not_nil(carried(k.player, "screwdriver"))
            k:cleanup()
        end)
    end)
end
