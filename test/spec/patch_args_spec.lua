-- Patch argument tables as the game hands them over: LuaCsHook.ParameterTable is a C# object whose
-- arguments are reached only through its string indexer. On MoonSharp a name index
-- (`ptable.wasSaved`) looks for a member and raises; a bracket index reaches the indexer. The
-- simulated ptable does the same in both profiles (test/sim/hooks.lua), so a mod that reads its
-- arguments by name fails here as it fails in the game.
local Sim = require("sim.runtime")
local H = require("kits.harness")

local tempMod = H.tempMod
teardown(H.removeTempMods)

-- A mod that reads EndGame's arguments every way Lua can and records what happened.
local PROBE = [[
PROBE = {}
local function try(name, fn)
    local ok, value = pcall(fn)
    PROBE[name] = { ok = ok, value = ok and tostring(value) or tostring(value) }
end
Hook.Patch("probe.endgame", "Barotrauma.Networking.GameServer", "EndGame", function(_, ptable)
    try("name", function() return ptable.wasSaved end)
    try("literal", function() return ptable["wasSaved"] end)
    local key = "wasSaved"
    try("variable", function() return ptable[key] end)
    try("member", function() return ptable.PreventExecution end)
    try("memberBracket", function() return ptable["PreventExecution"] end)
    try("hidden", function() return ptable.ModifiedParameters end)
    try("setByName", function() ptable.wasSaved = true return "set" end)
    local other = "wasSaved"
    try("setByKey", function() ptable[other] = false return "set" end)
end, Hook.HookMethodType.Before)
]]

describe("simulated patch argument table (LuaCsHook.ParameterTable)", function()
    local sim
    after_each(function() if sim then sim:cleanup() end sim = nil end)

    it("raises on a name index of an argument and answers a bracket index, like the userdata", function()
        sim = Sim.new({ mode = "server" })
        sim:loadMod(tempMod(PROBE))
        sim:startCampaign({ name = "Probe Sub", items = { { id = "storagecabinet" } } })
        sim:mpEndWithoutSave()
        local p = sim.env.PROBE
        assert.is_false(p.name.ok)
        assert.truthy(p.name.value:find("cannot access field wasSaved of userdata<ParameterTable>", 1, true), p.name.value)
        assert.are.same({ ok = true, value = "false" }, p.literal)
        assert.are.same({ ok = true, value = "false" }, p.variable)
        assert.are.same({ ok = true, value = "false" }, p.member)
        -- A bracket index goes to the indexer, which has no parameter of that name.
        assert.is_false(p.memberBracket.ok)
        assert.truthy(p.memberBracket.value:find("The given key 'PreventExecution' was not present", 1, true), p.memberBracket.value)
        assert.is_false(p.hidden.ok)
        assert.truthy(p.hidden.value:find("cannot access field ModifiedParameters", 1, true), p.hidden.value)
        assert.is_false(p.setByName.ok)
        assert.truthy(p.setByName.value:find("cannot access field wasSaved", 1, true), p.setByName.value)
        assert.are.same({ ok = true, value = "set" }, p.setByKey)
    end)
end)

describe("the built mod reads patch arguments through the indexer", function()
    local h
    after_each(function() if h then h.sim:cleanup() end h = nil end)

    it("an end without a save rolls back and runs the rollback listeners", function()
        h = H.new({ mode = "server" })
        local api = h:api()
        h:ingest(h:find("steel", 8))
        h:tick(2)
        local log = {}
        assert.is_true(api.onRolledBack("spec", function(reason) log[#log + 1] = "rolledBack " .. type(reason) end).ok)
        h.sim:mpTransition()
        assert.is_true(api.consume("default", { ingredients = { { identifiers = { "steel" }, amount = 2 } } }).ok)
        assert.are.equal(6, api.amount("default", "steel"))
        h.sim:mpEndWithoutSave({ nextRound = true })
        assert.are.same({ "rolledBack string" }, log)
        assert.are.equal(8, api.amount("default", "steel"))
        for _, line in ipairs(h.sim.printed) do
            assert.is_nil(line:find("handler failed", 1, true), line)
        end
        assert.are.same({}, h.sim.errors)
    end)

    it("a fabricator's Start pulls the missing ingredients from its database", function()
        h = H.new({ mode = "server", sub = { name = "Fab Sub", items = {
            { id = "databasecore" }, { id = "fabricator" }, { id = "storagecabinet", key = "cab" },
            { id = "steel", count = 3, inside = "cab" }, { id = "plastic", count = 2, inside = "cab" },
        } } })
        local cab = h.sim:find("storagecabinet")
        for _, result in ipairs(h:ingest(cab.OwnInventory.AllItemsMod)) do assert.is_true(result.ok, result.message) end
        h:tick(3)
        local client = h.sim:addClient({ name = "Ann", luacs = true })
        local fab = h.sim:find("fabricator")
        h.sim:select(client.Character, fab)
        h.sim:startFabricating(client.Character, fab, "screwdriver", 1)
        h:tick(1)
        local input = fab:GetComponentString("Fabricator").InputContainer.Inventory
        local steel = 0
        for _, it in ipairs(input.AllItemsMod) do
            if it.Prefab.Identifier.Value == "steel" then steel = steel + 1 end
        end
        assert.are.equal(1, steel)
        assert.is_true(fab:GetComponentString("Fabricator")._fabricatedItem ~= nil)
        assert.are.equal(2, h:amount("steel"))
        assert.are.same({}, h.sim.errors)
    end)
end)
