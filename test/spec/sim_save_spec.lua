-- Capture, save and load in the simulated runtime: what a save holds and how a load rebuilds it.
local K = require("sim.testkit")

local function byId(items)
    local t = {}
    for _, it in ipairs(items) do t[it.ID] = it end
    return t
end

local function describeItem(it)
    local parts = { it.Prefab.Identifier.Value, string.format("%d", it.ID), string.format("%.2f", it.Condition),
        string.format("%d", it.Quality), it.Tags, tostring(it.StolenDuringRound), it.OriginalOutpost,
        tostring(it.AllowStealing) }
    local mem = it:GetComponentString("MemoryComponent")
    if mem then parts[#parts + 1] = "mem=" .. mem.Value end
    local inv = it.ParentInventory
    if inv then
        parts[#parts + 1] = "in=" .. string.format("%d", it.Container.ID)
        for k, own in ipairs(it.Container.OwnInventories) do
            if own == inv then parts[#parts + 1] = "container=" .. k end
        end
        parts[#parts + 1] = "slot=" .. inv:FindIndex(it)
    end
    return table.concat(parts, "|")
end

local function snapshot(sim)
    local out = {}
    for _, it in ipairs(sim:items()) do out[#out + 1] = describeItem(it) end
    table.sort(out)
    return out
end

describe("simulated capture and load", function()
    local sim
    before_each(function()
        sim = K.new({ mode = "server" })
        sim:startCampaign({ items = {
            { id = "storagecabinet", key = "cab" },
            { id = "steel", count = 14, inside = "cab" },
            { id = "steel", condition = 30, inside = "cab", slot = 5 },
            { id = "toolbox", inside = "cab", key = "box", slot = 7 },
            { id = "wrench", inside = "box", quality = 2, tags = "dbio_lease" },
            { id = "smg", inside = "cab", contents = { { id = "smgmagazine", contents = { { id = "smground", count = 17 } } } } },
            { id = "memorycomponent", memory = "blob:1" },
            { id = "simterminal", key = "term", signals = { search = "ste" } },
            { id = "copper", count = 2, inside = "term", container = 2 },
            { id = "steel", count = 3, inside = "term", container = 2, slot = 1 },
            { id = "crowbar", stolen = true, outpost = "Outpost A", allowStealing = false },
        } })
    end)
    after_each(function() sim:cleanup() end)

    it("round-trips nested contents and saved properties through capture and reload, keeping IDs", function()
        local before = snapshot(sim)
        assert.are.equal(1 + 14 + 1 + 1 + 1 + 1 + 1 + 17 + 1 + 1 + 2 + 3 + 1, #before)
        sim:mpTransition()
        assert.are.same(before, snapshot(sim))
        -- and from disk
        sim:mpCrewDead({ nextRound = true })
        assert.are.same(before, snapshot(sim))
    end)

    it("saves what changed during the round", function()
        local term = sim:find("simterminal")
        term:GetComponentString("MemoryComponent").Value = "blob:2"
        sim:setText(nil, term, "search", "copper")
        local box = sim:find("toolbox")
        sim:spawnNow("screwdriver", { inventory = box.OwnInventory, slot = 4 })
        sim:find("wrench").Condition = 12.5
        sim:mpTransition()
        local t2 = sim:find("simterminal")
        assert.are.equal("blob:2", t2:GetComponentString("MemoryComponent").Value)
        assert.are.equal("copper", t2:GetComponentString("CustomInterface").customInterfaceElementList[2].Signal)
        assert.are.equal(4, sim:find("toolbox").OwnInventory:FindIndex(sim:find("screwdriver")))
        assert.are.equal(12.5, sim:find("wrench").Condition)
    end)

    it("fires item.created before the saved properties are applied and before contents are placed", function()
        local seen = {}
        sim.env.Hook.Add("item.created", "spec", function(item)
            local mem = item:GetComponentString("MemoryComponent")
            seen[#seen + 1] = {
                id = item.Prefab.Identifier.Value,
                value = mem and mem.Value,
                condition = item.Condition,
                parent = item.ParentInventory,
                tags = item.Tags,
            }
        end)
        sim:mpTransition()
        local checked = 0
        for _, s in ipairs(seen) do
            assert.is_nil(s.parent)
            if s.id == "memorycomponent" then
                assert.are.equal("", s.value)
                checked = checked + 1
            end
            if s.id == "steel" then assert.are.equal(100, s.condition) end
            if s.id == "wrench" then assert.are.equal("smallitem,tool,wrench", s.tags) end
        end
        assert.are.equal(1, checked)
        -- the mod's own record of created values: all empty at creation
        for _, v in ipairs(sim.env.FakeMod.createdValues) do assert.are.equal("", v) end
        assert.are.equal("blob:1", sim:find("memorycomponent"):GetComponentString("MemoryComponent").Value)
        assert.is_true(sim:find("wrench"):HasTag("dbio_lease"))
    end)

    it("fires item.removed for every item when the round unloads", function()
        local client = sim:addClient({ name = "Cy" })
        sim:spawnNow("crowbar", { inventory = client.Character.Inventory })
        sim:spawnNow("plastic", { sub = false })
        local live = byId(sim:items())
        local removed = {}
        sim.env.Hook.Add("item.removed", "spec", function(item)
            assert.is_true(sim.env.Submarine.Unloading)
            removed[item.ID] = true
        end)
        sim:mpEndWithoutSave()
        local n = 0
        for id in pairs(live) do
            assert.is_true(removed[id])
            n = n + 1
        end
        for id in pairs(removed) do assert.is_not_nil(live[id]) end
        assert.are.equal(#sim.env.Item.ItemList, 0)
        assert.is_true(n > 40)
        assert.is_false(sim.env.Submarine.Unloading)
    end)

    it("keeps items off the submarine out of the save", function()
        sim:spawnNow("plastic", { sub = false })
        sim:mpTransition()
        assert.are.equal(0, sim:countUnits("plastic"))
    end)

    it("truncates MemoryComponent.Value to MaxValueLength except while loading", function()
        local long = string.rep("x", 300)
        local mem = sim:find("memorycomponent"):GetComponentString("MemoryComponent")
        assert.are.equal(200, mem.MaxValueLength)
        mem.Value = long
        assert.are.equal(200, #mem.Value)
        sim:cleanup()
        sim = K.new({ mode = "server" })
        sim:startCampaign({ items = { { id = "memorycomponent", memory = long } } })
        assert.are.equal(300, #sim:find("memorycomponent"):GetComponentString("MemoryComponent").Value)
    end)

    it("skips items whose prefab is gone, and brings them back when it returns", function()
        sim:mpTransition()
        sim:removePrefab("smgmagazine")
        sim:mpEndWithoutSave({ nextRound = true })
        assert.are.equal(0, sim:countUnits("smgmagazine"))
        assert.are.equal(17, sim:countUnits("smground"))
        assert.is_nil(sim:find("smground").ParentInventory)
        local found = false
        for _, line in ipairs(sim.printed) do
            if line:find("could not find the item prefab \"smgmagazine\"", 1, true) then found = true end
        end
        assert.is_true(found)
        sim:addPrefab({
            identifier = "smgmagazine", name = { en = "SMG Magazine" }, category = "Weapon",
            tags = { "smallitem", "smgammo" }, maxStackSize = 4,
            components = { { type = "ItemContainer", capacity = 1, maxStackSize = 20, containable = { "smground" } } },
        })
        sim:mpCrewDead({ nextRound = true })
        assert.are.equal(1, sim:countUnits("smgmagazine"))
        assert.are.equal(sim:find("smgmagazine"), sim:find("smground").Container)
    end)

    it("saves an ItemLabel's text", function()
        sim:addPrefab({ identifier = "labelled", name = "Labelled", tags = { "smallitem" },
            components = { { type = "ItemLabel", props = { text = "initial" } } } })
        local it = sim:spawnNow("labelled")
        local label = it:GetComponentString("ItemLabel")
        assert.are.equal("initial", label.Text)
        label.Text = "status: ok"
        sim:mpTransition()
        assert.are.equal("status: ok", sim:find("labelled"):GetComponentString("ItemLabel").Text)
    end)

    it("reports characters a save file cannot hold", function()
        sim:find("memorycomponent"):GetComponentString("MemoryComponent").Value = "bad\1value"
        sim:mpTransition()
        assert.are.equal(1, #sim.errors)
        assert.matches("invalid XML character", sim.errors[1])
    end)

    it("puts loaded contents back through the inventory (inventoryPutItem fires while loading)", function()
        local puts = 0
        sim.env.Hook.Add("inventoryPutItem", "spec", function() puts = puts + 1 end)
        sim:mpTransition()
        assert.are.equal(14 + 1 + 1 + 1 + 1 + 1 + 17 + 2 + 3, puts)
    end)

    it("exposes the save on disk and the last capture for assertions", function()
        local save = sim:currentSave()
        local records = sim:savedRecords()
        assert.are.equal(#save.sub.items, #records)
        local cab = records[1]
        assert.are.equal("storagecabinet", cab.identifier)
        assert.is_nil(cab.parent)
        assert.are.equal(cab.id, records[2].parent)
        assert.are.equal(sim:lastCapture().items[1].id, cab.id)
    end)
end)

describe("simulated submarine spec", function()
    it("raises for an entry that does not fit, and leaves the simulation usable", function()
        local sim = K.new({ noMod = true })
        local ok, err = pcall(sim.startCampaign, sim, { items = {
            { id = "divingsuit", key = "suit" },
            { id = "weldingfueltank", inside = "suit" },
        } })
        assert.is_false(ok)
        assert.matches("does not fit", err)
        assert.are.equal(0, #sim:items())
        local created = 0
        sim.env.Hook.Add("item.created", "spec", function() created = created + 1 end)
        sim:startCampaign({ items = { { id = "divingsuit", contents = { { id = "oxygentank" } } } } })
        assert.are.equal(2, created)
        assert.are.same({}, sim.errors)
        sim:cleanup()
    end)
end)

describe("simulated SaveGame outcomes", function()
    local sim, Hook, Before, After, seen
    before_each(function()
        sim = K.new({ noMod = true })
        Hook = sim.env.Hook
        Before, After = Hook.HookMethodType.Before, Hook.HookMethodType.After
        sim:startCampaign(K.SUB)
        seen = {}
        Hook.Patch("spec.b", "Barotrauma.SaveUtil", "SaveGame", function(_, p)
            local k = "isSavingOnLoading"
            seen[#seen + 1] = "before loading=" .. tostring(p[k])
        end, Before)
        Hook.Patch("spec.w", "Barotrauma.SaveUtil", "CompressDirectory", { "System.String", "System.String" },
            function() seen[#seen + 1] = "written" end, After)
        Hook.Patch("spec.a", "Barotrauma.SaveUtil", "SaveGame", function() seen[#seen + 1] = "after" end, After)
        sim:clearLog()
    end)
    after_each(function() sim:cleanup() end)

    it("a save that completes runs CompressDirectory's postfix between SaveGame's prefix and postfix", function()
        local serial = sim:currentSave().serial
        sim:mpTransition()
        assert.are.same({ "before loading=false", "written", "after" }, seen)
        assert.are.equal(serial + 1, sim:currentSave().serial)
    end)

    for _, step in ipairs({ "clearFolder", "gamesession", "submarine", "compress" }) do
        it("a save failing at " .. step .. " writes nothing, logs, and still runs SaveGame's postfix", function()
            sim.faults.saveFails = step
            local before = sim:currentSave()
            sim:mpTransition()
            assert.are.same({ "before loading=false", "after" }, seen)
            assert.are.equal(before, sim:currentSave())
            local logged = false
            for _, e in ipairs(sim.callLog) do
                if e:find("^SaveGame failed") then logged = true end
            end
            assert.is_true(logged)
            assert.are.same({}, sim.errors)
        end)
    end

    it("a fault function chooses per call", function()
        local calls = 0
        sim.faults.saveFails = function()
            calls = calls + 1
            return calls == 2 and "compress" or nil
        end
        sim:mpTransition()
        sim:mpTransition()
        assert.are.same({ "before loading=false", "written", "after", "before loading=false", "after" }, seen)
    end)

    it("new bots make the next round start save once without a capture; later rounds do not", function()
        sim:hireBots()
        sim:mpEndWithoutSave({ nextRound = true })
        assert.are.same({ "EndGame(wasSaved=false)", "EndRound", "hook:roundEnd", "unload", "load", "new bots",
            "SaveGame", "hook:roundStart" }, sim.callLog)
        sim:clearLog()
        sim:mpEndWithoutSave({ nextRound = true })
        assert.are.same({ "EndGame(wasSaved=false)", "EndRound", "hook:roundEnd", "unload", "load", "hook:roundStart" }, sim.callLog)
    end)

    it("a campaign loaded on the server saves once while loading (isSavingOnLoading)", function()
        sim:mpCrewDead()
        assert.are.same({ "before loading=true", "written", "after" }, seen)
    end)
end)
