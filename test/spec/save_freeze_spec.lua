-- Save steps freeze devices (design.md "Save steps freeze devices"; issue 13 holes 2 and 3).
--
-- Multiplayer stores the players' inventories (MultiPlayerCampaign.SavePlayers) before the
-- submarine is captured: on "save & quit" SavePlayers, HandleSaveAndQuit, capture, SaveGame; on a
-- level transition EndRound, SavePlayers, one more update, capture, SaveGame. Every move below
-- happens right before such a save; each unit must exist exactly once in the live game before the
-- save, in the save itself (the core's database + the submarine's items + the players' records),
-- and in the game after the save is loaded again. Singleplayer runs the same moves on its paths.
local K = require("kits.terminal_kit")
local codec = require("core.codec")
local U = require("kits.units")

local IDS = { "steel", "oxygentank" }
local TANKS = "oxygentank amount=1 spent=yes"

local function isTerminal(identifier)
    return identifier == "databaseterminal" or identifier == "databaseterminalfixed"
end

--- Units per identifier held by a save: the database written into each core (working + leased,
--- nested contents included), plus every item record (submarine and players) except the lease-
--- marked items that lie in a terminal, which the next round removes (their units are leased).
local function savedUnits(sim, ids)
    local records = sim:savedRecords()
    local byId = {}
    for _, r in ipairs(records) do byId[r.id] = r end
    local counts = {}
    for _, r in ipairs(records) do
        if r.identifier == "databasecore" and (r.memory[1] or "") ~= "" then
            local decoded = codec.decodeSnapshot(r.memory[1])
            assert(decoded.ok, decoded.message)
            U.addSnapshot(counts, decoded.value.snapshot)
        else
            local parent = r.parent ~= nil and byId[r.parent] or nil
            local onPage = string.find(string.lower(r.tags or ""), "dbio_lease:", 1, true) ~= nil
                and parent ~= nil and isTerminal(parent.identifier)
            if not onPage then counts[r.identifier] = (counts[r.identifier] or 0) + 1 end
        end
    end
    local out = {}
    for _, id in ipairs(ids) do out[id] = counts[id] or 0 end
    return out
end

--- A campaign with a wall terminal, a handheld terminal, a handheld interface and a toolbox that
--- a restocker keeps stocked, all of which the first player carries except the wall terminal.
local function setup(mode, opts)
    opts = opts or {}
    local extra = {
        { id = "databaseinterface", key = "iface" },
        { id = "toolbox", key = "box" },
        { id = "databaserestocker", key = "r", signals = { ["restocker.config"] = opts.config or "" }, links = { "box" } },
    }
    local k = K.new({ mode = mode, sub = K.defaultSub({ extra = extra }) })
    k.iface = k:find("databaseinterface")
    k.box = k:find("toolbox")
    k.restocker = k:find("databaserestocker")
    return k
end

local function carry(k, item)
    assert(k.sim:moveItem(item, k.player.Inventory, nil, k.player), "could not carry " .. tostring(item))
end

local function live(k)
    k:quiet()
    return k:totals(IDS)
end

--- The save paths of `mode` the moves happen right before: { save step, what follows it }.
local SAVE_AND_QUIT = {
    server = { function(k) k.sim:mpSaveAndQuit() end, function(k) k.sim:startRound() end },
    singleplayer = { function(k) k.sim:spSaveAndQuit() end, function(k) k.sim:spLoadGame() end },
}
-- A transition saves and starts the next round in one go: the save read afterwards is its own.
local TRANSITION = {
    server = { function(k) k.sim:mpTransition() end, function() end },
    singleplayer = { function(k) k.sim:spTransition() end, function() end },
}

--- The units before the save, in the save, and after it was loaded, all equal to `expected`.
local function expectKept(k, expected, path)
    path[1](k)
    local saved = savedUnits(k.sim, IDS)
    path[2](k)
    k.player = k.sim.isServer and k.clients[1].Character or k.sim.player
    local after = live(k)
    assert.are.same({ expected = expected, saved = expected, after = expected },
        { expected = expected, saved = saved, after = after })
    local clean, report = k:verifyClean()
    assert.is_true(clean, report)
    assert.are.same({}, k.sim.errors)
end

--- Ticks (at most `limit` updates) until `cond()` holds; fails otherwise.
local function tickUntil(k, cond, what, limit)
    for _ = 1, limit or 240 do
        if cond() then return end
        k:tick(1)
    end
    error("never happened: " .. what)
end

for _, mode in ipairs({ "server", "singleplayer" }) do
    local label = mode == "server" and "MP" or "SP"

    describe(label .. " save & quit right after a move", function()
        it("a page item moved into a carried handheld terminal in the last upkeep is kept once", function()
            local k = setup(mode)
            k:seed({ { id = "steel", count = 10 } })
            k:use(k.player, k:wall())
            k:settle(k:wall())
            k:quiet()
            assert.are.equal(10, k:count(k:wall(), "steel"))
            carry(k, k:handheld())
            k:quiet()
            local before = live(k)
            assert.are.same({ steel = 10, oxygentank = 0 }, before)
            -- the move, and the save before any upkeep of either terminal saw it
            local steel = k:contents(k:wall(), "steel")[1]
            assert(k.sim:moveItem(steel, k:handheld().OwnInventory, nil, k.player))
            expectKept(k, before, SAVE_AND_QUIT[mode])
            k:cleanup()
        end)

        it("an item a carried interface accepted but has not removed yet is kept once", function()
            local k = setup(mode)
            carry(k, k.iface)
            local steel = k.sim:spawnNow("steel", { inventory = k.player.Inventory })
            k:tick(2)
            local before = live(k)
            assert.are.same({ steel = 1, oxygentank = 0 }, before)
            assert(k.sim:moveItem(steel, k.iface.OwnInventory, nil, k.player))
            -- the interface accepts it on the next update; the game removes it one update later
            k:tick(1)
            assert.is_false(steel.Removed)
            expectKept(k, before, SAVE_AND_QUIT[mode])
            k:cleanup()
        end)

        it("an item a carried terminal accepted but has not removed yet is kept once", function()
            local k = setup(mode)
            carry(k, k:handheld())
            k:quiet()
            local steel = k.sim:spawnNow("steel", { inventory = k.player.Inventory })
            k:tick(2)
            local before = live(k)
            assert.are.same({ steel = 1, oxygentank = 0 }, before)
            assert(k.sim:moveItem(steel, k:handheld().OwnInventory, nil, k.player))
            tickUntil(k, function() return k:pendingIngest()[steel.ID] == true end, "the terminal accepting the deposit")
            assert.is_false(steel.Removed)
            expectKept(k, before, SAVE_AND_QUIT[mode])
            k:cleanup()
        end)
    end)

    describe(label .. " level transition right after a move", function()
        it("an item put into a carried interface is kept once", function()
            local k = setup(mode)
            carry(k, k.iface)
            local steel = k.sim:spawnNow("steel", { inventory = k.player.Inventory })
            k:tick(2)
            local before = live(k)
            assert(k.sim:moveItem(steel, k.iface.OwnInventory, nil, k.player))
            expectKept(k, before, TRANSITION[mode])
            k:cleanup()
        end)

        it("a restocker delivery on its way into a carried box is kept once", function()
            local k = setup(mode, { config = "steel amount=4" })
            carry(k, k.box)
            k:tick(2)
            -- the database gains steel: the restocker sends it to the carried box at once
            local steel = {}
            for i = 1, 6 do steel[i] = k.sim:spawnNow("steel", { inventory = k.sim:findAll("storagecabinet")[2].OwnInventory }) end
            k:tick(1)
            local before = k:totals(IDS)
            assert.are.equal(6, before.steel)
            for _, item in ipairs(steel) do assert.is_true(k:api().ingest(item, "default", "spec").ok) end
            tickUntil(k, function() return k:api().leased("default", "steel", 0) > 0 end, "a delivery in flight")
            assert.are.equal(0, #k:contents(k.box, "steel"))
            expectKept(k, before, TRANSITION[mode])
            k:cleanup()
        end)

        it("a spent tank a restocker takes back from a carried box is kept once", function()
            local k = setup(mode, { config = TANKS })
            carry(k, k.box)
            k:tick(2)
            local spent = k.sim:spawnNow("oxygentank", { inventory = k.box.OwnInventory, condition = 0 })
            local full = k.sim:spawnNow("oxygentank", { inventory = k.sim:findAll("storagecabinet")[2].OwnInventory })
            k:tick(1)
            local before = k:totals(IDS)
            assert.are.same({ steel = 0, oxygentank = 2 }, before)
            assert.is_false(spent.Removed)
            -- a tank stored on the last update: the restocker looks at the box on the next one
            assert.is_true(k:api().ingest(full, "default", "spec").ok)
            expectKept(k, before, TRANSITION[mode])
            k:cleanup()
        end)

        it("an extract into a player's inventory is kept once", function()
            local k = setup(mode)
            k:seed({ { id = "steel", count = 5 } })
            local before = live(k)
            assert.are.same({ steel = 5, oxygentank = 0 }, before)
            local r = k:api().extract("default", "steel", 2, k.player.Inventory, "spec")
            assert.is_true(r.ok, r.message)
            expectKept(k, before, TRANSITION[mode])
            k:cleanup()
        end)
    end)
end

-- A page in a handheld terminal a player carries is saved with that player at SavePlayers: the
-- player's record holds the page items as they are then, lease markers included, and the next
-- round removes the marked ones that lie in a terminal (their units are in the database). So what
-- the database books for that page must be the page as SavePlayers saw it: a change made before
-- it (after the first save step froze the devices) is booked then, and a change made after it (the
-- update between SavePlayers and the capture of a transition) is not the save's and is not booked.
describe("MP: a page in a carried handheld terminal is saved with its player", function()
    local TOOLS = { "toolbox", "screwdriver", "crowbar" }

    local function carriedPage()
        local k = setup("server")
        k:seed({ { id = "toolbox", contents = { { id = "screwdriver" }, { id = "crowbar" } } } })
        carry(k, k:handheld())
        k:quiet()
        local box = k:contents(k:handheld(), "toolbox")[1]
        assert(box ~= nil, "the toolbox is on the carried page")
        local before = k:units(TOOLS)
        -- the restocker's box is a toolbox too
        assert.are.same({ toolbox = 2, screwdriver = 1, crowbar = 1 }, before)
        return k, box, before
    end

    local function firstIn(item, identifier)
        for _, it in ipairs(item.OwnInventory.AllItemsMod) do
            if it.Prefab.Identifier.Value == identifier then return it end
        end
    end

    --- Runs `move` from a patch on `class.method` (`when`: Before or After), registered after the
    --- mod's own, then a level transition; the units after it must be `expected`.
    local function transitionWith(k, class, method, when, move, expected)
        local Hook = k.sim.env.Hook
        local hookType = Hook.HookMethodType[when]
        local moved = false
        Hook.Patch("spec.move", class, method, function()
            Hook.RemovePatch("spec.move", class, method, hookType)
            moved = true
            move()
        end, hookType)
        k.sim:mpTransition()
        assert.is_true(moved)
        k.clients[1] = k.sim.clients[1]
        k.player = k.clients[1].Character
        k:quiet()
        assert.are.same(expected, k:units(TOOLS))
        local clean, report = k:verifyClean()
        assert.is_true(clean, report)
        assert.are.same({}, k.sim.errors)
    end

    it("a tool taken out of a page toolbox after the first save step and before SavePlayers is kept once", function()
        local k, box, before = carriedPage()
        transitionWith(k, "Barotrauma.GameSession", "EndRound", "Before", function()
            assert(k.sim:moveItem(firstIn(box, "screwdriver"), k.player.Inventory, nil, k.player))
        end, before)
        k:cleanup()
    end)

    it("a page item taken out of the carried terminal after SavePlayers is the save's as it was: kept once", function()
        local k, box, before = carriedPage()
        transitionWith(k, "Barotrauma.MultiPlayerCampaign", "SavePlayers", "After", function()
            assert(k.sim:moveItem(box, k.player.Inventory, nil, k.player))
        end, before)
        k:cleanup()
    end)

    it("a tool taken out of a page toolbox after SavePlayers is the save's as it was: kept once", function()
        local k, box, before = carriedPage()
        transitionWith(k, "Barotrauma.MultiPlayerCampaign", "SavePlayers", "After", function()
            assert(k.sim:moveItem(firstIn(box, "crowbar"), k.player.Inventory, nil, k.player))
        end, before)
        k:cleanup()
    end)

    it("a page item dropped from the carried terminal into the submarine after SavePlayers is kept once", function()
        local k, box, before = carriedPage()
        transitionWith(k, "Barotrauma.MultiPlayerCampaign", "SavePlayers", "After", function()
            assert(k.sim:moveItem(box, k:find("storagecabinet", 2).OwnInventory, nil, k.player))
        end, before)
        k:cleanup()
    end)
end)

-- Player text where it enters: a field's text is set through CustomInterface.TextChanged (the
-- server calls it from ServerEventRead for a client's edit). What a device keeps is what reaches
-- the item's saved state, also when the text comes right before a player's record is stored.
describe("player text in a save, typed right before the players' records are stored", function()
    local HOSTILE = "\1\2ste\27el\0 amount=2\31"
    for _, target in ipairs({ "terminal" }) do
        it("text typed into a carried " .. target .. "'s field from a patch on SavePlayers is saved cleaned", function()
            local k = setup("server")
            local device = k:handheld()
            local field = "dbioterminal.search"
            carry(k, device)
            k:quiet()
            local Hook = k.sim.env.Hook
            Hook.Patch("spec.text", "Barotrauma.MultiPlayerCampaign", "SavePlayers", function()
                Hook.RemovePatch("spec.text", "Barotrauma.MultiPlayerCampaign", "SavePlayers", Hook.HookMethodType.Before)
                k.sim:setText(k.player, device, field, HOSTILE)
            end, Hook.HookMethodType.Before)
            k.sim:mpSaveAndQuit()
            -- no invalid character reached the player's record or the submarine
            assert.are.same({}, k.sim.errors)
            k.sim:startRound()
            assert.are.same({}, k.sim.errors)
            k:cleanup()
        end)
    end

    it("what a device keeps is there at once: no control character stays in the field", function()
        local k = setup("server")
        k.sim:setText(k.player, k:wall(), "dbioterminal.search", "st\1e\27el")
        assert.are.equal("steel", k.sim:fieldText(k:wall(), "dbioterminal.search"))
        k.sim:setText(k.player, k.restocker, "restocker.config", "steel\tamount=2\0")
        assert.are.equal("steel amount=2", k.sim:fieldText(k.restocker, "restocker.config"))
        k:cleanup()
    end)
end)

describe("save phases", function()
    it("MP: from SavePlayers until the next round nothing is stored or taken, and status says so", function()
        local k = setup("server")
        k:seed({ { id = "steel", count = 3 } })
        local steel = k.sim:spawnNow("steel", { inventory = k.player.Inventory })
        k:tick(2)
        local status = table.concat(k:command("dbio status"), "\n")
        assert.truthy(status:find("patch Barotrauma.MultiPlayerCampaign.SavePlayers (before): installed", 1, true), status)
        assert.truthy(status:find("save phase: running", 1, true), status)
        local Hook = k.sim.env.Hook
        local seen = {}
        -- The players' inventories are stored now; the capture follows.
        Hook.Patch("spec.saveplayers", "Barotrauma.MultiPlayerCampaign", "SavePlayers", function()
            seen.ingest = k:api().ingest(steel, "default", "spec")
            seen.extract = k:api().extract("default", "steel", 1, k.player.Inventory, "spec")
            seen.status = table.concat(k:command("dbio status"), "\n")
        end, Hook.HookMethodType.After)
        k.sim:mpSaveAndQuit()
        assert.is_false(seen.ingest.ok)
        assert.are.equal("saving", seen.ingest.code)
        assert.is_false(seen.extract.ok)
        assert.are.equal("saving", seen.extract.code)
        assert.truthy(seen.status:find("save phase: frozen since SavePlayers", 1, true), seen.status)
        Hook.RemovePatch("spec.saveplayers", "Barotrauma.MultiPlayerCampaign", "SavePlayers", Hook.HookMethodType.After)
        k.sim:startRound()
        k:tick(2)
        k.player = k.clients[1].Character
        local r = k:api().extract("default", "steel", 1, k.player.Inventory, "spec")
        assert.is_true(r.ok, r.message)
        k:tick(2)
        assert.are.same({ steel = 4, oxygentank = 0 }, live(k))
        assert.are.same({}, k.sim.errors)
        k:cleanup()
    end)

    it("SP: a save in the middle of a round freezes only while it is written; the round goes on", function()
        local k = setup("singleplayer")
        k:seed({ { id = "steel", count = 3 } })
        local Hook = k.sim.env.Hook
        local seen
        Hook.Patch("spec.capture", "Barotrauma.Submarine", "SaveToXElement", { "System.Xml.Linq.XElement" }, function()
            seen = k:api().extract("default", "steel", 1, k.player.Inventory, "spec")
        end, Hook.HookMethodType.After)
        k.sim:spMidRoundSave()
        assert.is_false(seen.ok)
        assert.are.equal("saving", seen.code)
        local r = k:api().extract("default", "steel", 1, k.player.Inventory, "spec")
        assert.is_true(r.ok, r.message)
        k:tick(2)
        assert.are.equal(2, k:api().amount("default", "steel", 0))
        assert.truthy(table.concat(k:command("dbio status"), "\n"):find("save phase: running", 1, true))
        assert.are.same({}, k.sim.errors)
        k:cleanup()
    end)
end)
