-- The terminal extension API on the built mod in the simulated game: sort modes, search filters
-- and terminal actions registered through DatabaseIO, their validation (a refusal, never a Lua
-- error), and their use by the Sort button, the search field and the Action buttons.
local K = require("kits.terminal_kit")

local function finish(k)
    assert.are.same({}, k.sim.errors)
    k:cleanup()
end

--- A handheld terminal with one free slot: only the first row of the order is on the page.
local function onePage(seed)
    local k = K.new({ seed = seed })
    local hand = k:handheld()
    assert(k.sim:moveItem(hand, k.player.Inventory, nil, k.player))
    for _ = 1, 19 do k.sim:spawnNow("databaseinterface", { inventory = hand.OwnInventory }) end
    k:settle(hand)
    k:quiet()
    return k, hand
end

local function first(k, hand)
    for _, it in ipairs(k:contents(hand)) do
        local id = it.Prefab.Identifier.Value
        if id ~= "databaseinterface" then return id, it end
    end
end

local function press(k, hand, label, times)
    for _ = 1, times or 1 do
        k:press(k.player, hand, label)
        k:quiet()
    end
end

local RANK = { fpgacircuit = 1, steel = 2, copper = 3 }

describe("registering terminal extensions", function()
    local k
    before_each(function() k = K.new({}) end)
    after_each(function() finish(k) end)

    it("refuses bad ids, labels and functions with a code, and never raises", function()
        local api = k:api()
        local fn = function() return 0 end
        local cases = {
            { api.registerSortMode(nil, "X", fn), "bad_id" },
            { api.registerSortMode("", "X", fn), "bad_id" },
            { api.registerSortMode("has space", "X", fn), "bad_id" },
            { api.registerSortMode(string.rep("a", 49), "X", fn), "bad_id" },
            { api.registerSortMode("name", "X", fn), "id_taken" },
            { api.registerSortMode("t.sort", "", fn), "bad_label" },
            { api.registerSortMode("t.sort", string.rep("L", 25), fn), "bad_label" },
            { api.registerSortMode("t.sort", "a\1b", fn), "bad_label" },
            { api.registerSortMode("t.sort", "Rank", "not a function"), "bad_function" },
            { api.registerSearchFilter("t.f", "", fn), "bad_prefix" },
            { api.registerSearchFilter("t.f", "@ x", fn), "bad_prefix" },
            { api.registerSearchFilter("t.f", 7, fn), "bad_prefix" },
            { api.registerSearchFilter("t.f", "@", {}), "bad_function" },
            { api.registerTerminalAction({}, "Go", fn), "bad_id" },
            { api.registerTerminalAction("t.a", nil, fn), "bad_label" },
            { api.registerTerminalAction("t.a", "Go", 5), "bad_function" },
        }
        for i, c in ipairs(cases) do
            assert.is_false(c[1].ok, "case " .. i)
            assert.are.equal(c[2], c[1].code, "case " .. i)
            assert.is_string(c[1].message)
        end
        local good = api.registerSortMode("T.Sort", "Rank", fn)
        assert.is_true(good.ok)
        assert.are.equal("t.sort", good.value)
        assert.is_true(api.registerSearchFilter("t.f", "@", fn).ok)
        -- a prefix belongs to one filter; the same id may replace its own
        local taken = api.registerSearchFilter("t.other", "@", fn)
        assert.is_false(taken.ok)
        assert.are.equal("prefix_taken", taken.code)
        assert.is_true(api.registerSearchFilter("t.f", "@", fn).ok)
        assert.is_true(api.registerTerminalAction("t.a", "Go", fn).ok)
    end)
end)

