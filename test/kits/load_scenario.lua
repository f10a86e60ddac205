-- A busy server, shared by test/spec/load_scenario_spec.lua and test/bench/load.lua: the built
-- mod in the simulated server (bench.modsim: 10,000 distinct keys arrive in the Database Core's
-- saved blob, as a real database does, and only the mod's own callbacks are timed), 16 players,
-- 20 wall terminals, 10 restockers keeping racks stocked, and seeded random activity every tick:
-- players open and leave terminals, page, sort and search, take page items, put items back into
-- terminals and interfaces, empty racks; saves and rounds that end without one come on schedule.
--
-- Conservation is checked over every unit of every key: units the database holds (available +
-- leased, from `dbio status`) + live items of the bench and rack kinds that the mod has not
-- booked equals the total, which changes only through a rollback (back to the saved total). At
-- the end every key is checked on its own, and `dbio verify` must find nothing.
local modsim = require("bench.modsim")
local F = require("kits.fuzz")

local L = {}

L.KEYS = 10000
L.PLAYERS = 16
L.TERMINALS = 20
L.RESTOCKERS = 10
L.INTERFACES = 2
local RACK_SLOTS = 3
local STOCKED = 200

local RACK = {
    identifier = "loadrack", name = "Load Rack", category = "Machine", tags = { "container" }, pickable = false,
    components = { { type = "ItemContainer", capacity = RACK_SLOTS, maxStackSize = 4 } },
}

--- What the restockers keep stocked (one kind each), with units of their own in the database.
local STOCKED_KINDS = { "oxygentank", "weldingfueltank", "steel", "copper", "plastic", "fpgacircuit", "smground", "antibleeding1", "battery", "screwdriver" }
local COUNTED = {}
for _, id in ipairs(STOCKED_KINDS) do COUNTED[id] = true end

local function stockedIdentifier(i)
    return STOCKED_KINDS[i]
end

local function isCounted(identifier)
    return COUNTED[identifier] == true or string.sub(identifier, 1, 9) == "benchitem"
end

local function submarine()
    local items = {}
    for i = 1, L.TERMINALS do items[#items + 1] = { id = "databaseterminalfixed", key = "terminal" .. i } end
    for i = 1, L.RESTOCKERS do
        items[#items + 1] = { id = "loadrack", key = "rack" .. i }
        items[#items + 1] = { id = "databaserestocker", key = "restocker" .. i,
            signals = { ["restocker.config"] = stockedIdentifier(i) .. " amount=2 per=slot" }, links = { "rack" .. i } }
    end
    for i = 1, L.INTERFACES do items[#items + 1] = { id = "databaseinterfacefixed", key = "interface" .. i } end
    return items
end

--- Units the database holds: available + leased (from the host's status line).
local function databaseUnits(game)
    local before = #game.sim.printed
    game.sim:runCommand("dbio status")
    for i = before + 1, #game.sim.printed do
        local a, l = string.match(game.sim.printed[i], "database 'default': (%d+) unit%(s%) available, (%d+) leased")
        if a ~= nil then return tonumber(a) + tonumber(l) end
    end
    error("no status line for the database:\n" .. table.concat(game.sim.printed, "\n", before + 1))
end

local function booked(game)
    return game.sim.env.Hook.Call("databaseio.terminal.inspect").booked
end

--- Units of the counted kinds everywhere: database + live items not booked by the mod.
local function total(game)
    local b = booked(game)
    local n = databaseUnits(game)
    for _, item in ipairs(game.sim:items()) do
        if not item.Removed and not b[item.ID] and isCounted(item.Prefab.Identifier.Value) then n = n + 1 end
    end
    return n
end

--- Per key: database (available + leased) + unbooked live items.
local function perKey(game)
    local api = game:api()
    local b = booked(game)
    local t = {}
    for _, e in ipairs(api.entries("default")) do
        t[e.key] = (t[e.key] or 0) + e.amount + api.leased("default", e.identifier, e.quality)
    end
    for _, item in ipairs(game.sim:items()) do
        local id = item.Prefab.Identifier.Value
        if not item.Removed and not b[item.ID] and isCounted(id) then
            local key = string.format("%s#%d", id, item.Quality)
            t[key] = (t[key] or 0) + 1
        end
    end
    return t
end

local function median(list)
    local copy = {}
    for i, v in ipairs(list) do copy[i] = v end
    table.sort(copy)
    if #copy == 0 then return 0 end
    return copy[math.floor((#copy + 1) / 2)]
end

local function mean(list)
    local s = 0
    for _, v in ipairs(list) do s = s + v end
    return #list > 0 and s / #list or 0
end

--- Runs the scenario. opts: ticks (10,000), seed, rate (player actions per update on average,
--- 0.25), window (ticks compared at start and end, 1,000), saves (ticks of the saves), endings
--- (ticks of rounds that end without a save).
--- Returns the figures; raises on a conservation violation or a Lua error.
function L.run(opts)
    local ticks = opts.ticks or 10000
    local window = opts.window or 1000
    local rate = opts.rate or 0.25
    local r = F.rng(opts.seed)
    local extra = {}
    for i = 1, L.RESTOCKERS do extra[stockedIdentifier(i) .. "#0"] = STOCKED end
    local names = {}
    for i = 1, L.PLAYERS do names[i] = "Player" .. i end
    local t0 = os.clock()
    local game = modsim.new({ keys = L.KEYS, units = 2, stack = 8, extra = extra, prefabs = { RACK },
        items = submarine(), players = names })
    local sim = game.sim
    local setup = os.clock() - t0

    local saves, endings = {}, {}
    for _, t in ipairs(opts.saves or { 2000, 4500, 7000, 9500 }) do saves[t] = true end
    for _, t in ipairs(opts.endings or { 3000, 8000 }) do endings[t] = true end

    local players = {}
    local function refreshPlayers()
        players = {}
        for _, c in ipairs(sim.clients) do
            if c.Character ~= nil and not c.Character.IsDead then players[#players + 1] = c.Character end
        end
    end
    refreshPlayers()
    local function terminals() return sim:findAll("databaseterminalfixed") end
    local function interfaces() return sim:findAll("databaseinterfacefixed") end
    local function racks() return sim:findAll("loadrack") end
    local function anyOf(list) return #list > 0 and list[r(#list)] or nil end
    local using = {}

    local expected = total(game)
    local saved = expected
    local figures = { ticks = ticks, actions = 0, saves = 0, endings = 0, checks = 0, violations = 0,
                      setupSeconds = setup, perTick = {}, keys = #game:api().entries("default") }
    local counts = { select = 0, leave = 0, page = 0, sort = 0, search = 0, take = 0, deposit = 0, interface = 0, rack = 0 }

    local function check(when)
        figures.checks = figures.checks + 1
        local got = total(game)
        if got ~= expected then
            figures.violations = figures.violations + 1
            error(string.format("seed %d tick %d (%s): %d units, expected %d", opts.seed, when, "check", got, expected), 0)
        end
        if #sim.errors > 0 then error(string.format("seed %d tick %d: %s", opts.seed, when, sim.errors[1]), 0) end
    end

    local function act()
        local p = anyOf(players)
        if p == nil then return end
        local roll = r(100)
        local t = using[p.ID]
        if roll <= 12 or t == nil then
            t = anyOf(terminals())
            sim:select(p, t)
            using[p.ID] = t
            counts.select = counts.select + 1
        elseif roll <= 20 then
            sim:deselect(p)
            using[p.ID] = nil
            counts.leave = counts.leave + 1
        elseif roll <= 40 then
            sim:pressButton(p, t, "dbioterminal." .. (r(2) == 1 and "next" or "previous"))
            counts.page = counts.page + 1
        elseif roll <= 45 then
            sim:pressButton(p, t, "dbioterminal." .. F.pick(r, { "sort", "direction", "refresh" }))
            counts.sort = counts.sort + 1
        elseif roll <= 52 then
            sim:setText(p, t, "dbioterminal.search", F.pick(r, { "", "bolt", "gear 1", "benchitem01", "widget", "x" }))
            counts.search = counts.search + 1
        elseif roll <= 72 then
            local inside = t.OwnInventory.AllItemsMod
            if #inside > 0 then
                sim:moveItem(inside[r(#inside)], p.Inventory, nil, p)
                counts.take = counts.take + 1
            end
        elseif roll <= 87 then
            local held = p.Inventory.AllItemsMod
            if #held > 0 then
                sim:moveItem(held[r(#held)], t.OwnInventory, nil, p)
                counts.deposit = counts.deposit + 1
            end
        elseif roll <= 92 then
            local held = p.Inventory.AllItemsMod
            local iface = anyOf(interfaces())
            if #held > 0 and iface ~= nil then
                sim:moveItem(held[r(#held)], iface.OwnInventory, nil, p)
                counts.interface = counts.interface + 1
            end
        else
            local rack = anyOf(racks())
            local inside = rack and rack.OwnInventory.AllItemsMod or {}
            if #inside > 0 then
                sim:moveItem(inside[r(#inside)], p.Inventory, nil, p)
                counts.rack = counts.rack + 1
            end
        end
        figures.actions = figures.actions + 1
    end

    local timer = game.timer
    for tick = 1, ticks do
        if saves[tick] then
            sim:mpTransition()
            refreshPlayers()
            using = {}
            saved = total(game)
            if saved ~= expected then error(string.format("seed %d tick %d: the save changed the total (%d, expected %d)", opts.seed, tick, saved, expected), 0) end
            figures.saves = figures.saves + 1
        elseif endings[tick] then
            sim:mpEndWithoutSave()
            sim:startRound()
            refreshPlayers()
            using = {}
            expected = saved
            figures.endings = figures.endings + 1
            check(tick)
        end
        -- players act at `rate` actions per update on average
        local n = math.floor(rate) + ((r() < rate - math.floor(rate)) and 1 or 0)
        for _ = 1, n do act() end
        local before = timer.seconds
        sim:tick(1)
        figures.perTick[tick] = timer.seconds - before
        if tick % 500 == 0 then check(tick) end
    end

    -- At rest: everyone leaves, pages return, then every key is checked on its own.
    for _, p in ipairs(players) do sim:deselect(p) end
    sim:tick(60 * 5)
    check(ticks + 300)
    local final = perKey(game)
    local sum = 0
    for _, n in pairs(final) do sum = sum + n end
    if sum ~= expected then error(string.format("seed %d: per-key sum %d, expected %d", opts.seed, sum, expected), 0) end
    local before = #sim.printed
    sim:runCommand("dbio verify")
    local verifyLine = sim.printed[#sim.printed] or ""
    figures.verifyClean = string.find(verifyLine, " 0 finding(s)", 1, true) ~= nil and #sim.printed > before
    figures.verifyLine = verifyLine
    figures.errors = #sim.errors
    figures.units = expected
    figures.counts = counts
    local first, last = {}, {}
    for i = 1, window do first[i] = figures.perTick[i] end
    for i = ticks - window + 1, ticks do last[#last + 1] = figures.perTick[i] end
    figures.firstMeanMs = mean(first) * 1000
    figures.lastMeanMs = mean(last) * 1000
    figures.firstMedianMs = median(first) * 1000
    figures.lastMedianMs = median(last) * 1000
    figures.allMeanMs = mean(figures.perTick) * 1000
    figures.peakMs = 0
    for _, v in ipairs(figures.perTick) do if v * 1000 > figures.peakMs then figures.peakMs = v * 1000 end end
    figures.perTick = nil
    local labels = {}
    for label, seconds in pairs(game.timer.by_label) do labels[#labels + 1] = { label = label, seconds = seconds } end
    table.sort(labels, function(a, b) return a.seconds > b.seconds end)
    figures.heaviest = {}
    for i = 1, math.min(3, #labels) do
        figures.heaviest[i] = string.format("%s %.2f s", labels[i].label, labels[i].seconds)
    end
    game:cleanup()
    return figures
end

function L.describe(f, prefix)
    local lines = {}
    lines[1] = string.format("%s %d players, %d terminals, %d restockers, %d keys, %d units; setup %.1f s", prefix, L.PLAYERS, L.TERMINALS, L.RESTOCKERS, f.keys, f.units, f.setupSeconds)
    local c = f.counts
    lines[2] = string.format("%s %d ticks, %d actions (open %d, leave %d, page %d, sort %d, search %d, take %d, deposit %d, interface %d, rack %d), %d saves, %d no-save ends",
        prefix, f.ticks, f.actions, c.select, c.leave, c.page, c.sort, c.search, c.take, c.deposit, c.interface, c.rack, f.saves, f.endings)
    lines[3] = string.format("%s conservation checks %d, violations %d, Lua errors %d, verify: %s", prefix, f.checks, f.violations, f.errors, f.verifyLine)
    lines[4] = string.format("%s mod time per tick (ms, os.clock): first 1,000 ticks mean %.4f median %.4f; last 1,000 mean %.4f median %.4f; all mean %.4f; peak %.2f",
        prefix, f.firstMeanMs, f.firstMedianMs, f.lastMeanMs, f.lastMedianMs, f.allMeanMs, f.peakMs)
    lines[5] = string.format("%s heaviest callbacks: %s", prefix, table.concat(f.heaviest, "; "))
    return table.concat(lines, "\n")
end

return L
