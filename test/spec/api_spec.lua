-- The public DatabaseIO table, end to end in the simulated game: argument validation (wrong types
-- never raise), queries, consume / consumeInto all or nothing through the core consume path,
-- watches, and the lifecycle listeners (committed, rolled back, rebuilt).
local H = require("kits.harness")

local function stored(h)
    h:ingest(h:find("steel", 8))
    h:ingest(h:find("copper", 4))
    h:tick(2)
end

local function countIn(inventory, identifier)
    local n = 0
    for _, item in ipairs(inventory.AllItemsMod) do
        if item.Prefab.Identifier.Value == identifier then n = n + 1 end
    end
    return n
end

describe("DatabaseIO API", function()
    local h, api
    before_each(function()
        h = H.new({ mode = "server" })
        api = h:api()
        stored(h)
    end)
    after_each(function()
        assert.are.same({}, h.sim.errors)
        h.sim:cleanup()
    end)

    describe("argument validation", function()
        local junk = { n = 6, nil, 42, true, {}, function() end, "" }

        it("answers 0, an empty list or nil to queries with wrong arguments", function()
            for i = 1, junk.n do
                local x = junk[i]
                if x ~= "" then assert.are.equal(0, api.amount(x, "steel")) end
                assert.are.equal(0, api.amount("default", x))
                assert.are.equal(0, api.leased("default", x))
                if x ~= "" then -- "" is the default database
                    assert.are.same({}, api.entries(x))
                    assert.are.same({}, api.exactEntries(x))
                    assert.is_nil(api.info(x))
                end
                assert.is_nil(api.key(x))
            end
            assert.are.equal(0, api.amount("default", "steel", 1.5))
            assert.are.equal(0, api.amount("default", "steel", -1))
            assert.are.equal(0, api.amount("default", "steel", "0"))
            assert.are.equal(8, api.amount("default", "steel"))
        end)

        it("refuses every mutating or registering call with wrong arguments, without raising", function()
            local calls = {
                function(x) return api.ingest(x, "default", "spec") end,
                function(x) return api.ingest(h:find("steel", 1)[1], x == nil and 1 or x, "spec") end,
                function(x) return api.extract(x, "steel", 1, h.sim:find("storagecabinet").OwnInventory) end,
                function(x) return api.extract("default", x, 1, h.sim:find("storagecabinet").OwnInventory) end,
                function(x) return api.extract("default", "steel", x, h.sim:find("storagecabinet").OwnInventory) end,
                function(x) return api.extract("default", "steel", 1, x) end,
                function(x) return api.plan("default", x) end,
                function(x) return api.plan(x, { ingredients = { { identifiers = { "steel" }, amount = 1 } } }) end,
                function(x) return api.consume("default", x, "spec") end,
                function(x) return api.consume("default", { ingredients = { { identifiers = { x }, amount = 1 } } }) end,
                function(x) return api.consume("default", { ingredients = { { identifiers = { "steel" }, amount = x } } }) end,
                function(x) return api.consumeInto("default", x, h.sim:find("storagecabinet").OwnInventory) end,
                function(x) return api.consumeInto("default", { ingredients = { { identifiers = { "steel" }, amount = 1 } } }, x) end,
                function(x) return api.watchAll(x, function() end) end,
                function(x) return api.watchAll("default", x) end,
                function(x) return api.watchKey("default", x, function() end) end,
                function(x) return api.watchKey("default", "steel#0", x) end,
                function(x) return api.onCommitted(x, function() end) end,
                function(x) return api.onCommitted("spec", x) end,
                function(x) return api.onRolledBack("spec", x) end,
                function(x) return api.onRebuilt(x, function() end) end,
                function(x) return api.registerSortMode(x, "Label", function() return 0 end) end,
                function(x) return api.registerSearchFilter("spec.f", x, function() return true end) end,
                function(x) return api.registerTerminalAction("spec.a", "Label", x) end,
            }
            local steel, copper = h:total("steel"), h:total("copper")
            for c, call in ipairs(calls) do
                for i = 1, junk.n do
                    local x = junk[i]
                    -- Some junk is valid for some arguments (a table is an inventory's shape here,
                    -- a string a fine database id): only the invalid combinations are asserted.
                    local success, r = pcall(call, x)
                    assert.is_true(success, string.format("call %d raised with %s: %s", c, type(x), tostring(r)))
                    assert.are.equal("table", type(r), string.format("call %d gave no result", c))
                    if r.ok == false then
                        assert.are.equal("string", type(r.code))
                        assert.are.equal("string", type(r.message))
                    end
                end
            end
            -- A sample of refusals with their codes.
            assert.are.equal("bad_request", api.watchAll("default", 5).code)
            assert.are.equal("bad_request", api.watchKey("default", "Steel", function() end).code)
            assert.are.equal("bad_request", api.extract("default", "steel", 1, nil).code)
            assert.are.equal("bad_item", api.ingest(nil).code)
            assert.are.equal("invalid_amount", api.consume("default", { ingredients = { { identifiers = { "steel" }, amount = 0 } } }).code)
            assert.are.equal("invalid_request", api.consume("default", {}).code)
            -- Whatever the valid combinations moved, no unit appeared or vanished.
            h:tick(2)
            assert.are.equal(steel, h:total("steel"))
            assert.are.equal(copper, h:total("copper"))
            assert.are.equal(0, api.leased("default", "steel"))
        end)
    end)

    describe("queries", function()
        it("makes keys the way the store counts them", function()
            assert.are.equal("steel#0", api.key("Steel"))
            assert.are.equal("wrench#2", api.key("wrench", 2))
            assert.is_nil(api.key("steel", 1.5))
            assert.is_nil(api.key("a#b"))
            assert.is_nil(api.key(""))
        end)

        it("describes a database", function()
            local info = api.info(" DEFAULT ")
            assert.are.equal("default", info.id)
            assert.are.equal(12, info.units)
            assert.are.equal(0, info.leased)
            assert.are.equal(2, info.keys)
            assert.is_false(info.readOnly)
            assert.is_true(info.anchored)
            assert.is_nil(api.info("nothing"))
            local before = info.version
            h:ingest(h:find("copper", 1))
            h:tick(2)
            assert.are.equal(before + 1, api.info("default").version)
        end)
    end)

    describe("consume", function()
        it("takes every ingredient in one transaction or nothing", function()
            local events = {}
            assert.is_true(api.watchAll("default", function(e) events[#events + 1] = e end).ok)
            local r = api.consume("default", { ingredients = {
                { identifiers = { "steel" }, amount = 3 },
                { identifiers = { "copper" }, amount = 5 },
            } }, "spec")
            assert.is_false(r.ok)
            assert.are.equal("insufficient", r.code)
            assert.are.equal(8, api.amount("default", "steel"))
            assert.are.equal(0, #events)

            r = api.consume("default", { ingredients = {
                { identifiers = { "STEEL" }, amount = 3 },
                { identifiers = { "copper" }, amount = 4 },
            } }, "spec")
            assert.is_true(r.ok, r.message)
            assert.are.equal(7, r.value.units)
            assert.are.equal(5, api.amount("default", "steel"))
            assert.are.equal(0, api.amount("default", "copper"))
            assert.are.equal(1, #events)
            assert.are.equal("api:spec", events[1].source)
            assert.are.equal(r.value.version, events[1].version)
            local taken = {}
            for _, t in ipairs(r.value.taken) do taken[t.key] = (taken[t.key] or 0) + t.count end
            assert.are.same({ ["steel#0"] = 3, ["copper#0"] = 4 }, taken)
        end)

        it("plans without changing anything, and the plan is what consume then takes", function()
            local request = { ingredients = { { identifiers = { "steel", "copper" }, amount = 10 } } }
            local version = api.info("default").version
            local plan = api.plan("default", request)
            assert.is_true(plan.ok, plan.message)
            assert.are.equal(10, plan.value.units)
            assert.are.equal(version, api.info("default").version)
            local r = api.consume("default", request)
            assert.is_true(r.ok)
            local planned, taken = {}, {}
            for _, p in ipairs(plan.value.picks) do planned[p.key] = (planned[p.key] or 0) + p.count end
            for _, t in ipairs(r.value.taken) do taken[t.key] = (taken[t.key] or 0) + t.count end
            assert.are.same(planned, taken)
        end)

        it("never takes leased units", function()
            local out = h.sim:find("storagecabinet").OwnInventory
            assert.is_true(api.extract("default", "steel", 6, out, "spec").ok)
            -- The 6 units are in a spawner lease until they land.
            assert.are.equal(2, api.amount("default", "steel"))
            assert.are.equal(6, api.leased("default", "steel"))
            assert.are.equal("insufficient", api.consume("default", { ingredients = { { identifiers = { "steel" }, amount = 3 } } }).code)
            h:tick(2)
            assert.are.equal(0, api.leased("default", "steel"))
        end)
    end)

    describe("consumeInto", function()
        local function outInventory()
            local cabs = h.sim:findAll("storagecabinet")
            table.sort(cabs, function(a, b) return a.ID < b.ID end)
            return cabs[#cabs].OwnInventory
        end

        it("spawns what it takes into the named inventory, conserving every unit", function()
            local out = outInventory()
            local totalSteel, totalCopper = h:total("steel"), h:total("copper")
            local r = api.consumeInto("default", { ingredients = {
                { identifiers = { "steel" }, amount = 3 },
                { identifiers = { "copper" }, amount = 2 },
            } }, out, "spec")
            assert.is_true(r.ok, r.message)
            assert.are.equal(5, r.value.units)
            assert.are.equal(2, #r.value.leases)
            h:tick(3)
            assert.are.equal(3, countIn(out, "steel"))
            assert.are.equal(2, countIn(out, "copper"))
            assert.are.equal(5, api.amount("default", "steel"))
            assert.are.equal(2, api.amount("default", "copper"))
            assert.are.equal(0, api.leased("default", "steel"))
            assert.are.equal(totalSteel, h:total("steel"))
            assert.are.equal(totalCopper, h:total("copper"))
            local clean, report = h:verifyClean()
            assert.is_true(clean, report)
        end)

        it("moves nothing when one ingredient is short", function()
            local out = outInventory()
            local r = api.consumeInto("default", { ingredients = {
                { identifiers = { "steel" }, amount = 3 },
                { identifiers = { "copper" }, amount = 9 },
            } }, out, "spec")
            assert.are.equal("insufficient", r.code)
            h:tick(3)
            assert.are.equal(0, countIn(out, "steel"))
            assert.are.equal(8, api.amount("default", "steel"))
        end)

        it("returns units that cannot be placed to the database", function()
            local out = outInventory()
            h.sim.faults.failPut = function(_, inventory) return inventory == out end
            local total = h:total("steel")
            local r = api.consumeInto("default", { ingredients = { { identifiers = { "steel" }, amount = 4 } } }, out, "spec")
            assert.is_true(r.ok, r.message)
            h:tick(5)
            h.sim.faults.failPut = nil
            assert.are.equal(0, countIn(out, "steel"))
            assert.are.equal(8, api.amount("default", "steel"))
            assert.are.equal(total, h:total("steel"))
        end)
    end)

    describe("watches", function()
        it("watchKey sees its key only, and stop ends deliveries", function()
            local seen = {}
            local w = api.watchKey("default", api.key("steel"), function(e)
                for _, c in ipairs(e.changes) do seen[#seen + 1] = c.key .. ":" .. string.format("%d", c.after) end
            end)
            assert.is_true(w.ok)
            h:ingest(h:find("copper", 1))
            h:tick(2)
            assert.are.same({}, seen)
            assert.is_true(api.consume("default", { ingredients = { { identifiers = { "steel", "copper" }, amount = 13 } } }).ok)
            assert.are.same({ "copper#0:0", "steel#0:0" }, seen)
            w.value.stop()
            w.value.stop()
            h:ingest(h:find("steel", 1))
            h:tick(2)
            assert.are.equal(2, #seen)
        end)

        it("keeps delivering to other watchers when one raises", function()
            local calls = 0
            assert.is_true(api.watchAll("default", function() error("mod bug") end).ok)
            assert.is_true(api.watchAll("default", function() calls = calls + 1 end).ok)
            assert.is_true(api.consume("default", { ingredients = { { identifiers = { "steel" }, amount = 1 } } }).ok)
            assert.are.equal(1, calls)
        end)
    end)

    describe("lifecycle listeners", function()
        it("reports commits, rebuilds and rollbacks, with copies of the values", function()
            local log = {}
            assert.is_true(api.onCommitted("spec", function(ids) log[#log + 1] = "committed " .. table.concat(ids, ",") end).ok)
            assert.is_true(api.onRolledBack("spec", function(reason) log[#log + 1] = "rolledBack " .. type(reason) end).ok)
            assert.is_true(api.onRebuilt("spec", function(report)
                local d = report.databases[1]
                log[#log + 1] = string.format("rebuilt %s %s %d", d.id, d.state, d.units)
            end).ok)
            h.sim:mpTransition()
            assert.are.same({ "committed default", "rebuilt default loaded 12" }, log)
            log = {}
            assert.is_true(api.consume("default", { ingredients = { { identifiers = { "steel" }, amount = 2 } } }).ok)
            h.sim:mpEndWithoutSave({ nextRound = true })
            assert.are.same({ "rolledBack string", "rebuilt default loaded 12" }, log)
            assert.are.equal(8, api.amount("default", "steel"))
        end)

        it("replaces a listener registered again under its name; a stale handle removes nothing", function()
            local first, second = 0, 0
            local old = api.onCommitted("spec", function() first = first + 1 end)
            local new = api.onCommitted("spec", function() second = second + 1 end)
            old.value.stop()
            h.sim:mpTransition()
            assert.are.equal(0, first)
            assert.are.equal(1, second)
            new.value.stop()
            h.sim:mpTransition()
            assert.are.equal(1, second)
        end)
    end)
end)
