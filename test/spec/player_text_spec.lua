-- Player text never breaks a save (design.md invariant 9): what a player types into a device's
-- text field is saved with the item (CustomInterface signals), so it is cleaned where it enters
-- and the field keeps working. The simulated capture reports a character XML cannot hold.
local H = require("kits.harness")
local K = require("kits.terminal_kit")

local PREFABS = {
    { identifier = "oxygenrack", name = "Oxygen Rack", category = "Machine", tags = { "container" }, pickable = false,
      components = { { type = "ItemContainer", capacity = 3, maxStackSize = 1, containable = { "oxygensource" } } } },
}

local CONTROL = "\1\2\8\11\12\27\31\127"

local function saveOf(h, mode)
    if mode == "server" then h.sim:mpTransition() else h.sim:spTransition() end
    h.sim:tick(3)
end

local function signalsOf(item)
    local ci = item:GetComponentString("CustomInterface")
    local out = {}
    for i, e in ipairs(ci.customInterfaceElementList) do out[i] = e.Signal end
    return out
end

for _, mode in ipairs({ "server", "singleplayer" }) do
    describe("player text in a saved field (" .. mode .. ")", function()
        it("the restocker's configuration is cleaned where it enters and still configures it", function()
            local h = H.new({ mode = mode, prefabs = PREFABS, sub = { name = "Text Sub", items = {
                { id = "databasecore" },
                { id = "databaserestocker", key = "r", links = { "rack" } },
                { id = "oxygenrack", key = "rack" },
                { id = "storagecabinet", key = "cab" },
                { id = "oxygentank", count = 4, inside = "cab" },
            } } })
            local ok, err = pcall(function()
                for _, r in ipairs(h:ingest(h:find("oxygentank"))) do assert.is_true(r.ok, r.message) end
                h:tick(3)
                local restocker = h.sim:find("databaserestocker")
                -- a line break separates words, as a space does; other control characters go
                h.sim:setText(nil, restocker, "restocker.config", "tag:oxygen" .. CONTROL .. "source\namount=1")
                h:tick(130)
                local rack = h.sim:find("oxygenrack")
                assert.are.equal(3, #rack.OwnInventory.AllItemsMod)
                assert.are.equal("tag:oxygensource amount=1", signalsOf(restocker)[1])
                assert.are.equal("", h:errors())
                saveOf(h, mode)
                assert.are.equal("", h:errors())
                assert.are.equal("tag:oxygensource amount=1", signalsOf(h.sim:find("databaserestocker"))[1])
                assert.are.equal(4, h:total("oxygentank"))
            end)
            h:cleanup()
            if not ok then error(err, 0) end
        end)

        it("text typed into the restocker's field in the same update as the save never reaches it", function()
            local h = H.new({ mode = mode, sub = { name = "Text Sub", items = {
                { id = "databasecore" },
                { id = "toolbox", key = "box" },
                { id = "databaserestocker", key = "r", links = { "box" }, signals = { ["restocker.config"] = "steel amount=1" } },
            } } })
            local ok, err = pcall(function()
                h:tick(3)
                local restocker = h.sim:find("databaserestocker")
                -- typed, then the save's first step before any update of the restocker
                h.sim:setText(nil, restocker, "restocker.config", "steel" .. CONTROL .. " amount=2")
                saveOf(h, mode)
                assert.are.equal("", h:errors())
                assert.are.equal("steel amount=2", signalsOf(h.sim:find("databaserestocker"))[1])
            end)
            h:cleanup()
            if not ok then error(err, 0) end
        end)

        it("the terminal search is cleaned where it enters and still searches", function()
            local k = K.new({ mode = mode, seed = { { id = "steel", count = 2 }, { id = "copper", count = 2 } } })
            local ok, err = pcall(function()
                local wall = k:wall()
                k:use(k.player, wall)
                k:settle(wall)
                k:quiet()
                k.sim:setText(k.player, wall, 9, "ste" .. CONTROL .. "el")
                k:quiet()
                assert.are.equal("steel", signalsOf(wall)[9])
                for _, item in ipairs(k:contents(wall)) do
                    assert.are.equal("steel", item.Prefab.Identifier.Value)
                end
                saveOf(k, mode)
                assert.are.equal("", table.concat(k.sim.errors, "\n"))
            end)
            k:cleanup()
            if not ok then error(err, 0) end
        end)
    end)
end
