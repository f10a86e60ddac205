-- Hook.Add / Hook.Call and Hook.Patch semantics in the simulated runtime (LuaCsHook).
local K = require("sim.testkit")

describe("simulated Hook.Add/Call", function()
    local sim, Hook
    before_each(function()
        sim = K.new({ noMod = true })
        Hook = sim.env.Hook
    end)
    after_each(function() sim:cleanup() end)

    it("treats event names and identifiers case-insensitively", function()
        local n = 0
        Hook.Add("My.Event", "A", function() n = n + 1 end)
        Hook.Call("my.event")
        Hook.Call("  MY.EVENT ")
        assert.are.equal(2, n)
        assert.is_true(Hook.Exists("my.event", "a"))
        Hook.Remove("MY.event", "a")
        Hook.Call("my.event")
        assert.are.equal(2, n)
    end)

    it("replaces a callback with the same event and identifier, keeping its place", function()
        local order = {}
        Hook.Add("e", "first", function() order[#order + 1] = "first" end)
        Hook.Add("e", "second", function() order[#order + 1] = "second" end)
        Hook.Add("e", "FIRST", function() order[#order + 1] = "first again" end)
        Hook.Call("e")
        assert.are.same({ "first again", "second" }, order)
    end)

    it("runs every callback and keeps the last non-nil result", function()
        local ran = {}
        Hook.Add("e", "a", function() ran[#ran + 1] = "a" return true end)
        Hook.Add("e", "b", function() ran[#ran + 1] = "b" return false end)
        Hook.Add("e", "c", function() ran[#ran + 1] = "c" end)
        assert.are.equal(false, Hook.Call("e"))
        assert.are.same({ "a", "b", "c" }, ran)
        Hook.Add("e", "d", function() return nil, true end)
        assert.is_nil(Hook.Call("e"))
        Hook.Add("e", "f", function() return "x" end)
        assert.are.equal("x", Hook.Call("e"))
        assert.is_nil(Hook.Call("nobody.listens"))
    end)

    it("passes the arguments and accepts the two-argument form", function()
        local got
        Hook.Add("args.event", function(a, b) got = { a, b } end)
        Hook.Call("args.event", 1, "two")
        assert.are.same({ 1, "two" }, got)
    end)

    it("logs an error in a callback and still runs the others", function()
        local after = false
        Hook.Add("e", "bad", function() error("kaput") end)
        Hook.Add("e", "good", function() after = true return 7 end)
        assert.are.equal(7, Hook.Call("e"))
        assert.is_true(after)
        assert.are.equal(1, #sim.errors)
        assert.matches("Error in Hook 'e'%->'bad'", sim.errors[1])
        assert.matches("kaput", sim.printed[#sim.printed])
    end)

    it("forgets every hook when Lua reloads", function()
        local n = 0
        Hook.Add("think", "spec", function() n = n + 1 end)
        sim:tick()
        sim:reloadLua()
        sim:tick()
        assert.are.equal(1, n)
    end)
end)

describe("simulated Hook.Patch", function()
    local sim, Hook, Before, After
    before_each(function()
        sim = K.new({ noMod = true })
        Hook = sim.env.Hook
        Before, After = Hook.HookMethodType.Before, Hook.HookMethodType.After
        sim:startCampaign(K.SUB)
        sim:clearLog()
    end)
    after_each(function() sim:cleanup() end)

    it("runs prefixes before and postfixes after the original, with arguments by C# name", function()
        local seen = {}
        Hook.Patch("spec.pre", "Barotrauma.Networking.GameServer", "EndGame", function(instance, p)
            seen[#seen + 1] = "pre wasSaved=" .. tostring(p["wasSaved"])
            assert.are.equal(0, p["transitionType"])
            assert.is_not_nil(instance)
        end, Before)
        Hook.Patch("spec.post", "Barotrauma.Networking.GameServer", "EndGame", function(_, p)
            seen[#seen + 1] = "post wasSaved=" .. tostring(p["wasSaved"])
        end, After)
        Hook.Add("roundEnd", "spec", function() seen[#seen + 1] = "roundEnd" end)
        sim:mpEndWithoutSave()
        assert.are.same({ "pre wasSaved=false", "roundEnd", "post wasSaved=false" }, seen)
    end)

    it("lets a prefix change an argument for the original and the postfixes", function()
        local post
        Hook.Patch("spec.pre", "Barotrauma.Networking.GameServer", "EndGame", function(_, p) p["wasSaved"] = true end)
        Hook.Patch("spec.post", "Barotrauma.Networking.GameServer", "EndGame", function(_, p) post = p["wasSaved"] end, After)
        sim:mpEndWithoutSave()
        assert.is_true(post)
    end)

    it("PreventExecution skips the rest of the prefixes and the original, not the postfixes", function()
        local ran = {}
        local saves = sim.saveCount
        Hook.Patch("a", "Barotrauma.SaveUtil", "SaveGame", function(_, p) ran[#ran + 1] = "a" p.PreventExecution = true end)
        Hook.Patch("b", "Barotrauma.SaveUtil", "SaveGame", function() ran[#ran + 1] = "b" end)
        Hook.Patch("c", "Barotrauma.SaveUtil", "SaveGame", function(_, p)
            ran[#ran + 1] = "c"
            assert.is_false(p.PreventExecution)
        end, After)
        sim:mpTransition()
        assert.are.same({ "a", "c" }, ran)
        assert.are.equal(saves, sim.saveCount)
    end)

    it("a prevented capture saves a submarine without items", function()
        Hook.Patch("spec", "Barotrauma.Submarine", "SaveToXElement", { "System.Xml.Linq.XElement" },
            function(_, p) p.PreventExecution = true end)
        assert.is_true(#sim:items() > 0)
        sim:mpTransition()
        assert.are.equal(0, #sim:items())
    end)

    it("an error in a prefix stops that group and drops its argument changes; the original runs", function()
        local ran = {}
        Hook.Patch("a", "Barotrauma.Networking.GameServer", "EndGame", function(_, p)
            p["wasSaved"] = true
            error("prefix broke")
        end)
        Hook.Patch("b", "Barotrauma.Networking.GameServer", "EndGame", function() ran[#ran + 1] = "b" end)
        Hook.Patch("c", "Barotrauma.Networking.GameServer", "EndGame", function(_, p) ran[#ran + 1] = tostring(p["wasSaved"]) end, After)
        sim:mpEndWithoutSave()
        assert.are.same({ "false" }, ran)
        assert.are.equal(1, #sim.errors)
        assert.matches("prefix broke", sim.errors[1])
        assert.is_false(sim.roundRunning)
        assert.are.same({ "EndGame(wasSaved=false)", "EndRound", "hook:roundEnd", "unload" }, sim.callLog)
    end)

    it("replaces a patch with the same identifier and removes it by identifier", function()
        local n = 0
        Hook.Patch("same", "Barotrauma.SaveUtil", "SaveGame", function() n = n + 1 end)
        local id = Hook.Patch("SAME", "Barotrauma.SaveUtil", "SaveGame", function() n = n + 10 end)
        assert.are.equal("same", id)
        sim:spawnNow("steel")
        sim:mpTransition()
        assert.are.equal(10, n)
        assert.is_true(Hook.RemovePatch("same", "Barotrauma.SaveUtil", "SaveGame", Before))
        assert.is_false(Hook.RemovePatch("same", "Barotrauma.SaveUtil", "SaveGame", Before))
        sim:mpTransition()
        assert.are.equal(10, n)
        local generated = Hook.Patch("Barotrauma.SaveUtil", "SaveGame", function() end)
        assert.are.equal("string", type(generated))
        assert.is_true(#generated > 0)
    end)

    it("resolves classes and methods like LuaCs and raises string errors otherwise", function()
        local function err(...)
            local args = { ... }
            local ok, e = pcall(function() Hook.Patch(table.unpack(args)) end)
            assert.is_false(ok)
            assert.are.equal("string", type(e))
            return e
        end
        local fn = function() end
        assert.matches("invalid class name 'Barotrauma.Nope'", err("x", "Barotrauma.Nope", "M", fn))
        assert.matches("method 'Nope%(%)' not found in class 'Barotrauma.SaveUtil'", err("x", "Barotrauma.SaveUtil", "Nope", fn))
        assert.matches("not found", err("x", "Barotrauma.Submarine", "SaveToXElement", { "System.String" }, fn))
        assert.matches("invalid parameter type 'Foo.Bar'", err("x", "Barotrauma.Submarine", "SaveToXElement", { "Foo.Bar" }, fn))
        assert.matches("prohibited", err("x", "Barotrauma.LuaCsHook", "Call", fn))
        -- the server executable has no GameMain.QuitToMainMenu
        assert.matches("not found", err("x", "Barotrauma.GameMain", "QuitToMainMenu", fn))
        sim.faults.failPatch["Barotrauma.SaveUtil.SaveGame"] = true
        assert.matches("could not patch", err("x", "Barotrauma.SaveUtil", "SaveGame", fn))
    end)

    it("reading a parameter that does not exist, or one Lua cannot receive, throws", function()
        local errs = {}
        Hook.Patch("spec", "Barotrauma.SaveUtil", "SaveGame", function(_, p)
            local ok, e = pcall(function() return p["nope"] end)
            errs[#errs + 1] = not ok and e or "no error"
            ok, e = pcall(function() return p["filePath"] end)
            errs[#errs + 1] = not ok and e or "no error"
            errs[#errs + 1] = tostring(p["isSavingOnLoading"])
        end)
        sim:mpTransition()
        assert.matches("not present in the dictionary", errs[1])
        assert.matches("cannot convert clr type Barotrauma.CampaignDataPath", errs[2])
        assert.are.equal("false", errs[3])
    end)

    it("singleplayer has no GameServer but has the overloaded GameMain.QuitToMainMenu", function()
        local sp = K.new({ noMod = true, mode = "singleplayer" })
        local H = sp.env.Hook
        local ok, e = pcall(H.Patch, "x", "Barotrauma.Networking.GameServer", "EndGame", function() end)
        assert.is_false(ok)
        assert.matches("invalid class name", e)
        ok, e = pcall(H.Patch, "x", "Barotrauma.GameMain", "QuitToMainMenu", function() end)
        assert.is_false(ok)
        assert.matches("ambiguous method signature", e)
        local saw
        H.Patch("x", "Barotrauma.GameMain", "QuitToMainMenu", { "System.Boolean" }, function(_, p) saw = p["save"] end)
        local after = false
        H.Patch("y", "Barotrauma.GameMain", "QuitToMainMenu", { "System.Boolean" }, function() after = true end, H.HookMethodType.After)
        sp:startCampaign({ items = {} })
        sp:spSaveAndQuit()
        assert.is_true(saw)
        -- Lua stopped inside the method: the postfix never runs
        assert.is_false(after)
        sp:cleanup()
    end)

    it("removes every patch when Lua reloads", function()
        local n = 0
        Hook.Patch("spec", "Barotrauma.SaveUtil", "SaveGame", function() n = n + 1 end)
        sim:reloadLua()
        sim:mpTransition()
        assert.are.equal(0, n)
    end)
end)
