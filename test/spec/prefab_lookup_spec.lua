-- Identifiers are looked up as identifiers. ItemPrefab.GetItemPrefab(text) tries display names
-- before identifiers (LuaCs LuaBarotraumaAdditions.cs; the simulated one does the same), so a
-- prefab named like another prefab's identifier must never stand in for it.
local H = require("kits.harness")

-- "decoy" is called "Steel" in English: GetItemPrefab("steel") answers decoy.
local DECOY = { identifier = "decoy", name = { en = "Steel", zh = "诱饵" }, category = "Material",
    tags = { "smallitem" }, maxStackSize = 8, maxCondition = 100 }

local function countIn(inventory, identifier)
    local n = 0
    for _, item in ipairs(inventory.AllItemsMod) do
        if item.Prefab.Identifier.Value == identifier then n = n + 1 end
    end
    return n
end

describe("item prefab lookup by identifier", function()
    local h
    after_each(function() if h then h.sim:cleanup() end h = nil end)

    it("the simulated GetItemPrefab answers a display name before an identifier, as the game does", function()
        h = H.new({ mode = "server", prefabs = { DECOY } })
        local decoy = h.sim.env.ItemPrefab.GetItemPrefab("steel")
        assert.are.equal("decoy", decoy.Identifier.Value)
        assert.are.equal("steel", h.sim.env.ItemPrefab.GetItemPrefab("Steel Bar").Identifier.Value)
    end)

    it("units taken out of the database come back as the identifier they were stored as", function()
        h = H.new({ mode = "server", prefabs = { DECOY } })
        local api = h:api()
        h:ingest(h:find("steel", 3))
        h:tick(2)
        assert.are.equal(3, api.amount("default", "steel"))
        local cabs = h.sim:findAll("storagecabinet")
        table.sort(cabs, function(a, b) return a.ID < b.ID end)
        local out = cabs[#cabs].OwnInventory
        assert.is_true(api.extract("default", "steel", 3, out, "spec").ok)
        h:tick(2)
        assert.are.equal(3, countIn(out, "steel"))
        assert.are.equal(0, h.sim:countUnits("decoy"))
        assert.are.equal(0, api.leased("default", "steel"))
        assert.are.same({}, h.sim.errors)
    end)
end)
