-- The core consume path shared by restockers, fabricators and other mods: planning, all-or-nothing
-- takes in one transaction, tag ingredients, condition ranges, preferences, leases and refusals.
local new = require("kits.classes").new
local DatabaseStore = require("core.store").DatabaseStore
local consumeMod = require("core.consume")
local inspect = require("core.inspect")
local verify = require("core.verify").verify

local consume, planConsume = consumeMod.consume, consumeMod.planConsume

local function record(identifier, condition, quality, contents)
    return { identifier = identifier, quality = quality or 0, condition = condition or 100, stolen = false,
             outpost = "", contents = contents or {} }
end

local function newStore()
    local store = new(DatabaseStore, {})
    store:rebuild({ { anchorId = 1, dbId = "main", blob = "" } })
    local events = {}
    store:subscribe(function(event) events[#events + 1] = event end)
    return store, events
end

local function insert(store, rec, n)
    local result = store:transaction("main", "setup"):insert(rec, n or 1):commit()
    assert.is_true(result.ok, result.message)
    return result.value.created
end

-- Tags the host would resolve from prefabs.
local TAGS = { weldingfuel = { "weldingfueltank", "incendiumfueltank" }, metal = { "steel", "copper" } }
local function resolver(tag) return TAGS[tag] or {} end

local function assertHealthy(store)
    local lines = {}
    for _, f in ipairs(verify(store, "main")) do lines[#lines + 1] = f.kind .. ": " .. f.message end
    assert.are.equal("", table.concat(lines, "\n"))
end

-- Runs a consume that must be refused with `code`; proves nothing changed and nothing was published.
local function assertRefused(store, events, code, request, lease)
    local before = inspect.dumpStore(store)
    local count = #events
    local result = consume(store, "main", "spec", request, resolver, lease)
    assert.is_false(result.ok)
    assert.are.equal(code, result.code)
    assert.is_true(#result.message > 0)
    assert.are.equal(before, inspect.dumpStore(store))
    assert.are.equal(count, #events)
    return result
end

local function takenSummary(taken)
    local parts = {}
    for _, t in ipairs(taken) do
        parts[#parts + 1] = string.format("%s x%d%s", t.key, t.count, t.exactId and string.format(" #%d", t.exactId) or "")
    end
    return table.concat(parts, ", ")
end

describe("core consume", function()
    it("takes every ingredient in one transaction and returns the records to spawn", function()
        local store, events = newStore()
        insert(store, record("steel"), 5)
        insert(store, record("copper"), 3)
        local before = #events
        local result = consume(store, "main", "fabricator:1", { ingredients = {
            { identifiers = { "steel" }, amount = 2 },
            { identifiers = { "Copper" }, amount = 3 },
        } })
        assert.is_true(result.ok, result.message)
        assert.are.equal(before + 1, #events)          -- one transaction, one event
        assert.are.equal("fabricator:1", events[#events].source)
        assert.are.equal("steel#0 x2, copper#0 x3", takenSummary(result.value.taken))
        assert.are.equal(5, result.value.plan.units)
        local db = store:database("main")
        assert.are.equal(3, db:amount("steel#0"))
        assert.are.equal(0, db:amount("copper#0"))
        assertHealthy(store)
    end)

    it("takes nothing when any ingredient is short, even by one unit", function()
        local store, events = newStore()
        insert(store, record("steel"), 5)
        insert(store, record("copper"), 2)
        local refused = assertRefused(store, events, "insufficient", { ingredients = {
            { identifiers = { "steel" }, amount = 5 },
            { identifiers = { "copper" }, amount = 3 },
        } })
        assert.truthy(refused.message:find("2 of 3", 1, true))
    end)

    it("resolves tag ingredients through the host and counts units across identifiers", function()
        local store, events = newStore()
        insert(store, record("weldingfueltank"), 1)
        insert(store, record("incendiumfueltank"), 1)
        local result = consume(store, "main", "spec", { ingredients = { { tags = { "weldingfuel" }, amount = 2 } } }, resolver)
        assert.is_true(result.ok, result.message)
        assert.are.equal("incendiumfueltank#0 x1, weldingfueltank#0 x1", takenSummary(result.value.taken))
        -- A tag ingredient without a resolver is refused, not guessed.
        insert(store, record("weldingfueltank"), 1)
        local before = inspect.dumpStore(store)
        local noResolver = consume(store, "main", "spec", { ingredients = { { tags = { "weldingfuel" }, amount = 1 } } })
        assert.is_false(noResolver.ok)
        assert.are.equal("no_resolver", noResolver.code)
        assert.are.equal(before, inspect.dumpStore(store))
        -- A tag nothing carries: nothing matches.
        assertRefused(store, events, "insufficient", { ingredients = { { tags = { "nosuchtag" }, amount = 1 } } })
    end)

    it("does not let a broad ingredient eat what a specific one needs", function()
        local store = newStore()
        insert(store, record("steel"), 2)
        insert(store, record("copper"), 1)
        -- Listed first, the tag ingredient could take both steel; planning the narrow one first works.
        local result = consume(store, "main", "spec", { ingredients = {
            { tags = { "metal" }, amount = 1 },
            { identifiers = { "steel" }, amount = 2 },
        } }, resolver)
        assert.is_true(result.ok, result.message)
        assert.are.equal("copper#0 x1, steel#0 x2", takenSummary(result.value.taken))
    end)

    it("respects condition ranges, with plain units at 100 percent", function()
        local store, events = newStore()
        insert(store, record("oxygentank"), 1)
        local ids = {}
        for _, c in ipairs({ 0, 10, 55, 90 }) do ids[c] = insert(store, record("oxygentank", c))[1] end
        -- 50..95: only the 55 and 90 tanks.
        local mid = consume(store, "main", "spec", { ingredients = {
            { identifiers = { "oxygentank" }, amount = 2, minCondition = 50, maxCondition = 95 } } })
        assert.is_true(mid.ok, mid.message)
        assert.are.equal(string.format("oxygentank#0 x1 #%d, oxygentank#0 x1 #%d", ids[55], ids[90]), takenSummary(mid.value.taken))
        -- 1..100 with two wanted: the plain unit and the 10 percent one; the empty tank never.
        local usable = consume(store, "main", "spec", { ingredients = {
            { identifiers = { "oxygentank" }, amount = 2, minCondition = 1 } } })
        assert.is_true(usable.ok, usable.message)
        assert.are.equal(string.format("oxygentank#0 x1, oxygentank#0 x1 #%d", ids[10]), takenSummary(usable.value.taken))
        assertRefused(store, events, "insufficient", { ingredients = {
            { identifiers = { "oxygentank" }, amount = 1, minCondition = 1 } } })
    end)

    it("orders by preference: best, worst, oldest", function()
        local function setup()
            local store = newStore()
            local a = insert(store, record("wrench", 40))[1]
            local b = insert(store, record("wrench", 80))[1]
            insert(store, record("wrench"), 1)
            local c = insert(store, record("wrench", 60, 1))[1]
            return store, a, b, c
        end
        local store, a, b, c = setup()
        local best = consume(store, "main", "spec", { ingredients = { { identifiers = { "wrench" }, amount = 2, prefer = "best" } } })
        assert.are.equal(string.format("wrench#0 x1, wrench#0 x1 #%d", b), takenSummary(best.value.taken))
        store, a, b, c = setup()
        local worst = consume(store, "main", "spec", { ingredients = { { identifiers = { "wrench" }, amount = 2, prefer = "worst" } } })
        assert.are.equal(string.format("wrench#0 x1 #%d, wrench#1 x1 #%d", a, c), takenSummary(worst.value.taken))
        store, a, b, c = setup()
        local oldest = consume(store, "main", "spec", { ingredients = { { identifiers = { "wrench" }, amount = 3, prefer = "oldest" } } })
        assert.are.equal(string.format("wrench#0 x1 #%d, wrench#0 x1 #%d, wrench#1 x1 #%d", a, b, c), takenSummary(oldest.value.taken))
        -- Only quality 1 accepted.
        store, a, b, c = setup()
        local q1 = consume(store, "main", "spec", { ingredients = { { identifiers = { "wrench" }, amount = 1, qualities = { 1 } } } })
        assert.are.equal(string.format("wrench#1 x1 #%d", c), takenSummary(q1.value.taken))
    end)

    it("never takes leased units, and never the same unit for two ingredients", function()
        local store, events = newStore()
        insert(store, record("steel"), 3)
        local damaged = insert(store, record("steel", 50))[1]
        local lease = store:openLease("main", "terminal:1").value
        local moved = store:transaction("main", "terminal"):leaseOut(lease.id, "steel#0", 2):leaseOutExact(lease.id, damaged):commit()
        assert.is_true(moved.ok, moved.message)
        assertRefused(store, events, "insufficient", { ingredients = { { identifiers = { "steel" }, amount = 2 } } })
        assertRefused(store, events, "insufficient", { ingredients = {
            { identifiers = { "steel" }, amount = 1 }, { identifiers = { "steel" }, amount = 1 } } })
        local one = consume(store, "main", "spec", { ingredients = { { identifiers = { "steel" }, amount = 1 } } })
        assert.is_true(one.ok, one.message)
        assert.are.equal(3, store:database("main"):leasedOf("steel#0")) -- 2 counted + the damaged one
        assertHealthy(store)
    end)

    it("skips exact entries that hold other items unless asked", function()
        local store, events = newStore()
        insert(store, record("toolbox", 100, 0, { { container = 0, slot = 0, record = record("wrench") } }))
        assertRefused(store, events, "insufficient", { ingredients = { { identifiers = { "toolbox" }, amount = 1 } } })
        local result = consume(store, "main", "spec", { ingredients = { { identifiers = { "toolbox" }, amount = 1, allowContents = true } } })
        assert.is_true(result.ok, result.message)
        assert.are.equal(1, #result.value.taken[1].record.contents)
    end)

    it("moves units into a lease instead of taking them when asked", function()
        local store = newStore()
        insert(store, record("steel"), 4)
        local lease = store:openLease("main", "spawn:restocker").value
        local result = consume(store, "main", "restocker:1", { ingredients = { { identifiers = { "steel" }, amount = 3 } } }, nil, lease.id)
        assert.is_true(result.ok, result.message)
        assert.are.equal(0, #result.value.taken)
        assert.are.equal(3, store:database("main"):leasedOf("steel#0"))
        assert.are.equal(1, store:amount("main", "steel#0"))
        assertHealthy(store)
    end)

    it("refuses bad requests and changes nothing", function()
        local store, events = newStore()
        insert(store, record("steel"), 5)
        for _, amount in ipairs({ 0, -1, 1.5, 1e9, 0 / 0, "2" }) do
            assertRefused(store, events, "invalid_amount", { ingredients = { { identifiers = { "steel" }, amount = amount } } })
        end
        assertRefused(store, events, "invalid_request", { ingredients = {} })
        assertRefused(store, events, "invalid_request", { ingredients = { { amount = 1 } } })
        assertRefused(store, events, "invalid_identifier", { ingredients = { { identifiers = { "st#eel" }, amount = 1 } } })
        assertRefused(store, events, "invalid_condition", { ingredients = { { identifiers = { "steel" }, amount = 1, minCondition = 80, maxCondition = 20 } } })
        assertRefused(store, events, "invalid_condition", { ingredients = { { identifiers = { "steel" }, amount = 1, maxCondition = 101 } } })
        assertRefused(store, events, "invalid_preference", { ingredients = { { identifiers = { "steel" }, amount = 1, prefer = "random" } } })
        assertRefused(store, events, "invalid_quality", { ingredients = { { identifiers = { "steel" }, amount = 1, qualities = { 0.5 } } } })
        -- Each amount within range, the sum not.
        local many = {}
        for i = 1, 3 do many[i] = { identifiers = { "steel" }, amount = 2000 } end
        assertRefused(store, events, "invalid_amount", { ingredients = many })
        local unknown = consume(store, "nowhere", "spec", { ingredients = { { identifiers = { "steel" }, amount = 1 } } })
        assert.are.equal("unknown_database", unknown.code)
        store:setReadOnly("main", "spec")
        assertRefused(store, events, "read_only", { ingredients = { { identifiers = { "steel" }, amount = 1 } } })
    end)

    it("plans without changing anything", function()
        local store, events = newStore()
        insert(store, record("steel"), 5)
        local before, count = inspect.dumpStore(store), #events
        local plan = planConsume(store, "main", { ingredients = { { identifiers = { "steel" }, amount = 4 } } })
        assert.is_true(plan.ok, plan.message)
        assert.are.equal(4, plan.value.units)
        assert.are.equal(before, inspect.dumpStore(store))
        assert.are.equal(count, #events)
    end)

    it("looks only at candidate keys: cost does not grow with the store", function()
        -- Count database lookups made while planning, at 10 and at 2000 other keys; the whole-store
        -- listings must never be called.
        local WHOLE = { offeredKeys = true, heldKeyList = true, aggregatedList = true, exactList = true, parkedKeyList = true }
        local wholeCalls = {}
        local function lookups(otherKeys)
            local store = newStore()
            local tx = store:transaction("main", "setup")
            for i = 1, otherKeys do tx:insertCount(string.format("filler%d#0", i), 1) end
            tx:insertCount("steel#0", 3)
            assert.is_true(tx:commit().ok)
            local db = store:database("main")
            local calls = 0
            local mt = getmetatable(db)
            local proxy = setmetatable({}, { __index = function(_, k)
                local v = db[k]
                if type(v) == "function" then
                    if WHOLE[k] then wholeCalls[#wholeCalls + 1] = k end
                    return function(_, ...) calls = calls + 1; return v(db, ...) end
                end
                return v
            end })
            local original = store.database
            store.database = function() return proxy end
            local plan = planConsume(store, "main", { ingredients = { { identifiers = { "steel" }, amount = 2 } } })
            store.database = original
            assert.is_true(plan.ok, plan.message)
            assert.is_table(mt)
            return calls
        end
        assert.are.equal(lookups(10), lookups(2000))
        assert.are.same({}, wholeCalls)
    end)
end)
