-- Terminal pages on the built mod in the simulated game, at 100 and 10,000 keys (design.md
-- "Budgets": a page open costs about the same whatever the database holds).
--
-- A wall terminal (40 slots) sorted by name; every key has 10 units of an item that stacks 8, so
-- a page is 40 stacks of 8 items. Cases, each timed as the mod's own callbacks (bench.modsim):
--   open    a player selects the idle terminal until its first page is open: the view's rows,
--           the leases and the 40 spawned stacks (closing it again afterwards is not timed)
--   change  "next page" / "previous page" on the open terminal until the new page is open: the
--           shown page returns (its items are removed and their units come back) and the next fills
--   search  the search field changes between two words, each carried by 20 keys at both sizes,
--           until the page of matches is open (the previous matches return first)
local harness = require("bench.harness")
local modsim = require("bench.modsim")
local store_ops = require("bench.store_ops")

local SIZES = { 100, 10000 }
local SLOTS = 40
local STACK = 8
local UNITS = 10
--- Ticks a page may take to open before the benchmark gives up (a stuck terminal measures nothing).
local LIMIT = 2000

local M = { id = "page", title = "Terminal pages: open, page change and search (built mod, simulated game)" }

local function new_game(keys)
    local game = modsim.new({ keys = keys, units = UNITS, stack = STACK, items = { { id = "databaseterminalfixed", key = "wall" } } })
    game.wall = game.sim:find("databaseterminalfixed")
    game.player = game.players[1]
    return game
end

local function state(game)
    local s = game:session(game.wall)
    return s and s.state or "idle", s
end

--- Ticks until the terminal reaches `wanted` (after having left it when `leave` is set).
local function wait_for(game, wanted, leave)
    local left = not leave
    for _ = 1, LIMIT do
        game.sim:tick(1)
        local st = state(game)
        if st ~= wanted then left = true end
        if left and st == wanted then return end
    end
    game:check()
    error(string.format("the terminal did not reach '%s' within %d ticks (it is '%s')", wanted, LIMIT, (state(game))), 0)
end

local function items_shown(game)
    return #game.wall.OwnInventory.AllItemsMod
end

--- Problem text when the terminal does not show `stacks` full stacks, or nil.
local function check_page(game, stacks, word)
    game:check()
    local items = game.wall.OwnInventory.AllItemsMod
    if #items ~= stacks * STACK then return string.format("the page shows %d items, not %d", #items, stacks * STACK) end
    if word ~= nil then
        for _, item in ipairs(items) do
            local name = item.Prefab.Name.Value
            if string.find(name, word, 1, true) ~= 1 then return string.format("'%s' is on the page of '%s'", name, word) end
        end
    end
    return nil
end

local function think_seconds(game)
    return game.timer:seconds_under("hook think")
end

local function open_series(game, size)
    local series
    series = {
        id = string.format("page open @%d", size),
        -- the mod's time over every timed open, and the part of it in think hooks
        total = 0,
        think = 0,
        batch = function(n)
            local seconds, bytes = 0, 0
            for _ = 1, n do
                local s0, b0 = game.timer:read()
                local think0 = think_seconds(game)
                if not game.sim:select(game.player, game.wall) then error("the terminal refused the player", 0) end
                wait_for(game, "open", false)
                local s1, b1 = game.timer:read()
                seconds, bytes = seconds + (s1 - s0), bytes + (b1 - b0)
                series.total = series.total + (s1 - s0)
                series.think = series.think + (think_seconds(game) - think0)
                local problem = check_page(game, SLOTS)
                if problem ~= nil then error("page open: " .. problem, 0) end
                game.sim:deselect(game.player)
                wait_for(game, "idle", false)
            end
            return seconds, bytes
        end,
        verify = function()
            if items_shown(game) ~= 0 then return "a closed terminal still shows items" end
            return nil
        end,
    }
    return series
end

