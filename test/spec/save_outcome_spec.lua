-- A save commits exactly the capture that the game really wrote, once: a SaveGame whose write
-- fails commits nothing (SaveUtil.SaveGame catches its own errors and returns, so its After patch
-- runs anyway), and the SaveGame calls that come without a capture (new bots at a round start, a
-- campaign loaded on the server, a singleplayer round start or retry) commit nothing either.
local H = require("kits.harness")

local scenario = H.with

--- Records every commit the public API reports.
local function commits(h)
    local list = {}
    local r = h:api().onCommitted("spec", function(ids) list[#list + 1] = table.concat(ids, ",") end)
    assert.is_true(r.ok, r.message)
    return list
end

local function store(h, id, n) h:store(id, n) end

local function printedSince(h, from)
    local out = {}
    for i = from + 1, #h.sim.printed do out[#out + 1] = h.sim.printed[i] end
    return table.concat(out, "\n")
end

local function status(h)
    return table.concat(h:command("dbio status"), "\n")
end

describe("save outcome: a save that fails", function()
    for _, step in ipairs({ "gamesession", "submarine", "compress" }) do
        it("at " .. step .. " commits nothing and says so; the next good save commits", function()
            scenario({ mode = "server" }, function(h)
                local seen = commits(h)
                store(h, "steel", 3)
                h.sim.faults.saveFails = step
                local disk = h.sim:currentSave()
                local from = #h.sim.printed
                h.sim:mpTransition()
                assert.are.equal(disk, h.sim:currentSave(), "the sim wrote nothing")
                assert.are.same({}, seen)
                assert.truthy(printedSince(h, from):find("save failed", 1, true), printedSince(h, from))
                assert.truthy(status(h):find("FAILED", 1, true), status(h))
                h.sim.faults.saveFails = nil
                store(h, "copper", 2)
                h.sim:mpTransition()
                assert.are.same({ "default" }, seen)
                assert.are.equal("", h:errors())
            end)
        end)
    end

    it("singleplayer: a mid-round save that fails commits nothing; game over and retry load the disk", function()
        scenario({ mode = "singleplayer" }, function(h)
            local seen = commits(h)
            store(h, "steel", 3)
            h.sim.faults.saveFails = "compress"
            h.sim:spMidRoundSave()
            assert.are.same({}, seen)
            -- the core holds the capture the game kept in memory; verify knows it for what it is
            local clean, out = h:verifyClean()
            assert.is_true(clean, out)
            h.sim.faults.saveFails = nil
            h.sim:spGameOver()
            h.sim:spRetry()
            h:tick(2)
            assert.are.same({}, seen)
            assert.are.equal(0, h:amount("steel"))
            assert.are.equal("", h:errors())
        end)
    end)
end)

describe("save outcome: SaveGame calls without a capture", function()
    it("new bots at a round start commit nothing after a failed save (its capture is not committed later)", function()
        scenario({ mode = "server" }, function(h)
            local seen = commits(h)
            store(h, "steel", 3)
            h.sim:hireBots()
            -- the transition's own save fails; the next round start creates the bots and saves
            local calls = 0
            h.sim.faults.saveFails = function()
                calls = calls + 1
                return calls == 1 and "compress" or nil
            end
            h.sim:mpTransition()
            assert.are.equal(2, calls)
            assert.are.same({}, seen)
            assert.are.equal("", h:errors())
        end)
    end)

    it("a server loading the campaign (crew dead) does not commit what was never saved (write-through)", function()
        scenario({ mode = "server", faults = { failPatch = { ["Barotrauma.Submarine.SaveToXElement"] = true } } }, function(h)
            local seen = commits(h)
            store(h, "steel", 3)
            h.sim:mpTransition()
            assert.are.same({ "default" }, seen)
            store(h, "copper", 2)
            h.sim:mpCrewDead({ nextRound = true })
            h:tick(2)
            assert.are.same({ "default" }, seen)
            assert.are.equal(3, h:amount("steel"))
            assert.are.equal(0, h:amount("copper"))
        end)
    end)

    it("singleplayer retry after game over does not commit the lost round (write-through)", function()
        scenario({ mode = "singleplayer", faults = { failPatch = { ["Barotrauma.Submarine.SaveToXElement"] = true } } }, function(h)
            local seen = commits(h)
            store(h, "steel", 3)
            h.sim:spGameOver()
            h.sim:spRetry()
            h:tick(2)
            assert.are.same({}, seen)
            assert.are.equal(0, h:amount("steel"))
        end)
    end)

    it("a capture that no save follows in the same update is not committed by a later save", function()
        -- Staged with the simulation's own capture and save steps: a SaveToXElement outside a
        -- save path (CampaignMode's submarine switch captures the old submarine, the submarine
        -- editor's test run captures too), then a SaveGame without a capture (as at a round start
        -- with new bots). The save writes GameSession.SubmarineInfo, not that capture.
        scenario({ mode = "server" }, function(h)
            local seen = commits(h)
            store(h, "steel", 3)
            h.sim:_capture()
            h:tick(1)
            h.sim:_saveGame(false)
            assert.are.same({}, seen)
            assert.are.equal("", h:errors())
        end)
    end)

    it("every save that commits is on disk with the committed state", function()
        scenario({ mode = "server" }, function(h)
            local seen = commits(h)
            store(h, "steel", 3)
            h.sim:hireBots()
            h.sim:mpTransition()
            assert.are.same({ "default" }, seen)
            h.sim:mpCrewDead({ nextRound = true })
            h:tick(2)
            assert.are.same({ "default" }, seen)
            assert.are.equal(3, h:amount("steel"))
            assert.are.equal("", h:errors())
        end)
    end)
end)