describe("terminal extensions in use", function()
    local seed = { { id = "copper", count = 3 }, { id = "fpgacircuit", count = 2 }, { id = "steel", count = 4 },
        { id = "wrench", condition = 40 } }

    it("the Sort button cycles into a registered mode; Direction reverses it", function()
        local k, hand = onePage(seed)
        local r = k:api().registerSortMode("test.rank", "Rank", function(a, b)
            return (RANK[a.identifier] or 9) - (RANK[b.identifier] or 9)
        end)
        assert.is_true(r.ok)
        assert.are.equal("copper", (first(k, hand))) -- by name
        press(k, hand, "sort", 4) -- amount, condition, recent, then the registered mode
        assert.are.equal("fpgacircuit", (first(k, hand)))
        assert.truthy(string.find(k:session(hand).text, "| Rank", 1, true))
        press(k, hand, "direction")
        assert.are.equal("wrench", (first(k, hand))) -- unranked (9) comes last ascending
        press(k, hand, "sort") -- wraps around to name
        assert.truthy(string.find(k:session(hand).text, "| name", 1, true))
        finish(k)
    end)

    it("a comparator that raises or returns no number falls back to the name order, logged once", function()
        local k, hand = onePage(seed)
        assert.is_true(k:api().registerSortMode("test.broken", "Broken", function(a, b)
            if a.identifier == "steel" then error("boom") end
            return "nonsense"
        end).ok)
        press(k, hand, "sort", 4)
        assert.are.equal("copper", (first(k, hand)))
        local logged = 0
        for _, line in ipairs(k.sim.printed) do
            if line:find("sort mode 'test.broken' failed", 1, true) then logged = logged + 1 end
        end
        assert.are.equal(1, logged)
        local t = k:totals({ "copper", "steel", "fpgacircuit", "wrench" })
        assert.are.same({ copper = 3, steel = 4, fpgacircuit = 2, wrench = 1 }, t)
        finish(k)
    end)

    it("a search starting with a filter's prefix runs that filter on every row", function()
        local k = K.new({ seed = seed })
        local seen
        assert.is_true(k:api().registerSearchFilter("test.damaged", "@dmg", function(row, text)
            seen = text
            return row.condition < 100
        end).ok)
        local wall = k:wall()
        k:use(k.player, wall)
        k:settle(wall)
        k.sim:setText(k.player, wall, "dbioterminal.search", "@DMG  below ")
        k:tick(20)
        k:quiet()
        local ids = {}
        for _, it in ipairs(k:contents(wall)) do ids[#ids + 1] = it.Prefab.Identifier.Value .. "@" .. it.Condition end
        assert.are.same({ "wrench@40" }, ids)
        assert.are.equal("below", seen)
        -- without the prefix the name search runs
        k.sim:setText(k.player, wall, "dbioterminal.search", "dmg")
        k:tick(20)
        k:quiet()
        assert.are.equal(0, #k:contents(wall))
        finish(k)
    end)

    it("Actions chooses a registered action and Action runs it with the terminal's context", function()
        local k, hand = onePage(seed)
        local got
        assert.is_true(k:api().registerTerminalAction("test.count", "Count", function(ctx)
            got = ctx
            return { ok = true, value = string.format("%d users on %s", #ctx.users, ctx.db) }
        end).ok)
        assert.is_true(k:api().registerTerminalAction("test.refuse", "Refuse", function()
            return { ok = false, code = "nope", message = "not today" }
        end).ok)
        press(k, hand, "action") -- nothing chosen yet
        assert.is_nil(got)
        assert.truthy(string.find(k:session(hand).text, "no action chosen", 1, true))
        press(k, hand, "actions")
        press(k, hand, "action")
        assert.are.equal(hand.ID, got.terminalId)
        assert.are.equal(hand, got.terminal)
        assert.are.equal("default", got.db)
        assert.are.equal("name", got.sort)
        assert.are.equal(1, got.page)
        assert.truthy(string.find(k:session(hand).text, "1 users on default", 1, true))
        press(k, hand, "actions")
        press(k, hand, "action")
        assert.truthy(string.find(k:session(hand).text, "not today", 1, true))
        -- another mod's button names its action; an unknown one is refused
        local function call(attrs)
            local element = { GetAttributeString = function(_, name, default) return attrs[name] or default end }
            k.sim.env.Hook.Call("databaseio.terminal.action", nil, 1, hand, { hand }, hand.WorldPosition, element)
            k:quiet()
        end
        got = nil
        call({ action = "TEST.COUNT" })
        assert.are.equal(hand.ID, got.terminalId)
        got = nil
        call({ action = "test.missing" })
        assert.is_nil(got)
        assert.truthy(string.find(k:session(hand).text, "no terminal action 'test.missing'", 1, true))
        -- ctx.refresh returns and refills the page: nothing gained or lost
        assert.is_true(k:api().registerTerminalAction("test.refresh", "Refresh", function(ctx)
            ctx.refresh()
            return { ok = true, value = "refreshed" }
        end).ok)
        call({ action = "test.refresh" })
        assert.are.same({ copper = 3, steel = 4, fpgacircuit = 2, wrench = 1 }, k:totals({ "copper", "steel", "fpgacircuit", "wrench" }))
        finish(k)
    end)
end)
