-- The mod's idle work per server tick (design.md "Budgets": a small fraction of a 16.7 ms tick on
-- MoonSharp), on the built mod in the simulated game (bench.modsim: only the mod's callbacks are
-- timed, not the simulation's bookkeeping).
--
-- The network: a Database Core with 1,000 keys (and oxygen tanks), 10 wall terminals, 10
-- restockers (each keeps a three-slot oxygen rack full) and 5 fixed interfaces, all settled:
-- racks full, interfaces empty. Cases, each an op = one server tick (60 per second):
--   core only        the same database with no device: the mod's fixed cost per tick
--   devices idle     25 devices, nobody at a terminal
--   terminals open   the same with 10 players, one at each terminal, each showing a full page
-- Every case's share of a 16.7 ms tick is given as measured (PUC Lua) and multiplied by a
-- MoonSharp slowdown factor (below).
local harness = require("bench.harness")
local modsim = require("bench.modsim")
local store_ops = require("bench.store_ops")

local KEYS = 1000
local TERMINALS = 10
local RESTOCKERS = 10
local INTERFACES = 5
local RACK_SLOTS = 3
local TANKS = 200
local TICK = 1 / 60
--- How much slower the same Lua runs on MoonSharp than on PUC Lua 5.2: an assumed safety factor,
--- not a measurement (no MoonSharp runs here). Interpreters written in C# are commonly an order
--- of magnitude slower than PUC Lua; 50 leaves room for the .NET collector and game API calls.
local MOONSHARP_FACTOR = 50
--- Ticks timed one by one for the heaviest single tick.
local PEAK_TICKS = 120
--- Ticks run before timing: restockers fill their racks, terminals fill their pages.
local SETTLE = 600

local M = { id = "tick", title = "Idle server work per tick: 10 terminals, 10 restockers, 5 interfaces" }

local RACK = {
    identifier = "benchrack", name = "Bench Rack", category = "Machine", tags = { "container" }, pickable = false,
    components = { { type = "ItemContainer", capacity = RACK_SLOTS, maxStackSize = 1, containable = { "oxygensource" } } },
}

local function network(with_devices, players)
    local items = {}
    if with_devices then
        for i = 1, TERMINALS do items[#items + 1] = { id = "databaseterminalfixed", key = "terminal" .. i } end
        for i = 1, RESTOCKERS do
            items[#items + 1] = { id = "benchrack", key = "rack" .. i }
            items[#items + 1] = { id = "databaserestocker", key = "restocker" .. i,
                signals = { ["restocker.config"] = "oxygentank amount=1 per=slot" }, links = { "rack" .. i } }
        end
        for i = 1, INTERFACES do items[#items + 1] = { id = "databaseinterfacefixed", key = "interface" .. i } end
    end
    local names = {}
    for i = 1, players do names[i] = "Player" .. i end
    local game = modsim.new({ keys = KEYS, units = 10, stack = 8, extra = { ["oxygentank#0"] = TANKS },
        prefabs = { RACK }, items = items, players = names })
    return game
end

local function tanks_in_racks(game)
    local n = 0
    for _, rack in ipairs(game.sim:findAll("benchrack")) do n = n + #rack.OwnInventory.AllItemsMod end
    return n
end

--- Database units and items in racks and terminals: nothing moves while the network is idle.
local function fingerprint(game)
    local api = game:api()
    local shown = 0
    for _, terminal in ipairs(game.sim:findAll("databaseterminalfixed")) do shown = shown + #terminal.OwnInventory.AllItemsMod end
    return string.format("tanks %d available, %d leased, %d in racks, %d items on terminal pages",
        api.amount(modsim.DB, "oxygentank", 0), api.leased(modsim.DB, "oxygentank", 0), tanks_in_racks(game), shown)
end

local function settle(game)
    game.sim:tick(SETTLE)
    game:check()
end

local function tick_series(id, game)
    local ticks = 0
    return {
        id = id,
        game = game,
        ticks = function() return ticks end,
        prepare = function() return fingerprint(game) end,
        batch = function(n)
            local s0, b0 = game.timer:read()
            game.sim:tick(n)
            ticks = ticks + n
            local s1, b1 = game.timer:read()
            return s1 - s0, b1 - b0
        end,
        verify = function(before)
            game:check()
            local after = fingerprint(game)
            if after ~= before then return string.format("the idle network changed: %s -> %s", before, after) end
            return nil
        end,
    }
end

function M.run(ctx)
    local t0 = os.clock()
    local bare = network(false, 0)
    settle(bare)

    local idle = network(true, 0)
    settle(idle)
    if tanks_in_racks(idle) ~= RESTOCKERS * RACK_SLOTS then
        error(string.format("the restockers filled %d rack slots, not %d", tanks_in_racks(idle), RESTOCKERS * RACK_SLOTS), 0)
    end

    local open = network(true, TERMINALS)
    local terminals = open.sim:findAll("databaseterminalfixed")
    for i, terminal in ipairs(terminals) do
        if not open.sim:select(open.players[i], terminal) then error("a terminal refused its player", 0) end
    end
    settle(open)
    for _, terminal in ipairs(terminals) do
        local s = open:session(terminal)
        if s == nil or s.state ~= "open" then error("a terminal did not open its page", 0) end
    end
    ctx.log(string.format("  networks built and settled in %.1f s", os.clock() - t0))

    local cases = {
        { key = "bare", series = tick_series("tick, core only", bare), name = "core only, no device" },
        { key = "idle", series = tick_series("tick, devices idle", idle), name = "25 devices idle, nobody at a terminal" },
        { key = "open", series = tick_series("tick, terminals open", open), name = "25 devices, 10 players at the terminals (pages open)" },
    }
    local list = {}
    for _, c in ipairs(cases) do
        c.series.game.timer:reset()
        list[#list + 1] = c.series
    end
    local samples = harness.interleave(list, ctx.runs, ctx.target, ctx.log)

    for _, c in ipairs(cases) do
        local s = samples[c.series.id]
        ctx.results:case({
            id = "tick." .. c.key,
            group = M.id,
            name = c.name,
            size = store_ops.size_label(KEYS),
        }, s)
        local shares, moonsharp = {}, {}
        for i, seconds in ipairs(s.per_op) do
            shares[i] = seconds / TICK
            moonsharp[i] = seconds * MOONSHARP_FACTOR / TICK
        end
        ctx.results:ratio({
            id = "tick." .. c.key .. ".share",
            group = M.id,
            name = string.format("%s: share of a 16.7 ms tick (PUC Lua)", c.name),
            definition = "the mod's time per server tick divided by 1/60 s",
            quotients = shares,
        })
        ctx.results:ratio({
            id = "tick." .. c.key .. ".moonsharp",
            group = M.id,
            name = string.format("%s: share of a tick with MoonSharp %d times slower", c.name, MOONSHARP_FACTOR),
            definition = string.format("the share of a tick multiplied by an assumed MoonSharp slowdown of %d", MOONSHARP_FACTOR),
            quotients = moonsharp,
        })
    end
    -- Where the time goes: each hook's part per tick, over every timed and calibration tick.
    for _, c in ipairs({ cases[2], cases[3] }) do
        local timer = c.series.game.timer
        local ticks = c.series.ticks()
        local labels = {}
        for label in pairs(timer.by_label) do labels[#labels + 1] = label end
        table.sort(labels)
        for _, label in ipairs(labels) do
            local per_tick = timer.by_label[label] / ticks
            if per_tick >= 0.05e-6 then
                ctx.results:figure({
                    id = string.format("tick.%s.%s", c.key, label),
                    group = M.id,
                    name = string.format("%s: %s", c.name, label),
                    value = tonumber(string.format("%.2f", per_tick * 1e6)),
                    unit = "µs per tick",
                })
            end
        end
    end
    -- Upkeep runs every few ticks, so the average hides the heaviest tick: time 120 ticks one by one.
    for _, c in ipairs(cases) do
        local game = c.series.game
        local heaviest = 0
        -- the collector stopped, as in the timed batches: a collection step is not the mod's work
        collectgarbage("collect")
        collectgarbage("stop")
        for _ = 1, PEAK_TICKS do
            local s0 = game.timer:read()
            game.sim:tick(1)
            local s1 = game.timer:read()
            if s1 - s0 > heaviest then heaviest = s1 - s0 end
        end
        collectgarbage("restart")
        game:check()
        ctx.results:figure({
            id = "tick." .. c.key .. ".heaviest",
            group = M.id,
            name = string.format("%s: heaviest of %d ticks (PUC Lua; x%d on MoonSharp: %.1f ms)", c.name, PEAK_TICKS, MOONSHARP_FACTOR, heaviest * MOONSHARP_FACTOR * 1e3),
            value = tonumber(string.format("%.1f", heaviest * 1e6)),
            unit = "µs",
        })
    end
    for _, c in ipairs(cases) do c.series.game:cleanup() end
end

return M
