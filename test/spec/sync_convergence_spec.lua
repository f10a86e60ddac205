-- After any random sequence of mutations, with server messages dropped, delayed (reordered) and
-- duplicated and some requests lost, every client's cached view equals the server's view once the
-- network settles: gaps are detected and repaired by snapshots. Clients also join mid-sequence
-- and reconnect. The seed is printed; DBIO_SEED=<n> replays it.
local K = require("kits.sync")

local SEED = tonumber(os.getenv("DBIO_SEED") or "") or os.time()
local SEQUENCES = 200
local STEPS = 60

local function damaged(identifier, condition)
    return { identifier = identifier, quality = 0, condition = condition, stolen = false, outpost = "", contents = {} }
end

local IDS = { "steel", "copper", "plastic", "wrench", "crowbar", "fpgacircuit", "oxygentank", "smg", "battery", "idcard" }

local function mutate(kit, rng)
    local db = rng() < 0.75 and "main" or "other"
    local database = kit.store:database(db)
    local id = IDS[math.floor(rng() * #IDS) + 1]
    local key = id .. "#" .. string.format("%d", math.floor(rng() * 2))
    local roll = rng()
    if roll < 0.4 then
        kit.store:transaction(db, "rnd"):insertCount(key, math.floor(rng() * 70) + 1):commit()
    elseif roll < 0.6 then
        local have = database:aggregatedOf(key)
        if have > 0 then kit.store:transaction(db, "rnd"):take(key, math.floor(rng() * have) + 1):commit() end
    elseif roll < 0.75 then
        kit.store:transaction(db, "rnd"):insert(damaged(id, math.floor(rng() * 9999) / 100), 1):commit()
    elseif roll < 0.88 then
        local ids = database:exactIdsOf(id .. "#0")
        if #ids > 0 then kit.store:transaction(db, "rnd"):takeExact(ids[math.floor(rng() * #ids) + 1]):commit() end
    elseif roll < 0.9 then
        -- refused: more than there is (nothing may be delivered for it)
        kit.store:transaction(db, "rnd"):take(key, 100000):commit()
    elseif roll < 0.91 then
        kit.store:rollback("random")
    elseif roll < 0.93 then
        -- a burst: many keys in one transaction (more rows than one message holds)
        local tx = kit.store:transaction(db, "burst")
        for i = 1, 250 do tx:insertCount(string.format("bulk%d#0", i), 1) end
        tx:commit()
    end
end

local function sameView(kit, id, terminal, db, where)
    local got = kit:cached(id, terminal)
    local want = kit:expected(db)
    if not (got and #got == #want) or not pcall(assert.are.same, want, got) then
        -- name the rows that differ (the full tables are long)
        local byKey = {}
        for _, r in ipairs(want) do byKey[r.key] = r end
        local diffs = {}
        for _, r in ipairs(got or {}) do
            local w = byKey[r.key]
            if w == nil or w.amount ~= r.amount or w.exact ~= r.exact or w.worst ~= r.worst then
                diffs[#diffs + 1] = string.format("%s client %d/%d/%.2f server %s", r.key, r.amount, r.exact, r.worst,
                    w and string.format("%d/%d/%.2f", w.amount, w.exact, w.worst) or "none")
            end
            byKey[r.key] = nil
        end
        for k, w in pairs(byKey) do diffs[#diffs + 1] = k .. " missing on the client" end
        table.sort(diffs)
        local info = kit.clients[id]:info(terminal)
        error(string.format("%s: client %d terminal %d (%s gen %d) differs: %s", where, id, terminal, info.state, info.gen, table.concat(diffs, "; ")))
    end
    assert.are.equal("live", kit.clients[id]:info(terminal).state, where)
end

describe("sync convergence under a lossy network", function()
    it(string.format("%d random sequences converge", SEQUENCES), function()
        print(string.format("\n  sync convergence: seed %d (replay with DBIO_SEED=%d)", SEED, SEED))
        math.randomseed(SEED)
        local rng = math.random
        local snapshots, resyncs = 0, 0
        for s = 1, SEQUENCES do
            local kit = K.new()
            local a = kit:join(1)
            local b = kit:join(2)
            a:open(1)
            b:open(1)
            b:open(2)
            kit.faults = { rng = rng, drop = 0.1 + rng() * 0.15, dup = 0.1, delay = 0.1 }
            local late -- a player joining mid-sequence
            for step = 1, STEPS do
                mutate(kit, rng)
                if rng() < 0.5 then kit:step(0.1 + rng() * 0.3) end
                if step == 20 then
                    late = kit:join(3)
                    late:open(1)
                end
                if step == 40 and rng() < 0.5 then
                    -- a reconnect: the old client is gone, a new one (fresh Lua state) subscribes
                    kit:leave(2)
                    local again = kit:join(2)
                    again:open(1)
                    again:open(2)
                end
            end
            kit:settle()
            local where = string.format("seed %d, sequence %d", SEED, s)
            sameView(kit, 1, 1, "main", where)
            sameView(kit, 2, 1, "main", where)
            sameView(kit, 2, 2, "other", where)
            sameView(kit, 3, 1, "main", where)
            -- Two databases, however many subscribers: one feed each.
            assert.are.equal(2, kit.server:feedCount(), where)
            snapshots = snapshots + kit.server.stats.snapshots
            resyncs = resyncs + a.resyncRequests
        end
        print(string.format("  %d snapshots sent, client 1 asked for %d resyncs", snapshots, resyncs))
        assert.is_true(resyncs > 0)
    end)

    it("without faults, a change reaches clients as a delta and no snapshot is resent", function()
        local kit = K.new()
        local a = kit:join(1)
        a:open(1)
        kit:step()
        assert.are.equal(1, kit.server.stats.snapshots)
        kit.store:transaction("main", "t"):insertCount("steel#0", 5):commit()
        kit.store:transaction("main", "t"):insertCount("steel#0", 2):commit()
        kit.store:transaction("main", "t"):insertCount("copper#0", 1):commit()
        kit:step()
        assert.are.equal(1, kit.server.stats.snapshots)
        assert.are.equal(1, kit.server.stats.deltas) -- three commits, one coalesced delta
        assert.are.same(kit:expected("main"), kit:cached(1, 1))
        assert.are.equal(0, a.resyncRequests)
    end)
end)
