-- Terminal pages on the built mod in the simulated game: fill, take, deposit, paging, sort,
-- search, close paths, several terminals, faults. Every scenario ends with no errors.
local K = require("kits.terminal_kit")

local function finish(k)
    assert.are.same({}, k.sim.errors)
    k:cleanup()
end

local function ids(items)
    local out = {}
    for _, it in ipairs(items) do out[#out + 1] = it.Prefab.Identifier.Value end
    return out
end

describe("terminal page fill", function()
    it("leases one slot's worth per entry: min(amount, the item's own stack limit)", function()
        -- stack limits: steel 12, fpgacircuit 8, wrench 1, smground 60, oxygentank 1
        local k = K.new({ seed = { { id = "steel", count = 30 }, { id = "fpgacircuit", count = 9 },
            { id = "wrench", count = 2 }, { id = "smground", count = 70 }, { id = "oxygentank", count = 3 } } })
        local wall = k:wall()
        local before = k:totals()
        k:use(k.player, wall)
        assert.are.equal("open", k:settle(wall))
        k:quiet()
        assert.are.equal(8, k:count(wall, "fpgacircuit"))
        assert.are.equal(60, k:count(wall, "smground"))
        assert.are.equal(12, k:count(wall, "steel"))
        assert.are.equal(1, k:count(wall, "wrench"))
        assert.are.equal(1, k:count(wall, "oxygentank"))
        assert.are.equal(12, k:api().leased("default", "steel", 0))
        assert.are.equal(18, k:api().amount("default", "steel", 0))
        assert.are.same(before, k:totals())
        assert.is_truthy(string.find(wall:GetComponentString("ItemLabel").Text, "Page 1/1 | 114 units | 5 items", 1, true))
        finish(k)
    end)

    it("stops at the first placement that fails and returns those units at once", function()
        local k = K.new({ seed = { { id = "steel", count = 12 }, { id = "copper", count = 12 }, { id = "plastic", count = 12 } } })
        local hand = k:handheld()
        -- A handheld terminal with 18 slots already taken by refused items (devices cannot be stored).
        local cab = hand.ParentInventory
        assert(k.sim:moveItem(hand, k.player.Inventory, nil, k.player))
        for _ = 1, 18 do
            k.sim:spawnNow("databaseinterface", { inventory = hand.OwnInventory })
        end
        assert.are.equal("open", k:settle(hand))
        k:quiet()
        -- Two free slots: copper and plastic (by name), steel did not fit and went back.
        assert.are.same({ "copper", "plastic" }, (function()
            local got = {}
            for _, it in ipairs(k:contents(hand)) do
                local id = it.Prefab.Identifier.Value
                if id ~= "databaseinterface" and got[#got] ~= id then got[#got + 1] = id end
            end
            return got
        end)())
        assert.are.equal(0, k:count(hand, "steel"))
        assert.are.equal(12, k:api().amount("default", "steel", 0))
        assert.are.equal(0, k:api().leased("default", "steel", 0))
        -- the devices stayed visible in the terminal (never voided), with a message on the label
        assert.are.equal(18, k:count(hand, "databaseinterface"))
        -- nothing lies on the floor
        for _, it in ipairs(k.sim:findAll("steel")) do assert.is_not_nil(it.ParentInventory) end
        finish(k)
    end)
end)

describe("taking and depositing", function()
    local k, wall
    before_each(function()
        k = K.new({ seed = { { id = "steel", count = 30 }, { id = "copper", count = 5 } } })
        wall = k:wall()
        k:use(k.player, wall)
        k:settle(wall)
        k:quiet()
    end)
    after_each(function() finish(k) end)

    it("take one: consumed from the lease, marker removed", function()
        local steel = k:contents(wall, "steel")[1]
        assert(k.sim:moveItem(steel, k.player.Inventory, nil, k.player))
        k:tick(20)
        assert.are.equal(11, k:api().leased("default", "steel", 0))
        assert.are.equal(18, k:api().amount("default", "steel", 0))
        assert.is_nil(string.find(steel.Tags, "dbio_lease", 1, true))
        assert.are.equal(30, k:totals().steel)
    end)

    it("take all and part of a stack, then close: the rest returns exactly once", function()
        local steels = k:contents(wall, "steel")
        for i = 1, 5 do assert(k.sim:moveItem(steels[i], k.player.Inventory, nil, k.player)) end
        for _, c in ipairs(k:contents(wall, "copper")) do assert(k.sim:dropItem(c, k.player)) end
        k:tick(20)
        assert.are.equal(7, k:api().leased("default", "steel", 0))
        assert.are.equal(0, k:api().leased("default", "copper", 0))
        assert.are.equal(0, k:api().amount("default", "copper", 0))
        k.sim:deselect(k.player)
        k:quiet()
        assert.are.equal("idle", k:state(wall))
        assert.are.equal(25, k:api().amount("default", "steel", 0))
        assert.are.equal(0, k:api().leased("default", "steel", 0))
        assert.are.equal(0, #k:contents(wall))
        assert.are.equal(30, k:totals().steel)
        assert.are.equal(5, k:totals().copper)
        assert.are.equal(0, #k:marked())
        local clean, report = k:verifyClean()
        assert.is_true(clean, report)
    end)

    it("deposit accepted: a foreign item is stored under the policy", function()
        local plastic = k.sim:spawnNow("plastic", { inventory = k.player.Inventory })
        assert(k.sim:moveItem(plastic, wall.OwnInventory, nil, k.player))
        k:tick(40)
        assert.is_true(plastic.Removed)
        assert.are.equal(1, k:api().amount("default", "plastic", 0))
    end)

    it("deposit refused: a device goes back to the player who put it", function()
        local device = k.sim:spawnNow("databaseinterface", { inventory = k.player.Inventory })
        assert(k.sim:moveItem(device, wall.OwnInventory, nil, k.player))
        k:tick(40)
        assert.is_false(device.Removed)
        assert.are.equal(k.player.Inventory, device.ParentInventory)
    end)

    it("outpost goods cannot be laundered through a terminal", function()
        local loot = k.sim:spawnNow("copper", { inventory = k.player.Inventory, spawnedInOutpost = true, allowStealing = false })
        assert(k.sim:moveItem(loot, wall.OwnInventory, nil, k.player))
        k:tick(40)
        assert.is_false(loot.Removed)
        assert.are.equal(5, k:held("copper"))
    end)
end)

describe("paging, sorting and searching", function()
    it("Next and Previous are stable; each page switch returns its units exactly once", function()
        local seed = {}
        for _, id in ipairs({ "steel", "copper", "plastic", "fpgacircuit", "wrench", "screwdriver", "crowbar", "antibleeding1", "oxygentank", "smground", "battery", "idcard" }) do
            seed[#seed + 1] = { id = id, count = 3 }
        end
        local k = K.new({ seed = seed })
        local hand = k:handheld()
        assert(k.sim:moveItem(hand, k.player.Inventory, nil, k.player))
        -- 14 refused blockers leave 6 free slots: pages of 6 rows.
        for _ = 1, 14 do k.sim:spawnNow("databaseinterface", { inventory = hand.OwnInventory }) end
        k:settle(hand)
        k:quiet()
        local function page()
            local got = {}
            for _, it in ipairs(k:contents(hand)) do
                local id = it.Prefab.Identifier.Value
                if id ~= "databaseinterface" then got[id] = true end
            end
            local list = {}
            for id in pairs(got) do list[#list + 1] = id end
            table.sort(list)
            return list
        end
        local p1 = page()
        assert.are.equal(6, #p1)
        k:press(k.player, hand, "next")
        k:quiet()
        local p2 = page()
        assert.are.equal(6, #p2)
        for _, id in ipairs(p2) do for _, other in ipairs(p1) do assert.are_not.equal(id, other) end end
        assert.are.equal("Page 2/", string.sub(k:session(hand).text, 1, 7))
        k:press(k.player, hand, "previous")
        k:quiet()
        assert.are.same(p1, page())
        -- every unit is either in the database or on the page, once
        local t = k:totals({ "steel", "copper", "plastic", "idcard", "battery" })
        assert.are.same({ steel = 3, copper = 3, plastic = 3, idcard = 3, battery = 3 }, t)
        assert.are.equal(0, #k.sim:findAll("steel") - k:count(hand, "steel"))
        finish(k)
    end)

    it("sorts by amount and by condition, and reverses", function()
        local k = K.new({ seed = { { id = "steel", count = 2 }, { id = "copper", count = 9 }, { id = "plastic", count = 5 },
            { id = "wrench", condition = 30 }, { id = "wrench", condition = 80 } } })
        local hand = k:handheld()
        assert(k.sim:moveItem(hand, k.player.Inventory, nil, k.player))
        for _ = 1, 19 do k.sim:spawnNow("databaseinterface", { inventory = hand.OwnInventory }) end
        k:settle(hand)
        k:quiet()
        local function first()
            for _, it in ipairs(k:contents(hand)) do
                local id = it.Prefab.Identifier.Value
                if id ~= "databaseinterface" then return id, it end
            end
        end
        assert.are.equal("copper", (first())) -- by name: Copper first
        k:press(k.player, hand, "sort") -- amount, ascending: a wrench (1)
        k:quiet()
        assert.are.equal("wrench", (first()))
        k:press(k.player, hand, "direction") -- amount, descending: copper (9)
        k:quiet()
        assert.are.equal("copper", (first()))
        k:press(k.player, hand, "sort") -- condition, descending: full-condition rows first
        k:press(k.player, hand, "direction") -- ascending: the 30% wrench first
        k:quiet()
        local id, it = first()
        assert.are.equal("wrench", id)
        assert.are.equal(30, it.Condition)
        finish(k)
    end)

    it("search matches identifier and English name, case-insensitive", function()
        local k = K.new({ seed = { { id = "steel", count = 3 }, { id = "copper", count = 3 }, { id = "fpgacircuit", count = 2 } } })
        local wall = k:wall()
        k:use(k.player, wall)
        k:settle(wall)
        k.sim:setText(k.player, wall, "dbioterminal.search", "  STEEL b")
        k:tick(20)
        k:quiet()
        assert.are.same({ "steel", "steel", "steel" }, ids(k:contents(wall)))
        k.sim:setText(k.player, wall, "dbioterminal.search", "fpga")
        k:tick(20)
        k:quiet()
        assert.are.same({ "fpgacircuit", "fpgacircuit" }, ids(k:contents(wall)))
        assert.are.equal(3, k:api().amount("default", "steel", 0))
        finish(k)
    end)

    it("search matches Chinese names on a Chinese server", function()
        local k = K.new({ language = "zh", seed = { { id = "steel", count = 2 }, { id = "copper", count = 2 } } })
        local wall = k:wall()
        k:use(k.player, wall)
        k:settle(wall)
        k.sim:setText(k.player, wall, "dbioterminal.search", "钢")
        k:tick(20)
        k:quiet()
        assert.are.same({ "steel", "steel" }, ids(k:contents(wall)))
        finish(k)
    end)

    it("bad search input (10,000 chars, control characters) is cut and cleaned, never a crash", function()
        local k = K.new({ seed = { { id = "steel", count = 2 } } })
        local wall = k:wall()
        k:use(k.player, wall)
        k:settle(wall)
        -- the search field is the 9th element (the game shows its label translated: "Search")
        local el = wall:GetComponentString("CustomInterface").customInterfaceElementList[9]
        assert.are.equal("Search", el.Label)
        el.Signal = string.rep("x", 10000)
        k:tick(20)
        k:quiet()
        assert.are.equal(0, #k:contents(wall))
        el.Signal = "st\1\2ee\127l\n"
        k:tick(20)
        k:quiet()
        assert.are.same({ "steel", "steel" }, ids(k:contents(wall)))
        finish(k)
    end)
end)

describe("closing paths", function()
    local function opened(opts)
        local k = K.new(opts or { seed = { { id = "steel", count = 20 }, { id = "copper", count = 4 } } })
        local wall = k:wall()
        k:use(k.player, wall)
        k:settle(wall)
        k:quiet()
        assert.are.equal(12, k:count(wall, "steel"))
        return k, wall
    end
    local function returned(k, wall)
        k:quiet()
        assert.are.equal("idle", k:state(wall))
        assert.are.equal(0, #k:contents(wall))
        assert.are.equal(20, k:api().amount("default", "steel", 0))
        assert.are.equal(0, k:api().leased("default", "steel", 0))
        assert.are.equal(0, #k:marked())
        local clean, report = k:verifyClean()
        assert.is_true(clean, report)
        finish(k)
    end

    it("power loss", function()
        local k, wall = opened()
        k.sim:setVoltage(wall, 0)
        returned(k, wall)
    end)
    it("the user walks away", function()
        local k, wall = opened()
        k.sim:deselect(k.player)
        returned(k, wall)
    end)
    it("the user dies", function()
        local k, wall = opened()
        k.sim:kill(k.player)
        returned(k, wall)
    end)
    it("the user disconnects", function()
        local k, wall = opened()
        k.sim:disconnect(k.clients[1])
        returned(k, wall)
    end)
    it("the terminal is removed mid-lease", function()
        local k, wall = opened()
        k.sim:removeNow(wall)
        k:tick(30)
        assert.are.equal(20, k:api().amount("default", "steel", 0))
        assert.are.equal(0, k:api().leased("default", "steel", 0))
        assert.are.equal(20, k:totals().steel)
        local clean, report = k:verifyClean()
        assert.is_true(clean, report)
        finish(k)
    end)
    it("a button press from nobody using the terminal is refused and changes nothing", function()
        local k, wall = opened()
        local stranger = k.sim:addClient({ name = "Mallory" }).Character
        k.sim:deselect(k.player)
        k:quiet()
        k:press(stranger, wall, "next")
        k:tick(30)
        assert.are.equal("idle", k:state(wall))
        assert.are.equal(0, #k:contents(wall))
        assert.are.equal(20, k:api().amount("default", "steel", 0))
        finish(k)
    end)
    it("a page request for another database or a bad page number is refused", function()
        local k, wall = opened()
        local function call(hook, attrs)
            local element = { GetAttributeString = function(_, name, default) return attrs[name] or default end }
            k.sim.env.Hook.Call("databaseio.terminal." .. hook, nil, 1, wall, { wall }, wall.WorldPosition, element)
        end
        call("next", { db = "other" })
        call("page", { page = "-1" })
        call("page", { page = "1.5" })
        call("page", { page = "" })
        k:tick(30)
        assert.are.equal("open", k:state(wall))
        assert.are.equal(1, k:session(wall).page)
        assert.are.equal(12, k:count(wall, "steel"))
        finish(k)
    end)
end)

describe("several terminals on one database", function()
    it("two and three terminals page the same database at once, each unit once", function()
        local k = K.new({ players = { "Alice", "Bob", "Carol" }, seed = { { id = "steel", count = 30 }, { id = "copper", count = 3 } } })
        local a, b = k:wall(1), k:wall(2)
        local hand = k:handheld()
        k:use(k.players[1], a)
        k:use(k.players[2], b)
        assert(k.sim:moveItem(hand, k.players[3].Inventory, nil, k.players[3]))
        k:quiet()
        -- one slot's worth per page each, 30 units in all: 12 + 12 + 6 in the order they opened
        local pages = { k:count(a, "steel"), k:count(b, "steel"), k:count(hand, "steel") }
        table.sort(pages)
        assert.are.same({ 6, 12, 12 }, pages)
        assert.are.equal(3, k:count(a, "copper") + k:count(b, "copper") + k:count(hand, "copper"))
        assert.are.equal(30, k:api().leased("default", "steel", 0))
        -- Bob takes from his page while Alice's page stays put
        local taken = k:contents(b, "steel")[1]
        assert(k.sim:moveItem(taken, k.players[2].Inventory, nil, k.players[2]))
        k.sim:deselect(k.players[1])
        k:quiet()
        assert.are.equal(29, k:held("steel"))
        assert.are.equal(30, k:totals().steel)
        k.sim:deselect(k.players[2])
        assert(k.sim:moveItem(hand, k:find("storagecabinet", 2).OwnInventory, nil, k.players[3]))
        k:quiet()
        assert.are.equal(29, k:api().amount("default", "steel", 0))
        assert.are.equal(0, #k:marked())
        finish(k)
    end)
end)

describe("faults", function()
    it("failed spawns time out and their units return; late items are removed", function()
        local k = K.new({ seed = { { id = "steel", count = 12 }, { id = "copper", count = 3 } } })
        k.sim.faults.dropSpawn = function(id) return id == "copper" end
        local wall = k:wall()
        k:use(k.player, wall)
        k:tick(60 * 7)
        k:quiet()
        assert.are.equal(0, k:count(wall, "copper"))
        assert.are.equal(3, k:api().amount("default", "copper", 0))
        assert.are.equal(12, k:count(wall, "steel"))
        assert.are.same({ steel = 12, copper = 3 }, k:totals({ "steel", "copper" }))
        finish(k)
    end)

    it("failed placements: the misplaced item is removed and its unit returns", function()
        local k = K.new({ seed = { { id = "steel", count = 12 }, { id = "copper", count = 3 } } })
        local wall = k:wall()
        k.sim.faults.failPut = function(item, inv) return item.Prefab.Identifier.Value == "copper" and inv == wall.OwnInventory end
        k:use(k.player, wall)
        k:quiet()
        k.sim.faults.failPut = nil
        assert.are.equal(0, k:count(wall, "copper"))
        assert.are.equal(3, k:api().amount("default", "copper", 0))
        assert.are.equal(0, #k.sim:findAll("copper"))
        assert.are.same({ steel = 12, copper = 3 }, k:totals({ "steel", "copper" }))
        finish(k)
    end)

    it("an item removed before its spawn callback returns its unit", function()
        local k = K.new({ seed = { { id = "steel", count = 5 } } })
        k.sim.faults.removeBeforeCallback = function(item) return item.Prefab.Identifier.Value == "steel" end
        local wall = k:wall()
        k:use(k.player, wall)
        k:quiet()
        k.sim.faults.removeBeforeCallback = nil
        assert.are.equal(5, k:api().amount("default", "steel", 0))
        assert.are.equal(0, k:api().leased("default", "steel", 0))
        finish(k)
    end)
end)
