-- The have/need answer for a fabricator on the built mod in the simulated game: a client with
-- client-side LuaCs asks (`databaseio.fab.query`) and gets per ingredient row what the batches
-- need, what the fabricator reaches and what its database can give (tags, condition ranges),
-- validated like a fill request; nothing ever changes.
local H = require("kits.harness")
local Wire = require("protocol.fabricator")

local function setup(stock)
    local items = {
        { id = "databasecore", key = "core" },
        { id = "fabricator", key = "fab" },
        { id = "medicalfabricator", key = "med" },
        { id = "storagecabinet", key = "cab" },
    }
    for _, e in ipairs(stock) do
        local copy = {}
        for k, v in pairs(e) do copy[k] = v end
        copy.inside = "cab"
        items[#items + 1] = copy
    end
    local h = H.new({ mode = "server", sub = { name = "Fab Sub", items = items } })
    local cab = h.sim:find("storagecabinet")
    for _, result in ipairs(h:ingest(cab.OwnInventory.AllItemsMod)) do assert.is_true(result.ok, result.message) end
    h:tick(3)
    h.client = h.sim:addClient({ name = "Ann", luacs = true })
    h.player = h.client.Character
    h.fab = h.sim:find("fabricator")
    h.sim:select(h.player, h.fab)
    h.sim.chat = {}
    return h
end

local function inputOf(item)
    return item:GetComponentString("Fabricator").InputContainer.Inventory
end

local function answers(h)
    local out = {}
    for _, msg in ipairs(h.client.inbox) do
        if msg.name == Wire.STOCK_MESSAGE then out[#out + 1] = Wire.readStock(msg.reader()) end
    end
    return out
end

--- Sends a query, waits past the cooldown, returns the newest answer (nil when none came).
local function ask(h, itemId, identifier, hash, batches)
    local before = #answers(h)
    assert.is_true(h.sim:clientSend(h.client, Wire.QUERY_MESSAGE, function(w)
        w:WriteUInt16(itemId)
        w:WriteString(identifier)
        w:WriteUInt32(hash)
        w:WriteInt32(batches)
    end))
    h:tick(20)
    local all = answers(h)
    if #all == before then return nil end
    assert.are.equal(before + 1, #all)
    return all[#all]
end

local function rowFor(answer, identifier)
    for _, row in ipairs(answer.rows) do
        for _, id in ipairs(row.identifiers) do
            if id == identifier then return row end
        end
    end
    error("no row accepts " .. identifier)
end

--- Database amounts and exact entries, to show a query changes nothing.
local function state(h)
    local ids = { "steel", "copper", "plastic", "weldingfueltank" }
    local out = { input = #inputOf(h.fab).AllItemsMod, exact = #h:api().exactEntries("default") }
    for _, id in ipairs(ids) do out[id] = h:held(id) end
    return out
end

local function clean(h)
    local okVerify, report = h:verifyClean()
    assert.is_true(okVerify, report)
    assert.are.same({}, h.sim.errors)
end

describe("fabricator have/need query", function()
    local h
    after_each(function() if h then h:cleanup() end h = nil end)

    it("answers a tag-based ingredient: at hand, in the database (capped at the need), missing", function()
        h = setup({ { id = "copper", count = 5 }, { id = "steel", count = 1 } })
        h.sim:spawnNow("copper", { inventory = h.player.Inventory })   -- at hand: the user's inventory
        h.sim:spawnNow("plastic", { inventory = inputOf(h.fab) })       -- at hand: the input slots
        local _, recipe = h.sim:fabricator(h.fab, "fpgacircuit")
        local before = state(h)
        local a = ask(h, h.fab.ID, "fpgacircuit", 0, 2)
        assert.is_true(a.ok, a.text)
        assert.are.equal("default", a.text)
        assert.are.equal(recipe.RecipeHash, a.recipeHash)
        assert.are.equal(2, #a.rows)
        local mineral = rowFor(a, "copper")
        assert.are.same({ "copper", "steel" }, mineral.identifiers)
        assert.are.equal(4, mineral.need)
        assert.are.equal(1, mineral.atHand)
        assert.are.equal(4, mineral.inDatabase)   -- 6 minerals stored, shown up to the need
        local plastic = rowFor(a, "plastic")
        assert.are.equal(2, plastic.need)
        assert.are.equal(1, plastic.atHand)
        assert.are.equal(0, plastic.inDatabase)
        assert.is_false(a.coverable)              -- one plastic short: a fill would move nothing
        assert.is_false(a.busy)
        assert.are.same(before, state(h))
        assert.are.same({}, h.sim.chat)
        clean(h)
    end)

    it("respects a condition range: too damaged tanks count neither at hand nor in the database", function()
        h = setup({ { id = "steel", count = 3 }, { id = "weldingfueltank", condition = 30 }, { id = "weldingfueltank", condition = 80 } })
        h.sim:spawnNow("weldingfueltank", { inventory = h.player.Inventory, condition = 40 })
        local a = ask(h, h.fab.ID, "crowbar", 0, 2)
        assert.is_true(a.ok, a.text)
        local tank = rowFor(a, "weldingfueltank")
        assert.are.equal(2, tank.need)
        assert.are.equal(0, tank.atHand)
        assert.are.equal(1, tank.inDatabase)      -- the 80 % tank; the 30 % one is outside 50..100
        local steel = rowFor(a, "steel")
        assert.are.same({ 4, 0, 3 }, { steel.need, steel.atHand, steel.inDatabase })
        assert.is_false(a.coverable)
        -- One batch, and a tank within range in the inventory: everything is covered.
        h.sim:spawnNow("weldingfueltank", { inventory = h.player.Inventory, condition = 60 })
        local b = ask(h, h.fab.ID, "crowbar", 0, 1)
        tank = rowFor(b, "weldingfueltank")
        assert.are.same({ 1, 1, 1 }, { tank.need, tank.atHand, tank.inDatabase })
        steel = rowFor(b, "steel")
        assert.are.same({ 2, 0, 2 }, { steel.need, steel.atHand, steel.inDatabase })
        assert.is_true(b.coverable)
        clean(h)
    end)

    it("agrees with the plan a fill runs: coverable exactly when the fill moves the units", function()
        h = setup({ { id = "steel", count = 2 }, { id = "plastic", count = 2 } })
        local a = ask(h, h.fab.ID, "screwdriver", 0, 2)
        assert.is_true(a.coverable)
        local short = ask(h, h.fab.ID, "screwdriver", 0, 3)
        assert.is_false(short.coverable)
        assert.are.same({ 3, 0, 2 }, { rowFor(short, "steel").need, rowFor(short, "steel").atHand, rowFor(short, "steel").inDatabase })
        clean(h)
    end)

    it("refuses bad queries with the reason, changes nothing and logs each kind once", function()
        h = setup({ { id = "steel", count = 4 }, { id = "plastic", count = 4 } })
        local before = state(h)
        local med = h.sim:find("medicalfabricator")
        local cases = {
            { h.fab.ID, "screwdriver", 0, 0, "the amount must be a whole number from 1 to 99" },
            { h.fab.ID, "screwdriver", 0, -1, "the amount must be a whole number from 1 to 99" },
            { h.fab.ID, "screwdriver", 0, 100, "the amount must be a whole number from 1 to 99" },
            { h.fab.ID, "screwdriver", 0, 1000000000, "the amount must be a whole number from 1 to 99" },
            { h.fab.ID, "antibleeding1", 0, 1, "this fabricator cannot make that" },
            { h.fab.ID, "nosuchitem", 0, 1, "this fabricator cannot make that" },
            { h.fab.ID, "screwdriver", 12345, 1, "this fabricator cannot make that" },
            { med.ID, "antibleeding1", 0, 1, "you are not using that fabricator" },
            { h.sim:find("storagecabinet").ID, "screwdriver", 0, 1, "you are not using that fabricator" },
        }
        for _, c in ipairs(cases) do
            local a = ask(h, c[1], c[2], c[3], c[4])
            assert.is_not_nil(a, c[2])
            assert.is_false(a.ok)
            assert.are.equal(c[5], a.text)
            assert.are.equal(0, #a.rows)
            assert.are.equal(0, a.recipeHash)
        end
        -- Deselected: not using it.
        h.sim:deselect(h.player)
        local a = ask(h, h.fab.ID, "screwdriver", 0, 1)
        assert.are.equal("you are not using that fabricator", a.text)
        local logged = 0
        for _, line in ipairs(h.sim.printed) do
            if line:find("fabricator query from Ann refused", 1, true) then logged = logged + 1 end
        end
        assert.are.equal(1, logged)
        assert.are.same(before, state(h))
        assert.are.same({}, h.sim.chat)
        clean(h)
    end)

    it("drops queries that come too fast, unreadable ones, and ones without a character", function()
        h = setup({ { id = "steel", count = 1 }, { id = "plastic", count = 1 } })
        local function send()
            h.sim:clientSend(h.client, Wire.QUERY_MESSAGE, function(w)
                w:WriteUInt16(h.fab.ID)
                w:WriteString("screwdriver")
                w:WriteUInt32(0)
                w:WriteInt32(1)
            end)
        end
        send()
        send()
        send()
        h:tick(2)
        assert.are.equal(1, #answers(h))
        h:tick(20)
        h.sim:clientSend(h.client, Wire.QUERY_MESSAGE, function(w) w:WriteUInt16(h.fab.ID) end)
        h:tick(20)
        assert.are.equal(1, #answers(h))
        h.sim:kill(h.player)
        assert.is_nil(ask(h, h.fab.ID, "screwdriver", 0, 1))
        assert.are.same({}, h.sim.errors)
    end)
end)