local function change_series(game, size)
    local forward = true
    if not game.sim:select(game.player, game.wall) then error("the terminal refused the player", 0) end
    wait_for(game, "open", false)
    return {
        id = string.format("page change @%d", size),
        batch = function(n)
            local s0, b0 = game.timer:read()
            for _ = 1, n do
                game.sim:pressButton(game.player, game.wall, forward and "dbioterminal.next" or "dbioterminal.previous")
                forward = not forward
                wait_for(game, "open", true)
            end
            local s1, b1 = game.timer:read()
            return s1 - s0, b1 - b0
        end,
        verify = function()
            local _, s = state(game)
            local expected = forward and 1 or 2
            if s == nil or s.page ~= expected then return string.format("the terminal shows page %s, not %d", s and s.page or "none", expected) end
            return check_page(game, SLOTS)
        end,
    }
end

local function search_series(game, size)
    local turn = 0
    if not game.sim:select(game.player, game.wall) then error("the terminal refused the player", 0) end
    wait_for(game, "open", false)
    local last = nil
    return {
        id = string.format("search @%d", size),
        batch = function(n)
            local s0, b0 = game.timer:read()
            for _ = 1, n do
                turn = turn + 1
                last = modsim.SEARCH_WORDS[(turn - 1) % #modsim.SEARCH_WORDS + 1]
                game.sim:setText(game.player, game.wall, "dbioterminal.search", last)
                wait_for(game, "open", true)
            end
            local s1, b1 = game.timer:read()
            return s1 - s0, b1 - b0
        end,
        verify = function()
            return check_page(game, modsim.SEARCHED, last)
        end,
    }
end

function M.run(ctx)
    local list, by_size, games = {}, {}, {}
    for _, size in ipairs(SIZES) do
        local t0 = os.clock()
        local open_game, change_game, search_game = new_game(size), new_game(size), new_game(size)
        games[#games + 1] = open_game
        games[#games + 1] = change_game
        games[#games + 1] = search_game
        by_size[size] = {
            open = open_series(open_game, size),
            change = change_series(change_game, size),
            search = search_series(search_game, size),
        }
        ctx.log(string.format("  games with %s built in %.1f s", store_ops.size_label(size), os.clock() - t0))
    end
    for _, op in ipairs({ "open", "change", "search" }) do
        for _, size in ipairs(SIZES) do list[#list + 1] = by_size[size][op] end
    end
    local samples = harness.interleave(list, ctx.runs, ctx.target, ctx.log)

    local names = {
        open = "page open (40 slots, by name)",
        change = "page change (next / previous)",
        search = "search (20 matches)",
    }
    for _, op in ipairs({ "open", "change", "search" }) do
        for _, size in ipairs(SIZES) do
            ctx.results:case({
                id = string.format("page.%s.%d", op, size),
                group = M.id,
                name = names[op],
                size = store_ops.size_label(size),
            }, samples[by_size[size][op].id])
        end
        local quotients = harness.quotients(samples[by_size[10000][op].id].per_op, samples[by_size[100][op].id].per_op)
        ctx.results:ratio({
            id = string.format("page.%s.flatness", op),
            group = M.id,
            name = string.format("%s flatness 10,000 keys / 100 keys", names[op]),
            definition = "the mod's time per op with 10,000 keys divided by the time with 100 keys",
            quotients = quotients,
            budget = op == "open" and { max = 2 } or nil,
        })
    end
    for _, size in ipairs(SIZES) do
        local open = by_size[size].open
        if open.total > 0 then
            ctx.results:figure({
                id = string.format("page.open.think.%d", size),
                group = M.id,
                name = string.format("page open, %s: share of the mod's time spent in think hooks (where the view's rows are built and sorted)", store_ops.size_label(size)),
                value = string.format("%.0f", 100 * open.think / open.total),
                unit = "%",
            })
        end
    end
    for _, game in ipairs(games) do game:cleanup() end
end

return M
