-- A busy server (test/kits/load_scenario.lua): 16 players, 20 terminals, 10 restockers and 10,000
-- distinct keys over 10,000 ticks of random activity with saves and rounds that end without one.
-- Every unit is conserved, dbio verify is clean at the end, no Lua error escapes; the mod's time
-- per tick in the first and the last 1,000 ticks is printed (the budget itself is checked by
-- the benchmark, test/bench/load.lua, not by a timed test).
-- Randomized: the seed is printed; DBIO_SEED=<seed> replays a run.
local L = require("kits.load_scenario")
local F = require("kits.fuzz")

describe("load scenario", function()
    it("conserves every unit and stays verifiable under 10,000 ticks of activity", function()
        local seed = F.seed("load_scenario")
        local f = L.run({ seed = seed, ticks = 10000, rate = 0.15 })
        print(L.describe(f, "[load_scenario]"))
        assert.are.equal(0, f.violations)
        assert.are.equal(0, f.errors)
        assert.is_true(f.verifyClean, f.verifyLine)
        assert.are.equal(L.KEYS + L.RESTOCKERS, f.keys)
        assert.is_true(f.actions > 1000, "players acted")
        assert.are.equal(4, f.saves)
        assert.are.equal(2, f.endings)
    end)
end)
