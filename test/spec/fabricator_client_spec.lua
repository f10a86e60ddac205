-- The client's "fill from database" button: the pure model (when it asks, which answers it keeps,
-- when Fill is on) and the whole path in a client Lua state of the simulated game (no GUI there):
-- the player's choice on the fabricator becomes a query, the answer becomes have/need rows, and
-- Fill sends a request the server accepts and fills all or nothing.
local H = require("kits.harness")
local new = require("kits.classes").new
local M = require("client.fabricatorModel")

local function model()
    return new(M.FabricatorModel)
end

local CHOICE = { itemId = 7, identifier = "screwdriver", hash = 0, batches = 2 }

local function answer(query, fields)
    local a = { query = query, ok = true, text = "default", recipeHash = 99, coverable = true, busy = false, rows = {} }
    for k, v in pairs(fields or {}) do a[k] = v end
    return a
end

local function row(label, need, atHand, inDatabase, usable)
    return { label = label, identifiers = { label }, need = need, atHand = atHand, inDatabase = inDatabase, usable = usable ~= false }
end

describe("fabricator client model", function()
    it("asks at once on a new choice, then every REFRESH, never closer than MIN_GAP", function()
        local m = model()
        assert.is_nil(m:due(0))
        assert.are.equal("idle", m:state())
        m:select(CHOICE, 10)
        assert.are.equal("waiting", m:state())
        local q = m:due(10)
        assert.are.same(CHOICE, { itemId = q.itemId, identifier = q.identifier, hash = q.hash, batches = q.batches })
        assert.is_nil(m:due(10 + M.REFRESH / 2))
        assert.is_not_nil(m:due(10 + M.REFRESH))
        -- a change right after a query waits for MIN_GAP
        m:select({ itemId = 7, identifier = "screwdriver", hash = 0, batches = 3 }, 11.05)
        assert.is_nil(m:due(11.05))
        assert.are.equal(3, m:due(11 + M.MIN_GAP).batches)
        -- the same choice again is no change
        m:select({ itemId = 7, identifier = "screwdriver", hash = 0, batches = 3 }, 11.5)
        assert.is_nil(m:due(11.5))
    end)

    it("keeps only answers for the current choice and turns them into have/need rows", function()
        local m = model()
        m:select(CHOICE, 0)
        m:due(0)
        assert.is_false(m:receive(answer({ itemId = 7, identifier = "screwdriver", hash = 0, batches = 1 })))
        assert.are.equal(1, m.stale)
        assert.are.equal("waiting", m:state())
        assert.is_true(m:receive(answer(CHOICE, { rows = { row("steel", 2, 1, 5), row("plastic", 2, 0, 1) } })))
        assert.are.equal("ready", m:state())
        local rows = m:rows()
        assert.are.same({ 1, true }, { rows[1].missing, rows[1].enough })
        assert.are.same({ 2, false }, { rows[2].missing, rows[2].enough })
        assert.are.equal(3, m:missingUnits())
        -- a new choice forgets the old answer
        m:select({ itemId = 8, identifier = "screwdriver", hash = 0, batches = 2 }, 1)
        assert.are.equal("waiting", m:state())
        assert.are.same({}, m:rows())
    end)

    it("Fill is on only for a coverable, not busy answer with something missing, once per FILL_GAP", function()
        local m = model()
        m:select(CHOICE, 0)
        m:due(0)
        m:receive(answer(CHOICE, { rows = { row("steel", 2, 2, 0), row("plastic", 2, 2, 0) } }))
        assert.is_false(m:canFill(1))               -- nothing missing
        m:receive(answer(CHOICE, { coverable = false, rows = { row("steel", 2, 0, 1) } }))
        assert.is_false(m:canFill(1))
        assert.is_nil(m:fill(1))
        m:receive(answer(CHOICE, { busy = true, rows = { row("steel", 2, 0, 5) } }))
        assert.is_false(m:canFill(1))
        m:receive(answer(CHOICE, { ok = false, text = "you are not using that fabricator", rows = {} }))
        assert.are.equal("refused", m:state())
        assert.are.equal("you are not using that fabricator", m:text())
        assert.is_false(m:canFill(1))
        m:receive(answer(CHOICE, { rows = { row("steel", 2, 0, 5) } }))
        assert.is_true(m:canFill(1))
        local f = m:fill(1)
        assert.are.equal(7, f.itemId)
        assert.is_nil(m:fill(1 + M.FILL_GAP / 2))   -- no double press
        assert.is_not_nil(m:due(1 + M.FILL_GAP))     -- asks again soon after a fill
        assert.is_true(m:canFill(1 + M.FILL_GAP))
    end)
end)

