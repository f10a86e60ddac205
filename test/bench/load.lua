-- The load scenario as a benchmark (longer and busier than its spec): 16 players, 20 terminals,
-- 10 restockers, 10,000 distinct keys, random activity with saves and rounds that end without a
-- save (test/kits/load_scenario.lua). Prints the figures, and with --check fails when the mod's time
-- per tick grows from the first to the last window (flatness) or a unit is lost.
--
--   npm run build
--   LUA_PATH="lua/modules/?.lua;test/?.lua;;" lua5.2 test/bench/load.lua [--check]
--
-- Environment: DBIO_SEED (default 20240917), DBIO_LOAD_TICKS (default 20000), DBIO_LOAD_RATE
-- (player actions per update on average, default 1.0).
local L = require("kits.load_scenario")

--- The last window's mean may be at most this many times the first window's (plus a floor for
--- timer noise): the cost of a tick must not grow with the time the server has been running.
local FLATNESS = 2
local FLOOR_MS = 0.05

local function number(name, default)
    local v = tonumber(os.getenv(name) or "")
    if v == nil then return default end
    return v
end

local check = false
for _, a in ipairs(arg or {}) do
    if a == "--check" then check = true end
end

local seed = math.floor(number("DBIO_SEED", 20240917))
local ticks = math.floor(number("DBIO_LOAD_TICKS", 20000))
local rate = number("DBIO_LOAD_RATE", 1.0)
local saves, endings = {}, {}
for t = 2500, ticks - 1, 2500 do
    if (t / 2500) % 3 == 0 then endings[#endings + 1] = t else saves[#saves + 1] = t end
end

io.stderr:write(string.format("load: seed %d, %d ticks, %.2f actions per tick\n", seed, ticks, rate))
local started = os.clock()
local f = L.run({ seed = seed, ticks = ticks, rate = rate, saves = saves, endings = endings })
print(L.describe(f, "[load]"))
print(string.format("[load] total %.1f s of CPU", os.clock() - started))
local flat = f.lastMeanMs <= f.firstMeanMs * FLATNESS + FLOOR_MS
print(string.format("[load] flatness: last/first mean %.2f (budget %.1f): %s", f.lastMeanMs / math.max(f.firstMeanMs, 1e-9), FLATNESS, flat and "ok" or "GROWS"))
if check then
    local ok = flat and f.violations == 0 and f.errors == 0 and f.verifyClean
    if not ok then
        io.stderr:write("load: check failed\n")
        os.exit(1)
    end
end
