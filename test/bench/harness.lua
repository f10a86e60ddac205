-- Timing for the benchmarks: calibrated batches, interleaved repetitions, medians.
--
-- A "series" is one thing being timed (a store operation, its reference, an encode...). Every
-- series exposes batch(n), which performs n operations; the harness finds an n for which one
-- batch takes at least the target time, then runs all series of a comparison in the same loop,
-- one batch each per repetition (in a rotating order), so that machine noise hits a case and its
-- reference alike. Results are seconds per operation for each repetition.
--
-- A batch that returns numbers (seconds [, bytes]) has timed its own part of the work: the mod's
-- callbacks inside a simulated game, without the simulation's bookkeeping around them. Those
-- numbers replace the clock around the whole batch.
--
-- Garbage collection: by default the collector is stopped while series are timed, and a full
-- collection runs between batches (untimed) whenever the garbage left by earlier batches passes
-- a limit. PUC Lua's collector has nothing in common with the .NET one under MoonSharp, so the
-- timings show the code's own work, and the bytes it allocates are reported separately
-- (allocation volume is what carries over). DBIO_BENCH_GC=1 keeps the collector running during
-- timed batches instead (no allocation figures then).
local M = {}

local clock = os.clock

M.collector_running = os.getenv("DBIO_BENCH_GC") == "1"

--- Garbage (in KB) allowed to pile up between full collections while the collector is stopped.
local GARBAGE_LIMIT_KB = 128 * 1024
local live_kb = nil

local function hold_collector()
    if M.collector_running then return end
    if live_kb == nil or collectgarbage("count") > live_kb + GARBAGE_LIMIT_KB then
        collectgarbage("collect")
        live_kb = collectgarbage("count")
    end
    collectgarbage("stop")
end

--- Lets the collector run again and forgets the stopped state (call after a suite's timings).
function M.release_collector()
    live_kb = nil
    collectgarbage("restart")
    collectgarbage("collect")
end

--- Runs series.batch(n) once, timed. Returns seconds and bytes allocated during the batch
--- (nil while the collector runs: the count then also moves by what it frees).
function M.time_batch(series, n)
    local token = nil
    if series.prepare then token = series.prepare(n) end
    hold_collector()
    local kb0 = collectgarbage("count")
    local t0 = clock()
    local measured, measured_bytes = series.batch(n)
    local t1 = clock()
    local kb1 = collectgarbage("count")
    if series.verify then
        local problem = series.verify(token, n)
        if problem ~= nil then
            M.release_collector()
            error(string.format("benchmark '%s' did not do what it measures: %s", series.id, problem), 0)
        end
    end
    local bytes = nil
    if not M.collector_running then bytes = (kb1 - kb0) * 1024 end
    if type(measured) == "number" then
        -- The series timed its own part of the batch (the mod's callbacks in a simulated game).
        if not M.collector_running then bytes = measured_bytes end
        return measured, bytes
    end
    return t1 - t0, bytes
end

--- A batch size n for which one batch takes at least `target` seconds. Starts from 1 and grows,
--- so it also warms the code up.
function M.calibrate(series, target)
    local n = 1
    while true do
        local seconds = M.time_batch(series, n)
        if seconds >= target then return n end
        if seconds <= 0 then
            n = n * 8
        else
            -- Jump close to the target, then keep doubling to be sure.
            local guess = math.floor(n * target / seconds * 0.9)
            if guess > n * 2 then n = guess else n = n * 2 end
        end
        if n > 1e9 then error(string.format("benchmark '%s' never reaches %.3f s per batch", series.id, target), 0) end
    end
end

function M.median(values)
    local sorted = {}
    for i = 1, #values do sorted[i] = values[i] end
    table.sort(sorted)
    local count = #sorted
    if count == 0 then return nil end
    if count % 2 == 1 then return sorted[(count + 1) / 2] end
    return (sorted[count / 2] + sorted[count / 2 + 1]) / 2
end

function M.min_max(values)
    local lo, hi = values[1], values[1]
    for i = 2, #values do
        if values[i] < lo then lo = values[i] end
        if values[i] > hi then hi = values[i] end
    end
    return lo, hi
end

--- Calibrates each series, warms it up once more, then runs `runs` repetitions of every series
--- in the list, rotating the order each repetition. Returns samples by series id:
---   { n = ops per batch, per_op = { seconds per op, one per run }, bytes_per_op = number|nil }
--- An "op" is whatever one step of the series' batch does (a 10-key transaction is one op).
function M.interleave(list, runs, target, log)
    local samples = {}
    for _, series in ipairs(list) do
        local n = M.calibrate(series, target)
        M.time_batch(series, n)
        samples[series.id] = { n = n, per_op = {}, bytes = {} }
        if log then log(string.format("  %-34s %9d ops per batch", series.id, n)) end
    end
    for run = 1, runs do
        local count = #list
        for step = 0, count - 1 do
            local series = list[(run - 1 + step) % count + 1]
            local s = samples[series.id]
            local seconds, bytes = M.time_batch(series, s.n)
            s.per_op[run] = seconds / s.n
            if bytes ~= nil then s.bytes[run] = bytes / s.n end
        end
    end
    M.release_collector()
    for _, s in pairs(samples) do
        s.bytes_per_op = M.median(s.bytes)
        s.bytes = nil
    end
    return samples
end

--- The per-run quotients a[i] / b[i] of two series timed in one interleave call.
function M.quotients(a, b)
    local list = {}
    for i = 1, math.min(#a, #b) do
        if b[i] > 0 then list[#list + 1] = a[i] / b[i] end
    end
    return list
end

--- Median of the per-run quotients a[i] / b[i]: each run's pair met the same machine state.
function M.paired_ratio(a, b)
    return M.median(M.quotients(a, b))
end

--- A deterministic generator (Park-Miller, multiplier 48271): the same sequence on every Lua,
--- unlike math.random. Exact in doubles: state < 2^31 and 48271 * state < 2^47.
function M.rng(seed)
    local modulus = 2147483647
    local state = math.floor(seed) % modulus
    if state == 0 then state = 1 end
    local generator = {}
    --- A whole number from 1 to k.
    function generator.int(k)
        state = (state * 48271) % modulus
        return state % k + 1
    end
    --- A number in [0, 1).
    function generator.float()
        state = (state * 48271) % modulus
        return (state - 1) / (modulus - 1)
    end
    return generator
end

return M