describe("fabricator fill button in a client Lua state", function()
    local h, sim, client, fab, api
    local function setup(stock)
        local items = {
            { id = "databasecore", key = "core" },
            { id = "fabricator", key = "fab" },
            { id = "storagecabinet", key = "cab" },
        }
        for _, e in ipairs(stock) do
            local copy = {}
            for k, v in pairs(e) do copy[k] = v end
            copy.inside = "cab"
            items[#items + 1] = copy
        end
        h = H.new({ mode = "server", sub = { name = "Fab Sub", items = items } })
        sim = h.sim
        local cab = sim:find("storagecabinet")
        for _, result in ipairs(h:ingest(cab.OwnInventory.AllItemsMod)) do assert.is_true(result.ok, result.message) end
        h:tick(3)
        client = sim:addClient({ name = "Ann", luacs = true, lua = true })
        api = sim:clientEnv(client).DatabaseIO.client.fabricator
        fab = sim:find("fabricator")
        sim.chat = {}
    end
    after_each(function()
        assert.are.same({}, sim.errors)
        h:cleanup()
    end)

    local function input()
        return fab:GetComponentString("Fabricator").InputContainer.Inventory
    end

    local function countIn(identifier)
        local n = 0
        for _, it in ipairs(input().AllItemsMod) do
            if it.Prefab.Identifier.Value == identifier then n = n + 1 end
        end
        return n
    end

    local function byLabel(rows)
        local out = {}
        for _, r in ipairs(rows) do out[r.label] = { r.need, r.atHand, r.inDatabase } end
        return out
    end

    it("follows the player's choice and shows have/need; nothing is asked without a choice", function()
        setup({ { id = "copper", count = 3 }, { id = "plastic", count = 2 } })
        h:tick(30)
        assert.are.equal(0, api.sync.queries)
        sim:select(client.Character, fab)
        h:tick(30)
        assert.are.equal(0, api.sync.queries)              -- a fabricator, but no recipe chosen
        sim:selectRecipe(fab, "fpgacircuit", 2)
        h:tick(5)
        local m = api.model
        assert.are.equal("ready", m:state())
        assert.are.same({ ["Steel Bar"] = { 4, 0, 3 }, Plastic = { 2, 0, 2 } }, byLabel(m:rows()))
        assert.is_false(m:canFill(sim.time))          -- one mineral short
        -- the player drops a steel into the input: the next refresh shows it at hand
        sim:spawnNow("steel", { inventory = input() })
        h:tick(60)
        assert.are.same({ ["Steel Bar"] = { 4, 1, 3 }, Plastic = { 2, 0, 2 } }, byLabel(m:rows()))
        assert.is_true(m:canFill(sim.time))
        -- leaving the fabricator stops the queries
        sim:deselect(client.Character)
        h:tick(2)
        local asked = api.sync.queries
        assert.are.equal("idle", m:state())
        h:tick(120)
        assert.are.equal(asked, api.sync.queries)
    end)

    it("Fill sends a request the server accepts: every missing unit lands, nothing starts", function()
        setup({ { id = "steel", count = 3 }, { id = "plastic", count = 3 } })
        sim:select(client.Character, fab)
        sim:selectRecipe(fab, "screwdriver", 2)
        h:tick(5)
        assert.is_true(api.model:canFill(sim.time))
        assert.is_true(api.fill())
        h:tick(5)
        assert.are.equal(2, countIn("steel"))
        assert.are.equal(2, countIn("plastic"))
        assert.are.equal(1, h:amount("steel"))
        assert.are.equal(1, h:amount("plastic"))
        assert.is_nil(fab:GetComponentString("Fabricator")._fabricatedItem)
        h:tick(60)
        assert.are.same({ ["Steel Bar"] = { 2, 2, 1 }, Plastic = { 2, 2, 1 } }, byLabel(api.model:rows()))
        assert.is_false(api.model:canFill(sim.time))  -- nothing missing any more
        local okVerify, report = h:verifyClean()
        assert.is_true(okVerify, report)
    end)

    it("a fill the database can no longer cover moves nothing and the player is told", function()
        setup({ { id = "steel", count = 2 }, { id = "plastic", count = 2 } })
        sim:select(client.Character, fab)
        sim:selectRecipe(fab, "screwdriver", 2)
        h:tick(5)
        assert.is_true(api.model:canFill(sim.time))
        -- someone else takes a plastic before Fill is pressed
        local taken = h:api().consume("default", { ingredients = { { identifiers = { "plastic" }, amount = 1 } } }, "spec")
        assert.is_true(taken.ok, taken.message)
        assert.is_true(api.fill())
        h:tick(5)
        assert.are.equal(0, #input().AllItemsMod)
        assert.are.equal(2, h:amount("steel"))
        assert.are.equal(1, h:amount("plastic"))
        local told = {}
        for _, line in ipairs(sim.chat) do told[#told + 1] = line.text end
        assert.is_truthy(table.concat(told, "\n"):find("Plastic 1/2", 1, true), table.concat(told, "\n"))
        h:tick(60)
        assert.is_false(api.model:canFill(sim.time))  -- the fresh answer says it is short
        local okVerify, report = h:verifyClean()
        assert.is_true(okVerify, report)
    end)
end)
