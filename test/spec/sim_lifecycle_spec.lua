-- Round lifecycle paths of the simulated runtime: the game's call order for every row of the
-- design's lifecycle table, and what each path saves, loads or rolls back.
local K = require("sim.testkit")

local function memoryOf(sim)
    local item = sim:find("memorycomponent")
    return item and item:GetComponentString("MemoryComponent").Value
end

local function setMemory(sim, v)
    sim:find("memorycomponent"):GetComponentString("MemoryComponent").Value = v
end

local function savedMemory(save)
    for _, r in ipairs(save.sub.items) do
        if r.identifier == "memorycomponent" then return r.memory[1] end
    end
end

describe("simulated lifecycle, multiplayer server", function()
    local sim
    before_each(function()
        sim = K.new({ mode = "server" })
        sim:startCampaign(K.SUB)
    end)
    after_each(function() sim:cleanup() end)

    it("starts a campaign: the new campaign is saved, then the round loads it", function()
        assert.are.same({ "lua:load", "hook:loaded", "SaveGame", "load", "hook:roundStart" }, sim.callLog)
        assert.are.same({ "loaded", "patch:SaveGame(false)", "roundStart" }, sim.env.FakeMod.log)
        assert.is_true(sim.env.Game.RoundStarted)
        assert.are.equal("saved", savedMemory(sim:currentSave()))
        assert.are.same({}, sim.errors)
    end)

    it("level transition: EndRound, SavePlayers, capture, SaveGame, EndGame(true), roundEnd, unload, next round", function()
        sim:clearLog()
        sim.env.FakeMod.log = {}
        setMemory(sim, "changed")
        sim:mpTransition()
        assert.are.same({ "EndRound", "SavePlayers", "capture", "SaveGame", "EndGame(wasSaved=true)", "hook:roundEnd",
            "unload", "load", "hook:roundStart" }, sim.callLog)
        assert.are.same({ "patch:capture", "patch:SaveGame(false)", "patch:EndGame(true)", "roundEnd", "roundStart" },
            sim.env.FakeMod.log)
        assert.are.equal("changed", memoryOf(sim))
        assert.are.equal("changed", savedMemory(sim:currentSave()))
        assert.is_true(sim.roundRunning)
    end)

    it("save & quit: SavePlayers, HandleSaveAndQuit, capture, SaveGame, EndGame(true), EndRound, roundEnd, unload", function()
        sim:clearLog()
        setMemory(sim, "changed")
        sim:mpSaveAndQuit()
        assert.are.same({ "SavePlayers", "HandleSaveAndQuit", "capture", "SaveGame", "EndGame(wasSaved=true)", "EndRound",
            "hook:roundEnd", "unload" }, sim.callLog)
        assert.is_false(sim.roundRunning)
        assert.are.equal(0, #sim:items())
        assert.are.equal("changed", savedMemory(sim:currentSave()))
        sim:clearLog()
        sim:startRound()
        assert.are.same({ "load", "hook:roundStart" }, sim.callLog)
        assert.are.equal("changed", memoryOf(sim))
    end)

    it("end without save: EndGame(false), EndRound, roundEnd, unload; the next round loads the last capture", function()
        sim:clearLog()
        setMemory(sim, "changed")
        sim:mpEndWithoutSave()
        assert.are.same({ "EndGame(wasSaved=false)", "EndRound", "hook:roundEnd", "unload" }, sim.callLog)
        sim:startRound()
        assert.are.equal("saved", memoryOf(sim))
        assert.are.equal("saved", savedMemory(sim:currentSave()))
    end)

    it("crew dead: EndRound, EndGame(false), roundEnd, unload, LoadCampaign; the campaign reloads from disk", function()
        sim:clearLog()
        local client = sim:addClient({ name = "Ann" })
        sim:mpCrewDead()
        assert.are.same({ "EndRound", "EndGame(wasSaved=false)", "hook:roundEnd", "unload", "LoadCampaign", "SaveGame(isSavingOnLoading)" }, sim.callLog)
        assert.is_nil(client.Character)
        sim:startRound()
        assert.are.equal("saved", memoryOf(sim))
        assert.is_false(client.Character.IsDead)
    end)

    it("end without save loads the last capture, crew dead loads the disk: they differ when a save did not happen", function()
        -- Make SaveGame write nothing: the capture moves on, the disk stays.
        sim.env.Hook.Patch("spec.nosave", "Barotrauma.SaveUtil", "SaveGame", function(_, p) p.PreventExecution = true end)
        setMemory(sim, "captured")
        sim:mpTransition()
        assert.are.equal("captured", memoryOf(sim))
        assert.are.equal("saved", savedMemory(sim:currentSave()))

        setMemory(sim, "lost")
        sim:mpEndWithoutSave({ nextRound = true })
        assert.are.equal("captured", memoryOf(sim))

        setMemory(sim, "lost")
        sim:mpCrewDead({ nextRound = true })
        assert.are.equal("saved", memoryOf(sim))
    end)

    it("server stop fires only stop; a restart is a fresh Lua state that loads the last save", function()
        local before = sim:find("memorycomponent").ID
        local oldEnv = sim.env
        setMemory(sim, "unsaved")
        sim:clearLog()
        local saves = sim.saveCount
        sim:serverStop()
        assert.are.same({ "hook:stop" }, sim.callLog)
        assert.are.equal("stop", oldEnv.FakeMod.log[#oldEnv.FakeMod.log])
        assert.are.equal(saves, sim.saveCount)
        assert.are.equal(0, #sim:items())
        sim:clearLog()
        sim:serverStart()
        assert.are.same({ "lua:load", "hook:loaded", "LoadCampaign", "SaveGame(isSavingOnLoading)", "load", "hook:roundStart" }, sim.callLog)
        assert.are_not.equal(oldEnv, sim.env)
        assert.are.same({ "loaded", "patch:SaveGame(true)", "roundStart" }, sim.env.FakeMod.log)
        assert.are.equal("saved", memoryOf(sim))
        assert.are.equal(before, sim:find("memorycomponent").ID)
    end)

    it("reloadlua mid-round: stop, a new state runs the mod, no roundStart; old patches are gone", function()
        sim:clearLog()
        local oldEnv = sim.env
        sim:reloadLua()
        assert.are.same({ "hook:stop", "lua:load", "hook:loaded" }, sim.callLog)
        assert.are.equal("stop", oldEnv.FakeMod.log[#oldEnv.FakeMod.log])
        assert.is_true(sim.env.Game.RoundStarted)
        sim:mpTransition()
        assert.are.equal(1, sim.env.FakeMod.captures)
        assert.are.equal(0, oldEnv.FakeMod.captures)
    end)

    it("player-held items are saved by SavePlayers before the capture and come back with the character", function()
        local client = sim:addClient({ name = "Ann" })
        sim:spawnNow("wrench", { inventory = client.Character.Inventory, quality = 2 })
        sim:mpTransition()
        local ch = client.Character
        local wrench = ch.Inventory:GetItemAt(0)
        assert.are.equal("wrench", wrench.Prefab.Identifier.Value)
        assert.are.equal(2, wrench.Quality)
        local save = sim:currentSave()
        assert.are.equal("wrench", save.players.Ann[1].identifier)
        -- not part of the submarine
        for _, r in ipairs(save.sub.items) do assert.are_not.equal("wrench", r.identifier) end
    end)

    -- Game.RoundStarted on a server is GameMain.Server.GameStarted (LuaGame.RoundStarted): set just
    -- before roundStart in GameServer.StartGame and cleared in GameServer.EndGame after the roundEnd
    -- hook; GameSession.EndRound clears only GameSession.IsRunning (after missionsEnded).
    it("Game.RoundStarted stays true through the save steps until EndGame's roundEnd has run", function()
        sim:eval([[
            RS = {}
            local function note(what) RS[#RS + 1] = what .. ":" .. tostring(Game.RoundStarted) end
            Hook.Add("missionsEnded", "rs", function() note("missionsEnded") end)
            Hook.Add("roundEnd", "rs", function() note("roundEnd") end)
            Hook.Patch("rs", "Barotrauma.Submarine", "SaveToXElement", function() note("capture") end,
                Hook.HookMethodType.Before)
        ]])
        sim:mpTransition()
        assert.are.same({ "missionsEnded:true", "capture:true", "roundEnd:true" }, sim.env.RS)
        assert.is_true(sim.env.Game.RoundStarted)
        sim:mpEndWithoutSave()
        assert.is_false(sim.env.Game.RoundStarted)
        assert.is_false(sim.env.Game.GameSession.IsRunning)
    end)

    it("a capture-time flush by the mod lands in the save", function()
        sim.env.FakeMod.flushValue = "flushed"
        sim:mpTransition()
        assert.are.equal("flushed", savedMemory(sim:currentSave()))
        assert.are.equal(1, sim.env.FakeMod.captures)
    end)
end)

describe("simulated lifecycle, singleplayer", function()
    local sim
    before_each(function()
        sim = K.new({ mode = "singleplayer" })
        sim:startCampaign(K.SUB)
    end)
    after_each(function() sim:cleanup() end)

    it("starts a new campaign: load, the start save (isSavingOnLoading), roundStart", function()
        -- Only a new campaign saves on start (SinglePlayerCampaign.Start while savedOnStart is false).
        assert.are.same({ "lua:load", "hook:loaded", "load", "SaveGame(isSavingOnLoading)", "hook:roundStart" }, sim.callLog)
        assert.is_true(sim.env.CLIENT)
        assert.is_false(sim.env.SERVER)
        assert.is_true(sim.env.Game.IsSingleplayer)
    end)

    it("level transition: EndRound and roundEnd come before the capture", function()
        sim:clearLog()
        sim.env.FakeMod.log = {}
        setMemory(sim, "changed")
        sim:spTransition()
        assert.are.same({ "EndRound", "hook:roundEnd", "capture", "SaveGame", "unload", "load", "hook:roundStart" },
            sim.callLog)
        assert.are.same({ "roundEnd", "patch:capture", "patch:SaveGame(false)", "roundStart" }, sim.env.FakeMod.log)
        assert.are.equal("changed", savedMemory(sim:currentSave()))
        assert.are.equal("changed", memoryOf(sim))
    end)

    it("save & quit: capture, SaveGame, stop, no roundEnd; loading the game brings it back", function()
        sim:clearLog()
        local oldEnv = sim.env
        oldEnv.FakeMod.log = {}
        setMemory(sim, "changed")
        sim:spSaveAndQuit()
        assert.are.same({ "QuitToMainMenu(save=true)", "HandleSaveAndQuit", "capture", "SaveGame", "hook:stop" },
            sim.callLog)
        assert.are.same({ "patch:capture", "patch:SaveGame(false)", "stop" }, oldEnv.FakeMod.log)
        assert.is_nil(sim.env.Game.GameSession)
        sim:clearLog()
        local saves = sim.saveCount
        sim:spLoadGame()
        -- A loaded singleplayer campaign does not save on start: the loading constructor of
        -- SinglePlayerCampaign sets savedOnStart, and Start saves only when it is false.
        assert.are.same({ "lua:load", "hook:loaded", "load", "hook:roundStart" }, sim.callLog)
        assert.are.equal(saves, sim.saveCount)
        assert.are.equal("changed", memoryOf(sim))
    end)

    it("quit without saving: only stop; the last save stands", function()
        setMemory(sim, "changed")
        local saves = sim.saveCount
        sim:clearLog()
        sim:spQuitWithoutSaving()
        assert.are.same({ "QuitToMainMenu(save=false)", "hook:stop" }, sim.callLog)
        assert.are.equal(saves, sim.saveCount)
        sim:spLoadGame()
        assert.are.equal("saved", memoryOf(sim))
    end)

    it("retry: LoadPreviousSave, unload, load from disk, roundStart; no save, no roundEnd, Lua is not restarted", function()
        local env = sim.env
        env.FakeMod.log = {}
        env.FakeMod.removed = 0
        local count = #sim:items()
        local saves = sim.saveCount
        setMemory(sim, "changed")
        sim:clearLog()
        sim:spRetry()
        assert.are.same({ "LoadPreviousSave", "unload", "load", "hook:roundStart" }, sim.callLog)
        assert.are.equal(env, sim.env)
        assert.are.same({ "roundStart" }, env.FakeMod.log)
        assert.are.equal(saves, sim.saveCount)
        assert.are.equal(count, env.FakeMod.removed)
        assert.are.equal("saved", memoryOf(sim))
    end)

    it("game over then load: EndRound and roundEnd, then the previous save", function()
        sim:clearLog()
        setMemory(sim, "changed")
        sim:spGameOver()
        assert.are.same({ "EndRound", "hook:roundEnd" }, sim.callLog)
        assert.is_true(sim.player.IsDead)
        sim:spRetry()
        assert.are.equal("saved", memoryOf(sim))
        assert.is_false(sim.player.IsDead)
    end)

    it("mid-round save: capture and SaveGame, and the round goes on", function()
        local id = sim:find("memorycomponent").ID
        setMemory(sim, "mid")
        sim:clearLog()
        sim:spMidRoundSave()
        assert.are.same({ "capture", "SaveGame" }, sim.callLog)
        assert.is_true(sim.roundRunning)
        assert.are.equal(id, sim:find("memorycomponent").ID)
        assert.are.equal("mid", savedMemory(sim:currentSave()))
        setMemory(sim, "later")
        sim:spRetry()
        assert.are.equal("mid", memoryOf(sim))
    end)

    -- Singleplayer Game.RoundStarted is GameSession.IsRunning (LuaGame.RoundStarted), which
    -- GameSession.EndRound clears at its end: roundEnd (first line) and missionsEnded still see
    -- true, the capture after EndRound sees false.
    it("Game.RoundStarted is true in roundEnd and missionsEnded, false at the capture", function()
        sim:eval([[
            RS = {}
            local function note(what) RS[#RS + 1] = what .. ":" .. tostring(Game.RoundStarted) end
            Hook.Add("missionsEnded", "rs", function() note("missionsEnded") end)
            Hook.Add("roundEnd", "rs", function() note("roundEnd") end)
            Hook.Patch("rs", "Barotrauma.Submarine", "SaveToXElement", function() note("capture") end,
                Hook.HookMethodType.Before)
        ]])
        sim:spTransition()
        assert.are.same({ "roundEnd:true", "missionsEnded:true", "capture:false" }, sim.env.RS)
        assert.is_true(sim.env.Game.RoundStarted)
    end)

    it("singleplayer crew items are saved when the game is saved", function()
        sim:spawnNow("crowbar", { inventory = sim.player.Inventory })
        sim:spSaveAndQuit()
        sim:spLoadGame()
        assert.are.equal("crowbar", sim.player.Inventory:GetItemAt(0).Prefab.Identifier.Value)
    end)

    it("networking is not available in singleplayer", function()
        local env = sim.env
        local ok, err = pcall(function() env.Networking.Send(env.Networking.Start("x")) end)
        assert.is_false(ok)
        assert.matches("Object reference not set", err)
    end)
end)
