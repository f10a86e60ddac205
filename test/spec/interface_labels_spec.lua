-- CustomInterface elements as the game makes them: labels localized by the game, the default
-- signal of a text box, and the mod finding its text fields by position, so terminal search
-- and the restocker's typed configuration work in every language.
local Sim = require("sim.runtime")
local H = require("kits.harness")
local K = require("kits.terminal_kit")

-- A panel the mod does not know: an untranslated label, a text box without `signal`, and an
-- element without `text`.
local PANEL = {
    identifier = "labelpanel", name = { en = "Label Panel", zh = "标签面板" }, category = "Machine",
    tags = {}, maxStackSize = 1, maxCondition = 100,
    components = { { type = "CustomInterface", elements = {
        { kind = "button", label = "panel.untranslated" },
        { kind = "textbox", label = "panel.field" },
        { kind = "button" },
        { kind = "tickbox" },
        { kind = "button" },
    } } },
}

local function elementsOf(item)
    return item:GetComponentString("CustomInterface").customInterfaceElementList
end

local function newSim(language)
    local sim = Sim.new({ mode = "server", language = language, prefabs = { PANEL } })
    sim:loadMod(H.MOD)
    sim:startCampaign({ name = "Label Sub", items = { { id = "databasecore" } } })
    return sim
end

describe("simulated CustomInterface", function()
    it("localizes each label with the mod's texts in the server's language", function()
        for language, search in pairs({ en = "Search", zh = "搜索" }) do
            local sim = newSim(language)
            local elements = elementsOf(sim:spawnNow("databaseterminalfixed"))
            assert.are.equal(9, #elements)
            assert.are.equal(search, elements[9].Label)
            assert.are_not.equal("dbioterminal.search", elements[9].Label)
            assert.are.same({}, sim.errors)
            sim:cleanup()
        end
    end)

    it("keeps a tag without translation, and names unlabelled elements 'Signal out n'", function()
        local sim = newSim("zh")
        local elements = elementsOf(sim:spawnNow("labelpanel"))
        assert.are.equal("panel.untranslated", elements[1].Label)
        assert.are.equal("Signal out 2", elements[3].Label) -- two earlier non-continuous elements
        assert.are.equal("Signal out 0", elements[4].Label) -- the first tick box
        assert.are.equal("Signal out 3", elements[5].Label)
        sim:cleanup()
    end)

    it("starts a text box without a signal attribute at \"1\", the mod's text boxes empty", function()
        local sim = newSim("en")
        assert.are.equal("1", elementsOf(sim:spawnNow("labelpanel"))[2].Signal)
        assert.are.equal("", elementsOf(sim:spawnNow("databaserestocker"))[1].Signal)
        assert.are.equal("", elementsOf(sim:spawnNow("databaseterminal"))[9].Signal)
        assert.are.equal("", elementsOf(sim:spawnNow("databaseterminalfixed"))[9].Signal)
        sim:cleanup()
    end)
end)

local function ids(items)
    local out = {}
    for _, it in ipairs(items) do out[#out + 1] = it.Prefab.Identifier.Value end
    table.sort(out)
    return out
end

describe("terminal search with localized labels", function()
    for _, language in ipairs({ "en", "zh" }) do
        it("filters the page in a " .. language .. " game", function()
            local k = K.new({ language = language, seed = { { id = "steel", count = 2 }, { id = "copper", count = 2 } } })
            local wall = k:wall()
            k:use(k.player, wall)
            k:settle(wall)
            assert.are.same({ "copper", "copper", "steel", "steel" }, ids(k:contents(wall)))
            k.sim:setText(k.player, wall, "dbioterminal.search", "steel")
            k:tick(20)
            k:quiet()
            assert.are.same({ "steel", "steel" }, ids(k:contents(wall)))
            assert.are.same({}, k.sim.errors)
            k:cleanup()
        end)
    end
end)

describe("restocker configuration typed into its field with localized labels", function()
    local PREFABS = {
        { identifier = "oxygenrack", name = "Oxygen Rack", category = "Machine", tags = { "container" }, pickable = false,
          components = { { type = "ItemContainer", capacity = 3, maxStackSize = 1, containable = { "oxygensource" } } } },
    }
    for _, language in ipairs({ "en", "zh" }) do
        it("stocks what was typed in a " .. language .. " game", function()
            local h = H.new({ language = language, prefabs = PREFABS, sub = { name = "Restock Sub", items = {
                { id = "databasecore" },
                { id = "databaserestocker", links = { "rack" } },
                { id = "oxygenrack", key = "rack" },
                { id = "storagecabinet", key = "cab" },
                { id = "oxygentank", count = 4, inside = "cab" },
            } } })
            for _, result in ipairs(h:ingest(h:find("oxygentank"))) do assert.is_true(result.ok, result.message) end
            h:tick(130)
            local rack = h.sim:find("oxygenrack")
            assert.are.equal(0, #rack.OwnInventory.AllItemsMod) -- nothing configured yet
            h.sim:setText(nil, h.sim:find("databaserestocker"), "restocker.config", "oxygentank amount=1")
            h:tick(130)
            assert.are.equal(3, #rack.OwnInventory.AllItemsMod)
            assert.are.equal("", h:errors())
            h:cleanup()
        end)
    end
end)
