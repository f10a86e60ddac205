-- The client panel's model: rows from snapshots and deltas, local search (identifier and
-- localized name, Chinese included), sort and category filter, and what the GUI must redraw.
local new = require("kits.classes").new
local PanelModel = require("client.model").PanelModel
local K = require("kits.sync")

local NAMES = { steel = "Steel Bar", copper = "Copper", wrench = "Wrench", fpgacircuit = "FPGA Circuit", antibleeding1 = "绷带" }
local CATS = { steel = 1024, copper = 1024, wrench = 64, fpgacircuit = 1024 + 256, antibleeding1 = 8 }
local lookup = {
    name = function(id) return NAMES[id] or id end,
    category = function(id) return CATS[id] or 0 end,
}

local function row(key, amount, exact, worst)
    return { key = key, amount = amount, exact = exact or 0, worst = worst or 100 }
end

local function keys(list)
    local out = {}
    for i, r in ipairs(list) do out[i] = r.key end
    return out
end

describe("panel model", function()
    local m
    before_each(function()
        m = new(PanelModel, lookup)
        m:replaceAll({ row("steel#0", 40), row("copper#0", 5), row("wrench#0", 2, 1, 35.5), row("fpgacircuit#0", 9), row("antibleeding1#0", 12) })
        m:takeDirty()
    end)

    it("sorts by name by default, and by amount or condition on request", function()
        assert.are.same({ "copper#0", "fpgacircuit#0", "steel#0", "wrench#0", "antibleeding1#0" }, keys(m:visible()))
        m:setSort("amount", true)
        assert.are.same({ "steel#0", "antibleeding1#0", "fpgacircuit#0", "copper#0", "wrench#0" }, keys(m:visible()))
        m:setSort("condition", false)
        assert.are.equal("wrench#0", m:visible()[1].key)
        assert.are.equal(5, m:size())
        assert.are.equal(68, m:totalUnits())
    end)

    it("searches identifiers and localized names, Chinese included, and filters by category", function()
        m:setSearch("COPP")
        assert.are.same({ "copper#0" }, keys(m:visible()))
        m:setSearch("circuit")
        assert.are.same({ "fpgacircuit#0" }, keys(m:visible()))
        m:setSearch("绷带")
        assert.are.same({ "antibleeding1#0" }, keys(m:visible()))
        m:setSearch("")
        m:setCategory(1024)
        assert.are.same({ "copper#0", "fpgacircuit#0", "steel#0" }, keys(m:visible()))
        m:setCategory(256)
        assert.are.same({ "fpgacircuit#0" }, keys(m:visible()))
    end)

    it("marks only the changed row when its place cannot change", function()
        m:apply(row("steel#0", 41))
        assert.are.same({ list = false, keys = { "steel#0" } }, m:takeDirty())
        assert.are.same({ list = false, keys = {} }, m:takeDirty())
        m:apply(row("plastic#0", 3)) -- a new row: the list changes
        assert.is_true(m:takeDirty().list)
        m:apply(row("plastic#0", 0)) -- gone
        assert.is_true(m:takeDirty().list)
        assert.is_nil(m:row("plastic#0"))
        m:setSort("amount", false)
        m:takeDirty()
        m:apply(row("copper#0", 500)) -- sorted by amount: it moves
        assert.is_true(m:takeDirty().list)
        m:setSearch("steel")
        m:takeDirty()
        m:apply(row("copper#0", 501)) -- not shown: nothing to redraw
        assert.are.same({ list = false, keys = {} }, m:takeDirty())
    end)

    it("a click asks the server, which hands the request to the terminal seam", function()
        local kit = K.new()
        local c = kit:join(1)
        c:open(1)
        kit:step()
        assert.is_true(c:bring(1, "steel#0", 7))
        kit:step()
        kit:step()
        assert.are.same({ who = 1, terminal = 1, key = "steel#0", exactId = 7 }, kit.brought)
        assert.are.same({ ok = true, text = "shown" }, c:info(1).reply)
        assert.is_false(c:bring(9, "steel#0"))
    end)
end)
