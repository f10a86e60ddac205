-- The example extension mod (examples/sortbyrarity, built into dist/examples/SortByRarity) loaded
-- next to the built Database IO in the simulated game: its sort mode orders the terminal rows, and
-- its fuel shelves pull fuel rods through the public API, conserving every unit.
local Sim = require("sim.runtime")
local K = require("kits.terminal_kit")

local EXAMPLE = Sim.ROOT .. "/dist/examples/SortByRarity"
local SHELF_TAG = "dbioexample_fuelshelf"

--- Database IO and the example in the given order, a terminal sub with a fuel shelf, one player.
local function setup(order)
    local sim = Sim.new({ mode = "server" })
    local dirs = order == "example first" and { EXAMPLE, K.MOD } or { K.MOD, EXAMPLE }
    sim:loadMod(dirs)
    sim:startCampaign(K.defaultSub({ extra = {
        { id = "storagecabinet", key = "shelf", tags = SHELF_TAG },
        { id = "storagecabinet", key = "plain" },
    } }))
    local client = sim:addClient({ name = "Alice" })
    local k = setmetatable({ sim = sim, players = { client.Character }, clients = { client }, player = client.Character }, K)
    return k
end

local function exampleStats(k)
    return k.sim.env.Hook.Call("dbioexample.stats")
end

local function shelf(k)
    for _, item in ipairs(k.sim:findAll("storagecabinet")) do
        if item:HasTag(SHELF_TAG) then return item end
    end
end

local function fuelIn(item)
    local n = 0
    for _, it in ipairs(item.OwnInventory.AllItemsMod) do
        if it.Prefab.Identifier.Value == "fuelrod" then n = n + 1 end
    end
    return n
end

local function finish(k)
    assert.are.same({}, k.sim.errors)
    k:cleanup()
end

describe("example mod: fuel shelves", function()
    for _, order in ipairs({ "Database IO first", "example first" }) do
        it("keeps the tagged shelf at two fuel rods from the database (" .. order .. ")", function()
            local k = setup(order)
            local api = k:api()
            assert.is_table(api)
            local rods = k.sim:spawnMany("fuelrod", 5)
            local before = #k.sim:findAll("fuelrod")
            for _, rod in ipairs(rods) do assert.is_true(api.ingest(rod, "default", "spec").ok) end
            k:tick(90) -- rods arriving one by one: the shelf settles for a second between orders
            assert.are.equal(2, fuelIn(shelf(k)))
            assert.are.equal(3, api.amount("default", "fuelrod"))
            assert.are.equal(0, api.leased("default", "fuelrod"))
            -- Every rod exists once: in the database or in the world.
            local live = 0
            for _, it in ipairs(k.sim:findAll("fuelrod")) do
                if not it.Removed then live = live + 1 end
            end
            assert.are.equal(before, live + api.amount("default", "fuelrod"))
            -- The untagged cabinet got nothing.
            assert.are.equal(0, fuelIn(k.sim:findAll("storagecabinet")[#k.sim:findAll("storagecabinet")]))
            finish(k)
        end)
    end

    it("orders again only what a shelf lacks, after rods were taken from it", function()
        local k = setup()
        local api = k:api()
        for _, rod in ipairs(k.sim:spawnMany("fuelrod", 4)) do api.ingest(rod, "default", "spec") end
        k:tick(90) -- rods arriving one by one: the shelf settles for a second between orders
        assert.are.equal(2, fuelIn(shelf(k)))
        -- A player takes one rod out of the shelf; the next delivery of rods refills it to two.
        local taken = shelf(k).OwnInventory.AllItemsMod[1]
        assert.is_true(k.sim:moveItem(taken, k.player.Inventory, nil, k.player))
        k:tick(70) -- past the shelf's settle time
        for _, rod in ipairs(k.sim:spawnMany("fuelrod", 1)) do api.ingest(rod, "default", "spec") end
        k:tick(90) -- rods arriving one by one: the shelf settles for a second between orders
        assert.are.equal(2, fuelIn(shelf(k)))
        assert.are.equal(2, api.amount("default", "fuelrod"))
        local stats = exampleStats(k)
        assert.are.equal(1, stats.shelves)
        assert.are.equal(3, stats.units)
        finish(k)
    end)

    it("leaves rods below half condition in the database", function()
        local k = setup()
        local api = k:api()
        for _, rod in ipairs(k.sim:spawnMany("fuelrod", 2, { condition = 30 })) do api.ingest(rod, "default", "spec") end
        k:tick(90) -- rods arriving one by one: the shelf settles for a second between orders
        assert.are.equal(0, fuelIn(shelf(k)))
        assert.are.equal(2, api.amount("default", "fuelrod"))
        finish(k)
    end)
end)

describe("example mod: rarity sort mode", function()
    local function first(k, hand)
        for _, it in ipairs(k:contents(hand)) do
            local id = it.Prefab.Identifier.Value
            if id ~= "databaseinterface" then return id end
        end
    end

    local function press(k, hand, label, times)
        for _ = 1, times or 1 do
            k:press(k.player, hand, label)
            k:quiet()
        end
    end

    it("is in the Sort cycle and puts the rarest rows first; Direction reverses it", function()
        local k = setup()
        k:seed({ { id = "copper", count = 3 }, { id = "fpgacircuit", count = 2 }, { id = "steel", count = 4 },
            { id = "wrench", quality = 2 } })
        -- A handheld terminal with one free slot: only the first row of the order is on the page.
        local hand = k:handheld()
        assert(k.sim:moveItem(hand, k.player.Inventory, nil, k.player))
        for _ = 1, 19 do k.sim:spawnNow("databaseinterface", { inventory = hand.OwnInventory }) end
        k:settle(hand)
        k:quiet()
        assert.are.equal("copper", first(k, hand)) -- by name
        press(k, hand, "sort", 4) -- amount, condition, recent, then the example's mode
        assert.truthy(string.find(k:session(hand).text, "| Rarity", 1, true), k:session(hand).text)
        assert.are.equal("wrench", first(k, hand)) -- quality 2 is the rarest
        press(k, hand, "direction")
        assert.are.equal("steel", first(k, hand)) -- the most units of quality 0
        finish(k)
    end)
end)
