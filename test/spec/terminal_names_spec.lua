-- Terminal search in other languages than the server's: vanilla clients have no client-side
-- LuaCs, so the server matches a search against the item's English and Simplified Chinese names
-- read from the game's text packs (TextManager.TextPacks). Partial names are used on purpose: an
-- exact name in any language is already found through ItemPrefab.GetItemPrefab.
local K = require("kits.terminal_kit")

local function finish(k)
    assert.are.same({}, k.sim.errors)
    k:cleanup()
end

local function ids(items)
    local out = {}
    for _, it in ipairs(items) do out[#out + 1] = it.Prefab.Identifier.Value end
    return out
end

local function search(k, wall, text)
    k.sim:setText(k.player, wall, "dbioterminal.search", text)
    k:tick(20)
    k:quiet()
    return ids(k:contents(wall))
end

local SEED = { { id = "steel", count = 2 }, { id = "copper", count = 2 }, { id = "fpgacircuit", count = 1 } }

describe("terminal search across languages", function()
    it("on an English server finds an item by part of its Chinese name", function()
        local k = K.new({ language = "en", seed = SEED })
        local wall = k:wall()
        k:use(k.player, wall)
        k:settle(wall)
        -- "电路" is part of "FPGA 电路" only; "钢" part of "钢锭" only.
        assert.are.same({ "fpgacircuit" }, search(k, wall, "电路"))
        assert.are.same({ "steel", "steel" }, search(k, wall, "钢"))
        finish(k)
    end)

    it("on a Chinese server finds an item by part of its English name", function()
        local k = K.new({ language = "zh", seed = SEED })
        local wall = k:wall()
        k:use(k.player, wall)
        k:settle(wall)
        -- "bar" is part of "Steel Bar" only (not of an identifier); "fpga c" of "FPGA Circuit".
        assert.are.same({ "steel", "steel" }, search(k, wall, "bar"))
        assert.are.same({ "fpgacircuit" }, search(k, wall, "FPGA C"))
        finish(k)
    end)

    it("without readable text packs the search keeps the server's language and the identifier", function()
        local k = K.new({ language = "en", seed = SEED })
        -- The game's texts unreadable (a shape this version does not know): reading raises.
        k.sim.env.TextManager = setmetatable({}, { __index = function()
            error("cannot convert clr type Barotrauma.TextPack")
        end })
        local wall = k:wall()
        k:use(k.player, wall)
        k:settle(wall)
        assert.are.same({}, search(k, wall, "电路"))
        assert.are.same({ "fpgacircuit" }, search(k, wall, "circuit"))
        assert.are.same({ "steel", "steel" }, search(k, wall, "钢锭"))
        local warnings = 0
        for _, line in ipairs(k.sim.printed) do
            if string.find(line, "item names in other languages are unavailable", 1, true) then warnings = warnings + 1 end
        end
        assert.are.equal(1, warnings)
        finish(k)
    end)
end)
