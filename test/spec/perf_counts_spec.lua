-- Linear on MoonSharp, shown on PUC Lua with counts: the cost-counting build of the mod
-- (build/instrumented/DatabaseIO, every length read and string search counted,
-- scripts/lib/lua-instrument.mjs and test/kits/cost_meter.lua) runs a capture, a rebuild, a page
-- open, a view build and a sync snapshot on a database of 100 and of 10,000 keys. The counts
-- model what MoonSharp pays where PUC Lua does not (a length read after an array grew rescans
-- it; a string search copies its subject); unlike times they do not depend on the machine.
-- Linear code counts about 100 times more at 100 times the keys; an array grown through its
-- length, or a string walked by positional searches, counts about 10,000 times more.
--
-- Counts are the same on every interpreter, so this runs in the PUC run only: the MoonSharp
-- profile's environment does not see the global the counting build reads, and the 10,000-key
-- game would double the suite's longest spec for nothing.
if DBIO_PROFILE == "moonsharp" then return end

local Sim = require("sim.runtime")
local modsim = require("bench.modsim")
local cost_meter = require("kits.cost_meter")

local MOD = Sim.ROOT .. "/build/instrumented/DatabaseIO"
local SMALL, LARGE = 100, 10000
--- At most this many times the small database's count at 100 times the keys.
local MAX_RATIO = 110
local TICKS = 2000

local function tickUntil(sim, done, what)
    for _ = 1, TICKS do
        if done() then return end
        sim:tick(1)
    end
    error(what .. " did not happen within " .. TICKS .. " ticks: " .. table.concat(sim.errors, "\n"), 0)
end

local function session(sim, item)
    for _, s in ipairs(sim.env.Hook.Call("databaseio.terminal.inspect").sessions) do
        if s.item == item.ID then return s end
    end
    return nil
end

local function state(sim, item)
    local s = session(sim, item)
    return s and s.state or "idle"
end

--- Counts of each operation on a game whose database holds `keys` bench keys.
local function measure(keys)
    local meter = cost_meter.new()
    _G.DBIO_COST = meter
    local counts = {}
    local sim = Sim.new({ mode = "server", prefabs = modsim.prefabs(keys, 8) })
    local ok, err = pcall(function()
        sim:loadMod(MOD)
        local blob = modsim.blob(1, keys, 10)
        meter:reset()
        sim:startCampaign({ name = "Counts Sub", items = {
            { id = "databasecore", key = "core", memory = blob },
            { id = "databaseterminalfixed", key = "wall" },
        } })
        counts.rebuild = meter:total()
        local api = sim.env.DatabaseIO
        assert(api ~= nil, table.concat(sim.errors, "\n"))
        assert.are.equal(keys, #api.entries(modsim.DB), table.concat(sim.errors, "\n"))

        local wall = sim:find("databaseterminalfixed")
        local client = sim:addClient({ name = "Alice", luacs = true, lua = true })
        sim:tick(1)
        meter:reset()
        assert.is_true(sim:select(client.Character, wall))
        tickUntil(sim, function() return state(sim, wall) == "open" end, "the page open")
        counts.page = meter:total()

        meter:reset()
        sim:setText(client.Character, wall, "dbioterminal.search", modsim.SEARCH_WORDS[1])
        tickUntil(sim, function() local s = session(sim, wall); return s ~= nil and s.state == "open" and #wall.OwnInventory.AllItemsMod == modsim.SEARCHED * 8 end, "the view of a search")
        counts.view = meter:total()

        local sync = sim:clientEnv(client).DatabaseIO.client
        meter:reset()
        sync.open(wall.ID)
        tickUntil(sim, function() local info = sync.info(wall.ID); return info ~= nil and info.state == "live" end, "the sync snapshot")
        counts.snapshot = meter:total()
        assert.are.equal(keys, #sync.model(wall.ID):syncRows())

        meter:reset()
        sim:_capture()
        counts.capture = meter:total()
        assert.are.same({}, sim.errors)
    end)
    sim:cleanup()
    _G.DBIO_COST = nil
    if not ok then error(err, 0) end
    return counts
end

describe("counted cost on the cost-counting build (PUC run)", function()
    local small, large
    setup(function()
        small = measure(SMALL)
        large = measure(LARGE)
        for _, op in ipairs({ "capture", "rebuild", "page", "view", "snapshot" }) do
            print(string.format("[counts] %-8s %9d at %d keys, %11d at %d keys: ratio %.1f", op, small[op], SMALL, large[op], LARGE, large[op] / small[op]))
        end
    end)

    local names = {
        capture = "a capture (encode every database into its core)",
        rebuild = "a rebuild at round start (decode the core's blob)",
        page = "a terminal page open (with its sorted view)",
        view = "a view build (a search over every key)",
        snapshot = "a sync snapshot to a client with client-side Lua",
    }
    for _, op in ipairs({ "capture", "rebuild", "page", "view", "snapshot" }) do
        it(names[op] .. " grows linearly: 100 times the keys, at most " .. MAX_RATIO .. " times the count", function()
            assert.is_true(small[op] > 0, op .. " counted nothing: is build/instrumented current?")
            local ratio = large[op] / small[op]
            assert.is_true(ratio <= MAX_RATIO, string.format("%s counts %d at %d keys and %d at %d keys: ratio %.1f > %d", op, small[op], SMALL, large[op], LARGE, ratio, MAX_RATIO))
        end)
    end
end)
