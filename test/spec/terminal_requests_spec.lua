-- Terminal requests at a player's rate: a flood of button presses or search changes is cut to
-- the burst, the refused ones change nothing, and the host's log gets one line per player and
-- reason per minute. Presses are charged to the players using the terminal (the game does not
-- say who pressed a button).
local K = require("kits.terminal_kit")

local function finish(k)
    assert.are.same({}, k.sim.errors)
    k:cleanup()
end

local function printed(k, needle)
    local n = 0
    for _, line in ipairs(k.sim.printed) do
        if line:find(needle, 1, true) then n = n + 1 end
    end
    return n
end

local function seeded()
    local seed = {}
    for _, id in ipairs({ "copper", "fpgacircuit", "plastic", "steel", "wrench", "screwdriver", "crowbar" }) do
        seed[#seed + 1] = { id = id, count = 2 }
    end
    return seed
end

describe("terminal request rate", function()
    it("a flood of presses is cut to the burst; refused presses change nothing; logged once", function()
        local k = K.new({ seed = seeded() })
        local hand = k:handheld()
        assert(k.sim:moveItem(hand, k.player.Inventory, nil, k.player))
        -- 19 blockers: one row per page, so every admitted Next moves one page
        for _ = 1, 19 do k.sim:spawnNow("databaseinterface", { inventory = hand.OwnInventory }) end
        k:settle(hand)
        k:quiet()
        local before = k:totals()
        -- 30 presses within one update: the burst (8) gets through, in order, the latest wins
        local sort0 = k:session(hand).text
        for _ = 1, 30 do k:press(k.player, hand, "sort") end
        k:quiet()
        -- 8 sort presses from "name": name -> amount -> condition -> recent -> name -> ... -> name
        assert.truthy(string.find(k:session(hand).text, "| name", 1, true), k:session(hand).text)
        assert.are.equal(string.sub(sort0, 1, 6), string.sub(k:session(hand).text, 1, 6))
        assert.are.equal(1, printed(k, "terminal request from Alice refused: too many terminal requests"))
        assert.are.same(before, k:totals())
        -- tokens come back with time: a later press works
        k:tick(120)
        k:press(k.player, hand, "sort")
        k:quiet()
        assert.truthy(string.find(k:session(hand).text, "| amount", 1, true), k:session(hand).text)
        finish(k)
    end)

    it("a refused press does not use up tokens; each player has their own", function()
        local k = K.new({ players = { "Alice", "Bob" }, seed = seeded() })
        local a, b = k.players[1], k.players[2]
        local wall, wall2 = k:wall(1), k:wall(2)
        k:use(a, wall)
        k:use(b, wall2)
        k:settle(wall)
        k:settle(wall2)
        k:quiet()
        for _ = 1, 40 do k:press(a, wall, "direction") end
        k:quiet()
        -- Bob, at another terminal, is not slowed down by Alice's flood
        for _ = 1, 3 do k:press(b, wall2, "sort") end
        k:quiet()
        assert.truthy(string.find(k:session(wall2).text, "| recent", 1, true), k:session(wall2).text)
        assert.are.equal(0, printed(k, "request from Bob refused"))
        assert.are.equal(1, printed(k, "request from Alice refused: too many"))
        finish(k)
    end)

    it("search changes are charged too; one over the rate is applied later, not lost", function()
        local k = K.new({ seed = seeded() })
        local wall = k:wall()
        k:use(k.player, wall)
        k:settle(wall)
        k:quiet()
        for _ = 1, 8 do k:press(k.player, wall, "refresh") end -- use the burst up
        k.sim:setText(k.player, wall, "dbioterminal.search", "steel")
        -- keep pressing while the upkeep looks at the field: no token is left for the search
        for _ = 1, 20 do
            k:press(k.player, wall, "refresh")
            k:tick(1)
        end
        assert.are.equal(1, printed(k, "terminal search from Alice deferred"))
        k:tick(120)
        k:quiet()
        local ids = {}
        for _, it in ipairs(k:contents(wall)) do ids[it.Prefab.Identifier.Value] = true end
        assert.are.same({ steel = true }, ids)
        finish(k)
    end)
end)
