-- Two bugs of the predecessor (reference: predecessor §6.3) that must never come back:
-- * an item with contents is one exact row, taken whole with its contents intact, and its
--   contents are never counted or offered on their own;
-- * a row's identity never depends on its position in the list: an entry asked for by key or
--   exact id after the list changed is that very entry.
local K = require("kits.terminal_kit")

local function finish(k)
    assert.are.same({}, k.sim.errors)
    k:cleanup()
end

local function carried(character, identifier)
    for _, it in ipairs(character.Inventory.AllItemsMod) do
        if it.Prefab.Identifier.Value == identifier then return it end
    end
end

local function contentsOf(item)
    local out = {}
    for _, inner in ipairs(item.OwnInventory.AllItemsMod) do
        out[#out + 1] = inner.Prefab.Identifier.Value .. "@" .. string.format("%d", inner.Condition)
    end
    table.sort(out)
    return out
end

describe("nested items on a terminal page", function()
    it("a toolbox with contents is one exact row, taken whole, contents intact and never counted apart", function()
        local k = K.new({ seed = {
            { id = "toolbox", contents = { { id = "screwdriver" }, { id = "crowbar", condition = 70 } } },
            { id = "screwdriver", count = 2 },
        } })
        local api = k:api()
        -- the database: one exact entry for the toolbox; only the loose screwdrivers are counted
        assert.are.equal(2, api.amount("default", "screwdriver"))
        assert.are.equal(0, api.amount("default", "crowbar"))
        assert.are.equal(1, api.amount("default", "toolbox"))
        local exact = api.exactEntries("default")
        assert.are.equal(1, #exact)
        assert.are.equal("toolbox", exact[1].record.identifier)
        assert.are.equal(2, #exact[1].record.contents)
        local wall = k:wall()
        k:use(k.player, wall)
        k:settle(wall)
        k:quiet()
        -- the page: one toolbox holding both tools, a slot's worth of loose screwdrivers (they
        -- do not stack), no loose crowbar
        local boxes = k:contents(wall, "toolbox")
        assert.are.equal(1, #boxes)
        assert.are.same({ "crowbar@70", "screwdriver@100" }, contentsOf(boxes[1]))
        assert.are.equal(1, k:count(wall, "screwdriver"))
        assert.are.equal(0, k:count(wall, "crowbar"))
        assert.truthy(string.find(k:session(wall).text, "| 3 units | 2 items", 1, true), k:session(wall).text)
        -- taken whole: the box leaves with its contents, and nothing of it stays in the database
        assert(k.sim:moveItem(boxes[1], k.player.Inventory, nil, k.player))
        k:tick(30)
        k.sim:deselect(k.player)
        k:quiet()
        assert.are.equal(0, #api.exactEntries("default"))
        assert.are.equal(0, api.amount("default", "toolbox"))
        assert.are.equal(2, api.amount("default", "screwdriver"))
        assert.are.equal(0, api.amount("default", "crowbar"))
        local held = carried(k.player, "toolbox")
        assert.is_not_nil(held)
        assert.are.same({ "crowbar@70", "screwdriver@100" }, contentsOf(held))
        assert.are.same({}, k:marked())
        local clean, report = k:verifyClean()
        assert.is_true(clean, report)
        finish(k)
    end)
end)

describe("row identity", function()
    it("an exact entry asked for by id after the list changed is that entry, not the row now at its place", function()
        local k = K.new({ players = {}, seed = { { id = "wrench", condition = 40 }, { id = "wrench", condition = 70 } } })
        local c = k.sim:addClient({ name = "Alice", luacs = true, lua = true })
        k.player = c.Character
        local api = k:api()
        local idOf = {}
        for _, e in ipairs(api.exactEntries("default")) do idOf[e.record.condition] = e.id end
        local hand = k:handheld()
        assert(k.sim:moveItem(hand, k.player.Inventory, nil, k.player))
        for _ = 1, 19 do k.sim:spawnNow("databaseinterface", { inventory = hand.OwnInventory }) end
        k:settle(hand)
        k:quiet()
        local panel = k.sim:clientEnv(c).DatabaseIO.client
        panel.open(hand.ID)
        k:tick(20)
        -- the list changes under the player: new entries sort before the one they want
        k:seed({ { id = "wrench", condition = 10 }, { id = "wrench", condition = 20 }, { id = "copper", count = 3 } })
        assert.is_true(panel.bring(hand.ID, "wrench#0", idOf[70]))
        k:tick(5)
        k:quiet()
        assert.is_true(panel.info(hand.ID).reply.ok, panel.info(hand.ID).reply.text)
        local shown = k:contents(hand, "wrench")
        assert.are.equal(1, #shown)
        assert.are.equal(70, shown[1].Condition)
        -- taking it takes exactly that entry; the others keep their ids
        assert(k.sim:moveItem(shown[1], k.player.Inventory, nil, k.player))
        k:tick(30)
        local left = {}
        for _, e in ipairs(api.exactEntries("default")) do
            assert.are_not.equal(idOf[70], e.id)
            left[e.record.condition] = e.id
        end
        assert.are.same({ 10, 20, 40 }, (function()
            local list = {}
            for cond in pairs(left) do list[#list + 1] = cond end
            table.sort(list)
            return list
        end)())
        assert.are.equal(idOf[40], left[40])
        assert.are.equal(70, carried(k.player, "wrench").Condition)
        finish(k)
    end)
end)
