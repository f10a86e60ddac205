-- Every row of the round-lifecycle table (docs/design.md) as a scenario: the real built mod in the
-- simulated game stores items, the round ends that way, the game reloads, and the database and the
-- world are compared with what that save holds.
local H = require("harness")

local IDS = { "steel", "copper", "wrench", "toolbox", "screwdriver", "crowbar" }

--- Where every unit of the tracked identifiers is: database (Working + leased, nested included) and world.
local function state(h)
    local s = { exact = #h:api().exactEntries("default") }
    for _, id in ipairs(IDS) do
        s[id] = { world = h.sim:countUnits(id), total = h:total(id) }
        s[id].db = s[id].total - s[id].world
    end
    return s
end

local function assertSame(expected, actual, what)
    assert.are.same(expected, actual, what)
end

--- Stores 3 steel, the damaged wrench and the toolbox (with a screwdriver and a damaged crowbar).
local function storeSome(h)
    local items = h:find("steel", 3)
    for _, w in ipairs(h:find("wrench")) do
        if w.Condition < w.MaxCondition then items[#items + 1] = w end
    end
    items[#items + 1] = h:find("toolbox")[1]
    for _, r in ipairs(h:ingest(items)) do assert.is_true(r.ok, r.message) end
    h:tick(2)
    assert.are.equal(3, h:amount("steel"))
    assert.are.equal(2, #h:api().exactEntries("default"))
end

local function storeMore(h)
    local items = h:find("copper", 4)
    for _, r in ipairs(h:ingest(items)) do assert.is_true(r.ok, r.message) end
    h:tick(2)
end

local function clean(h)
    assert.are.equal("", h:errors())
    local ok, out = h:verifyClean()
    assert.is_true(ok, out)
end

local function scenario(mode, body)
    local h = H.new({ mode = mode })
    local ok, err = pcall(body, h)
    h:cleanup()
    if not ok then error(err, 0) end
end

describe("lifecycle: multiplayer", function()
    it("level transition with the crew alive commits; the next round rebuilds the same state", function()
        scenario("server", function(h)
            storeSome(h)
            local before = state(h)
            h.sim:mpTransition()
            h:tick(2)
            assertSame(before, state(h), "after the transition")
            clean(h)
        end)
    end)

    it("save & quit at an outpost commits", function()
        scenario("server", function(h)
            storeSome(h)
            local before = state(h)
            h.sim:mpSaveAndQuit({ nextRound = true })
            h:tick(2)
            assertSame(before, state(h))
            clean(h)
        end)
    end)

    it("an end without a save rolls back to the last save", function()
        scenario("server", function(h)
            local initial = state(h)
            storeSome(h)
            h.sim:mpEndWithoutSave({ nextRound = true })
            h:tick(2)
            assertSame(initial, state(h))
            assert.are.equal(0, h:amount("steel"))
            clean(h)
        end)
    end)

    it("an end without a save after a saved transition returns to that transition", function()
        scenario("server", function(h)
            storeSome(h)
            h.sim:mpTransition()
            h:tick(2)
            local saved = state(h)
            storeMore(h)
            assert.are_not.same(saved, state(h))
            h.sim:mpEndWithoutSave({ nextRound = true })
            h:tick(2)
            assertSame(saved, state(h))
            clean(h)
        end)
    end)

    it("a dead crew reloads the campaign from disk and the database with it", function()
        scenario("server", function(h)
            storeSome(h)
            h.sim:mpTransition()
            h:tick(2)
            local saved = state(h)
            storeMore(h)
            h.sim:mpCrewDead({ nextRound = true })
            h:tick(2)
            assertSame(saved, state(h))
            clean(h)
        end)
    end)

    it("a server stopped mid-round (crash-like) starts from the last save; nothing else is written", function()
        scenario("server", function(h)
            storeSome(h)
            h.sim:mpTransition()
            h:tick(2)
            local saved = state(h)
            local savesBefore = h.sim.saveCount
            storeMore(h)
            h.sim:serverStop()
            assert.are.equal(savesBefore, h.sim.saveCount)
            h.sim:serverStart()
            h:tick(2)
            assertSame(saved, state(h))
            clean(h)
        end)
    end)

    it("reloadlua mid-round loses nothing and the next save holds it", function()
        scenario("server", function(h)
            storeSome(h)
            local before = state(h)
            h.sim:reloadLua()
            h:tick(2)
            assertSame(before, state(h), "after reloadlua")
            h.sim:mpTransition()
            h:tick(2)
            assertSame(before, state(h), "after the next save")
            clean(h)
        end)
    end)

    it("a saved database survives several transitions unchanged", function()
        scenario("server", function(h)
            storeSome(h)
            local before = state(h)
            for _ = 1, 3 do
                h.sim:mpTransition()
                h:tick(2)
                assertSame(before, state(h))
            end
            clean(h)
        end)
    end)
end)

describe("lifecycle: singleplayer", function()
    it("a level transition commits (capture after roundEnd)", function()
        scenario("singleplayer", function(h)
            storeSome(h)
            local before = state(h)
            h.sim:spTransition()
            h:tick(2)
            assertSame(before, state(h))
            clean(h)
        end)
    end)

    it("Save & Quit commits; loading the game brings it back", function()
        scenario("singleplayer", function(h)
            storeSome(h)
            local before = state(h)
            h.sim:spSaveAndQuit()
            h.sim:spLoadGame()
            h:tick(2)
            assertSame(before, state(h))
            clean(h)
        end)
    end)

    it("Quit without saving writes nothing; the last save stands", function()
        scenario("singleplayer", function(h)
            local initial = state(h)
            storeSome(h)
            h.sim:spQuitWithoutSaving()
            h.sim:spLoadGame()
            h:tick(2)
            assertSame(initial, state(h))
            clean(h)
        end)
    end)

    it("Retry reloads the last save without a roundEnd and without a Lua restart", function()
        scenario("singleplayer", function(h)
            local initial = state(h)
            storeSome(h)
            h.sim:spRetry()
            h:tick(2)
            assertSame(initial, state(h))
            clean(h)
        end)
    end)

    it("a mid-round save at an outpost commits mid-round and the round goes on", function()
        scenario("singleplayer", function(h)
            storeSome(h)
            h.sim:spMidRoundSave()
            local saved = state(h)
            storeMore(h)
            assert.are.equal(4, h:amount("copper"))
            h.sim:spQuitWithoutSaving()
            h.sim:spLoadGame()
            h:tick(2)
            assertSame(saved, state(h))
            clean(h)
        end)
    end)

    it("game over then retry rolls back", function()
        scenario("singleplayer", function(h)
            local initial = state(h)
            storeSome(h)
            h.sim:spGameOver()
            h.sim:spRetry()
            h:tick(2)
            assertSame(initial, state(h))
            clean(h)
        end)
    end)
end)

describe("lifecycle: units in flight at a save", function()
    it("a save between ingest and the item's removal holds each unit once", function()
        scenario("server", function(h)
            local initial = state(h)
            -- no tick: the removal is still queued when the capture runs
            for _, r in ipairs(h:ingest(h:find("steel", 2))) do assert.is_true(r.ok, r.message) end
            h.sim:mpTransition()
            h:tick(2)
            local after = state(h)
            assert.are.equal(initial.steel.total, after.steel.total)
            assert.are.equal(2, after.steel.db)
            clean(h)
        end)
    end)

    it("a save between an extract and its spawn holds each unit once", function()
        scenario("server", function(h)
            storeSome(h)
            local out = h.sim:find("storagecabinet")
            local target
            for _, c in ipairs(h.sim:findAll("storagecabinet")) do
                if #c.OwnInventory.AllItemsMod == 0 then target = c end
            end
            assert.is_not_nil(target, out)
            local r = h:api().extract("default", "steel", 2, target.OwnInventory, "spec")
            assert.is_true(r.ok, r.message)
            local before = state(h)
            h.sim:mpTransition()
            h:tick(10)
            local after = state(h)
            assert.are.equal(before.steel.total, after.steel.total)
            clean(h)
        end)
    end)

    it("an extract lands in the target and leaves the database; a full target keeps the units", function()
        scenario("server", function(h)
            storeSome(h)
            local target
            for _, c in ipairs(h.sim:findAll("storagecabinet")) do
                if #c.OwnInventory.AllItemsMod == 0 then target = c end
            end
            local r = h:api().extract("default", "steel", 2, target.OwnInventory, "spec")
            assert.is_true(r.ok, r.message)
            h:tick(5)
            assert.are.equal(1, h:amount("steel"))
            assert.are.equal(2, #target.OwnInventory.AllItemsMod)
            h.sim.faults.failPut = function(_, inventory) return inventory == target.OwnInventory end
            local total = h:total("steel")
            r = h:api().extract("default", "steel", 1, target.OwnInventory, "spec")
            assert.is_true(r.ok, r.message)
            h:tick(5)
            assert.are.equal(1, h:amount("steel"))
            assert.are.equal(total, h:total("steel"))
            clean(h)
        end)
    end)
end)

describe("lifecycle: a save patch that cannot be installed", function()
    it("falls back to write-through, says so in status, and still never loses or duplicates", function()
        local h = H.new({ mode = "server", faults = { failPatch = { ["Barotrauma.Submarine.SaveToXElement"] = true } } })
        local ok, err = pcall(function()
            local status = table.concat(h:command("dbio status"), "\n")
            assert.truthy(status:find("WRITE%-THROUGH"), status)
            storeSome(h)
            local before = state(h)
            h.sim:mpTransition()
            h:tick(2)
            assertSame(before, state(h))
            local initialAfterSave = state(h)
            storeMore(h)
            h.sim:mpEndWithoutSave({ nextRound = true })
            h:tick(2)
            assertSame(initialAfterSave, state(h))
        end)
        h:cleanup()
        if not ok then error(err, 0) end
    end)

    it("without the end-game patch an end without a save still rolls back (round start rebuilds)", function()
        local h = H.new({ mode = "server", faults = { failPatch = { ["Barotrauma.Networking.GameServer.EndGame"] = true } } })
        local ok, err = pcall(function()
            local initial = state(h)
            storeSome(h)
            h.sim:mpEndWithoutSave({ nextRound = true })
            h:tick(2)
            assertSame(initial, state(h))
        end)
        h:cleanup()
        if not ok then error(err, 0) end
    end)
end)

describe("lifecycle: reloadlua with spawns in flight", function()
    it("a spawn queued in the same update as the restart lands and is kept, exactly once", function()
        scenario("server", function(h)
            local initial = h:total("steel")
            for _, r in ipairs(h:ingest(h:find("steel", 1))) do assert.is_true(r.ok, r.message) end
            h:tick(1)
            local target
            for _, c in ipairs(h.sim:findAll("storagecabinet")) do
                if #c.OwnInventory.AllItemsMod == 0 then target = c end
            end
            assert.is_true(h:api().extract("default", "steel", 1, target.OwnInventory, "spec").ok)
            for _, r in ipairs(h:ingest(h:find("steel", 1))) do assert.is_true(r.ok, r.message) end
            h.sim:reloadLua()
            h:tick(3)
            assert.are.equal(initial, h:total("steel"))
            assert.are.equal(1, #target.OwnInventory.AllItemsMod)
            clean(h)
        end)
    end)
end)
