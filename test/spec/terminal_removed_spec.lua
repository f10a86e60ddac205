-- A terminal removed while a page item of ANOTHER terminal lies inside one of its page items.
--
-- A player takes an item from one page (a carried handheld terminal) and puts it into a container
-- item lying on a wall terminal's page; the wall terminal is removed before either page's upkeep
-- saw the moves. The game drops what the removed terminal held (ItemContainer.
-- RemoveComponentSpecific, unless the submarine is unloading) and the mod sends each dropped page
-- item back as it is now, with what it holds. The moved item is still a placed item of the other
-- page until that page books it as taken: it must count once, not in the returned record and in
-- the other lease as well.
--
-- Units are counted per key (database Working + leased with nested contents, plus live items the
-- mod has not booked, see test/kits/terminal_kit.lua) right after the removal, on every update after
-- it, and once everything went back; both modes.
local K = require("kits.terminal_kit")

local KEYS = { "toolbox", "crowbar", "divingsuit", "tank:full", "tank:empty", "tank:part" }

-- Units per key, checked on every update (test/kits/terminal_kit.lua K.counter).
local counter = K.counter(KEYS, K.tankKey)
local units, same, watch = counter.units, counter.same, counter.watch

local firstIn = require("kits.units").firstIn

--- The handheld terminal's page holds `first` (seeded before it opens); then `second` is stored
--- and the wall terminal's page, opened by the same player, holds it.
local function twoPages(mode, first, second)
    local k = K.new({ mode = mode, seed = first })
    local p = k.player
    local handheld = k:handheld()
    assert(k.sim:moveItem(handheld, p.Inventory, nil, p))
    k:settle(handheld)
    k:quiet()
    k:seed(second)
    k:quiet()
    local wall = k:wall()
    k:use(p, wall)
    k:settle(wall)
    k:quiet()
    return k, handheld, wall
end

--- Everyone leaves; the pages go back; nothing is leased, marked or left over.
local function atRest(k, expected, label)
    k.sim:deselect(k.player)
    assert(k.sim:moveItem(k:handheld(), k:find("storagecabinet", 2).OwnInventory, nil, k.player))
    watch(k, expected, 90, label .. " (leaving)")
    k:quiet()
    same(expected, units(k), label .. " (at rest)")
    assert.are.same({}, k:marked())
    local clean, report = k:verifyClean()
    assert.is_true(clean, report)
    assert.are.same({}, k.sim.errors)
end

for _, mode in ipairs({ "server", "singleplayer" }) do
    describe("a removed terminal and another page's item inside its page items (" .. mode .. ")", function()
        it("a tank taken from one page and put into a toolbox on the removed terminal's page counts once", function()
            local k, handheld, wall = twoPages(mode, { { id = "oxygentank", condition = 0 } },
                { { id = "toolbox", contents = { { id = "crowbar", condition = 60 } } } })
            local before = units(k)
            local tank = k:contents(handheld, "oxygentank")[1]
            local toolbox = k:contents(wall, "toolbox")[1]
            assert.is_not_nil(tank)
            assert.is_not_nil(toolbox)
            -- both moves and the removal in one update: no upkeep of either page sees them
            assert.is_true(k.sim:moveItem(tank, k.player.Inventory, nil, k.player))
            assert.is_true(k.sim:moveItem(tank, toolbox.OwnInventory, nil, k.player))
            k.sim:removeNow(wall)
            same(before, units(k), "right after the removal")
            watch(k, before, 60, "after the removal")
            -- the toolbox went back as it was, with the tank in it
            assert.is_true(tank.Removed)
            assert.is_true(toolbox.Removed)
            atRest(k, before, "tank in a removed page's toolbox")
            assert.are.equal(0, k:api().amount("default", "oxygentank", 0))
            k:cleanup()
        end)

        it("a tank from one page swapped for an identical one in a suit on the removed terminal's page counts once", function()
            local k, handheld, wall = twoPages(mode, { { id = "oxygentank" } },
                { { id = "divingsuit", contents = { { id = "oxygentank" } } } })
            local before = units(k)
            local tank = k:contents(handheld, "oxygentank")[1]
            local suit = k:contents(wall, "divingsuit")[1]
            local own = firstIn(suit, "oxygentank")
            assert.is_not_nil(tank)
            assert.is_not_nil(own)
            assert.is_true(k.sim:moveItem(tank, k.player.Inventory, nil, k.player))
            -- into the suit's occupied tank slot: the two tanks swap
            assert.is_true(k.sim:moveItem(tank, own.ParentInventory, own.ParentInventory:FindIndex(own), k.player))
            assert.are.equal(suit, tank.Container)
            assert.are_not.equal(suit, own.Container)
            k.sim:removeNow(wall)
            same(before, units(k), "right after the removal")
            watch(k, before, 60, "after the removal")
            assert.is_true(tank.Removed)
            assert.is_false(own.Removed)
            atRest(k, before, "tank swapped into a removed page's suit")
            k:cleanup()
        end)
    end)
end
