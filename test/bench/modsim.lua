-- The built mod (dist/DatabaseIO) in the simulated game, with every callback the mod hands the
-- game timed: hooks (Hook.Add), patches (Hook.Patch), network receivers (Networking.Receive) and
-- spawn callbacks (Entity.Spawner.AddItemToSpawnQueue's onSpawned). The time counted is the
-- mod's own work plus the game API calls it makes; the simulation's bookkeeping between
-- callbacks (spawn and remove queues, ticking) is not counted. A callback that runs inside
-- another timed callback (a put that fires inventoryPutItem) is counted once, by the outer one.
--
-- The database is seeded the way a real one arrives: a Database Core whose saved blob holds
-- `keys` plain keys (built with the compiled store and codec), rebuilt by the mod at round start.
-- Keys are bench prefabs ("benchitem00001" ...) registered in the simulation, each at the four
-- qualities, as in the game (about 1,500 vanilla prefabs give at most ~6,000 plain keys), so
-- 10,000 keys come from 2,500 prefabs. Names do not follow the key order, so a sort by name
-- really reorders them.
local Sim = require("sim.runtime")
local new = require("kits.classes").new
local store_module = require("core.store")

local M = {}
M.MOD = Sim.ROOT .. "/dist/DatabaseIO"
M.DB = "default"

local clock = os.clock

--- Name words: each prefab's name starts with one, so names sort in another order than keys.
local WORDS = { "valve", "gasket", "rivet", "spring", "bolt", "coil", "lens", "fuse", "gear", "plate", "hinge", "clamp", "wire", "pipe", "seal", "cell" }
--- Words a search looks for: each is carried by SEARCHED keys at every database size.
M.SEARCH_WORDS = { "widget", "gizmo" }
M.SEARCHED = 20
M.QUALITIES = 4

function M.identifier(p)
    return string.format("benchitem%05d", p)
end

--- Key number i (1-based): prefab ceil(i / 4) at quality (i - 1) % 4.
function M.key(i)
    return string.format("%s#%d", M.identifier(math.floor((i - 1) / M.QUALITIES) + 1), (i - 1) % M.QUALITIES)
end

--- The English name of bench prefab p.
function M.name(p)
    local word = WORDS[(p * 7) % #WORDS + 1]
    local n = #M.SEARCH_WORDS
    -- the first prefabs carry the search words, in turn: SEARCHED keys per word
    if p <= n * M.SEARCHED / M.QUALITIES then word = M.SEARCH_WORDS[(p - 1) % n + 1] end
    return string.format("%s %d", word, (p * 7919) % 100003)
end

--- Prefab definitions for bench keys 1..keys (stack limit `stack`).
function M.prefabs(keys, stack)
    local defs = {}
    for p = 1, math.ceil(keys / M.QUALITIES) do
        defs[p] = { identifier = M.identifier(p), name = M.name(p), category = "Material", tags = { "smallitem" }, maxStackSize = stack, maxCondition = 100, hasQuality = true }
    end
    return defs
end

--- The saved blob of a Database Core (anchor = the core's item id) holding `count` bench keys
--- with `units` units each.
function M.blob(anchorId, count, units, extra)
    local store = new(store_module.DatabaseStore, {})
    local report = store:rebuild({ { anchorId = anchorId, dbId = M.DB, blob = "" } })
    if report.databases[1] == nil then error("the bench database could not be created", 0) end
    local i = 1
    while i <= count do
        local tx = store:transaction(M.DB, "bench setup")
        local last = math.min(i + 999, count)
        for k = i, last do tx:insertCount(M.key(k), units) end
        local r = tx:commit()
        if not r.ok then error("bench setup refused: " .. r.message, 0) end
        i = last + 1
    end
    if extra ~= nil then
        local tx = store:transaction(M.DB, "bench setup")
        for key, n in pairs(extra) do tx:insertCount(key, n) end
        local r = tx:commit()
        if not r.ok then error("bench setup refused: " .. r.message, 0) end
    end
    local captured = store:captureOne(M.DB)
    if captured == nil or captured.problem ~= nil or captured.blob == nil then
        error("the bench database could not be captured: " .. tostring(captured and captured.problem), 0)
    end
    return captured.blob
end

-- ---------------------------------------------------------------------------------------------
-- Timing of the mod's callbacks

local Timer = {}
Timer.__index = Timer

function M.timer()
    return setmetatable({ seconds = 0, kb = 0, calls = 0, depth = 0, by_label = {}, paused = false }, Timer)
end

function Timer:reset()
    self.seconds, self.kb, self.calls, self.by_label = 0, 0, 0, {}
end

--- Seconds counted under labels that start with `prefix` ("hook think" = every think hook).
function Timer:seconds_under(prefix)
    local sum = 0
    for label, seconds in pairs(self.by_label) do
        if string.sub(label, 1, #prefix) == prefix then sum = sum + seconds end
    end
    return sum
end

--- Seconds and bytes counted so far (bytes: allocated while the collector is stopped).
function Timer:read()
    return self.seconds, self.kb * 1024
end

local function finish(timer, label, t0, kb0, ok, ...)
    local dt = clock() - t0
    timer.kb = timer.kb + (collectgarbage("count") - kb0)
    timer.depth = 0
    timer.seconds = timer.seconds + dt
    timer.calls = timer.calls + 1
    timer.by_label[label] = (timer.by_label[label] or 0) + dt
    if not ok then error((...), 0) end
    return ...
end

--- fn, timed under `label` when it is the outermost timed call.
function Timer:wrap(label, fn)
    local timer = self
    return function(...)
        if timer.depth > 0 or timer.paused then return fn(...) end
        timer.depth = 1
        return finish(timer, label, clock(), collectgarbage("count"), pcall(fn, ...))
    end
end

--- Replaces the first function argument of a call with its timed version.
local function wrapFirstFunction(timer, label, ...)
    local args = { n = select("#", ...), ... }
    for i = 1, args.n do
        if type(args[i]) == "function" then
            args[i] = timer:wrap(label, args[i])
            break
        end
    end
    return (table.unpack or unpack)(args, 1, args.n)
end

--- Routes the mod's callbacks through `timer`. Call before sim:loadMod.
local function instrument(sim, timer, untimed)
    local env = sim.env
    local hook = env.Hook
    env.Hook = setmetatable({
        Add = function(event, id, fn)
            if type(event) == "string" and untimed[string.lower(event)] then return hook.Add(event, id, fn) end
            local label = "hook " .. tostring(event)
            if type(id) == "string" then label = label .. " " .. id end
            return hook.Add(wrapFirstFunction(timer, label, event, id, fn))
        end,
        Patch = function(...)
            return hook.Patch(wrapFirstFunction(timer, "patch", ...))
        end,
    }, { __index = hook })
    local networking = env.Networking
    if networking ~= nil then
        env.Networking = setmetatable({
            Receive = function(name, fn)
                return networking.Receive(name, timer:wrap("receive " .. tostring(name), fn))
            end,
        }, { __index = networking })
    end
    local world = sim.world
    local queueSpawn = world.queueSpawn
    world.queueSpawn = function(self, entry)
        if entry.onSpawned ~= nil then entry.onSpawned = timer:wrap("spawned", entry.onSpawned) end
        return queueSpawn(self, entry)
    end
end

-- ---------------------------------------------------------------------------------------------
-- A game with the mod

local Game = {}
Game.__index = Game

--- opts: keys (bench keys in the database), units (per key), stack (bench prefab stack limit),
--- extra (further keys: key -> units), prefabs (further prefab definitions), items (submarine
--- entries after the core), players (client names), mode.
function M.new(opts)
    local keys = opts.keys or 0
    local prefabs = M.prefabs(keys, opts.stack or 8)
    for _, def in ipairs(opts.prefabs or {}) do prefabs[#prefabs + 1] = def end
    local sim = Sim.new({ mode = opts.mode or "server", prefabs = prefabs })
    local timer = M.timer()
    -- Bench bookkeeping that must not count: the terminals' read-only inspect hook.
    instrument(sim, timer, { ["databaseio.terminal.inspect"] = true })
    sim:loadMod(M.MOD)
    local items = { { id = "databasecore", key = "core", memory = M.blob(1, keys, opts.units or 1, opts.extra) } }
    for _, e in ipairs(opts.items or {}) do items[#items + 1] = e end
    sim:startCampaign({ name = "Bench Sub", items = items })
    local game = setmetatable({ sim = sim, timer = timer, players = {} }, Game)
    for _, name in ipairs(opts.players or { "Bench" }) do
        local client = sim:addClient({ name = name })
        game.players[#game.players + 1] = client.Character
    end
    local api = sim.env.DatabaseIO
    if api == nil then error("the mod did not start: " .. table.concat(sim.errors, "\n"), 0) end
    local offered = #api.entries(M.DB)
    for _ in pairs(opts.extra or {}) do offered = offered - 1 end
    if offered ~= keys then error(string.format("the bench database holds %d keys, not %d: %s", offered, keys, table.concat(sim.errors, "\n")), 0) end
    game:check()
    timer:reset()
    return game
end

function Game:api() return self.sim.env.DatabaseIO end

--- Stops with the simulation's errors, if any: a benchmark of a failing mod measures nothing.
function Game:check()
    if #self.sim.errors > 0 then error("the mod raised: " .. table.concat(self.sim.errors, "\n"), 0) end
end

--- The terminals' session lines (untimed).
function Game:sessions()
    return self.sim.env.Hook.Call("databaseio.terminal.inspect").sessions
end

function Game:session(item)
    for _, s in ipairs(self:sessions()) do
        if s.item == item.ID then return s end
    end
    return nil
end

function Game:cleanup()
    self.sim:cleanup()
end

return M
