-- Transaction.simulate(): the same checks as commit(), nothing applied, nothing published, and
-- the outcome commit() then gives (the same refusal code, or the same changes, taken units,
-- created ids and version).
local new = require("kits.classes").new
local DatabaseStore = require("core.store").DatabaseStore
local inspect = require("core.inspect")
local consumeMod = require("core.consume")

local function plain(identifier, quality)
    return { identifier = identifier, quality = quality or 0, condition = 100, stolen = false, outpost = "", contents = {} }
end

local function damaged(identifier, condition)
    return { identifier = identifier, quality = 0, condition = condition, stolen = false, outpost = "", contents = {} }
end

-- A store with database "main" in core 1 holding 10 steel, 3 damaged wrenches (exact ids 1..3)
-- and 4 copper, and a lease with 2 steel and wrench 3 in it.
-- `limits` apply once the setup is in place.
local function newStore(limits)
    local unknown = {}
    local current = {}
    local store = new(DatabaseStore, {
        isKnownIdentifier = function(identifier) return not unknown[identifier] end,
        limits = function() return current end,
    })
    store:rebuild({ { anchorId = 1, dbId = "main", blob = "" } })
    local tx = store:transaction("main", "setup")
    tx:insert(plain("steel"), 10)
    tx:insert(damaged("wrench", 50), 3)
    tx:insert(plain("copper"), 4)
    assert.is_true(tx:commit().ok)
    local lease = store:openLease("main", "page")
    assert.is_true(lease.ok)
    local moved = store:transaction("main", "setup"):leaseOut(lease.value.id, "steel#0", 2):leaseOutExact(lease.value.id, 3):commit()
    assert.is_true(moved.ok, moved.message)
    local events = {}
    store:subscribe(function(event) events[#events + 1] = event end)
    current = limits or {}
    return store, events, lease.value, unknown
end

local cases = {
    { name = "a plain insert", build = function(tx) tx:insert(plain("steel"), 5) end },
    { name = "a new kind", build = function(tx) tx:insertCount("iron#2", 7) end },
    { name = "exact inserts", build = function(tx) tx:insert(damaged("wrench", 20), 2) end },
    { name = "a take", build = function(tx) tx:take("steel#0", 8) end },
    { name = "a take of everything offered", build = function(tx) tx:take("copper#0", 4) end },
    { name = "a take of an exact entry", build = function(tx) tx:takeExact(2) end },
    { name = "a take using units inserted before it", build = function(tx) tx:insert(plain("copper"), 3):take("copper#0", 7) end },
    { name = "a lease out and a consume", build = function(tx, l) tx:leaseOut(l.id, "copper#0", 2):consumeFromLease(l.id, l.epoch, "copper#0", 1) end },
    { name = "a lease close", build = function(tx, l) tx:closeLease(l.id, l.epoch) end },
    { name = "a lease renew", build = function(tx, l) tx:renewLease(l.id, l.epoch) end },
    { name = "a return of a leased exact entry", build = function(tx, l) tx:returnExactFromLease(l.id, l.epoch, 3) end },
    { name = "too much taken", code = "insufficient", build = function(tx) tx:take("steel#0", 9) end },
    { name = "an unknown key", code = "unknown_key", build = function(tx) tx:take("gold#0", 1) end },
    { name = "a leased exact entry", code = "leased", build = function(tx) tx:takeExact(3) end },
    { name = "an unknown exact entry", code = "unknown_exact", build = function(tx) tx:takeExact(99) end },
    { name = "a second take of one exact entry", code = "unknown_exact", build = function(tx) tx:takeExact(1):takeExact(1) end },
    { name = "a bad amount", code = "invalid_amount", build = function(tx) tx:take("steel#0", 0) end },
    { name = "nothing staged", code = "empty", build = function() end },
    { name = "a stale epoch", code = "stale_epoch", build = function(tx, l) tx:returnFromLease(l.id, l.epoch + 1, "steel#0", 1) end },
    { name = "more than the lease holds", code = "not_leased", build = function(tx, l) tx:consumeFromLease(l.id, l.epoch, "steel#0", 3) end },
    { name = "a closed lease", code = "lease_closed", build = function(tx, l) tx:closeLease(l.id, l.epoch):renewLease(l.id, l.epoch) end },
    { name = "an item that is not loaded", code = "unknown_item", setup = function(_, unknown) unknown.ghost = true end, build = function(tx) tx:insert(plain("ghost"), 1) end },
    { name = "a parked key", code = "parked", setup = function(store, unknown)
        unknown.copper = true
        store:refreshKnownIdentifiers()
    end, build = function(tx) tx:take("copper#0", 1) end },
    { name = "a return of a parked key", setup = function(store, unknown)
        unknown.steel = true
        store:refreshKnownIdentifiers()
    end, build = function(tx, l) tx:returnFromLease(l.id, l.epoch, "steel#0", 2):insertCount("copper#0", 1) end },
    { name = "the unit limit", code = "unit_limit", limits = { maxUnits = 20 },
      build = function(tx) tx:insert(plain("steel"), 4) end },
    { name = "a take under the unit limit", limits = { maxUnits = 1 },
      build = function(tx) tx:take("steel#0", 1) end },
    { name = "the key limit", code = "key_limit", limits = { maxKeys = 3 },
      build = function(tx) tx:insertCount("iron#0", 1) end },
    { name = "a read-only database", code = "read_only", setup = function(store) store:setReadOnly("main", "spec") end,
      build = function(tx) tx:insert(plain("steel"), 1) end },
    { name = "a database without a core", code = "no_anchor", setup = function(store) store:detachAnchor(1) end,
      build = function(tx) tx:insert(plain("steel"), 1) end },
    { name = "a take from a database without a core", setup = function(store) store:detachAnchor(1) end,
      build = function(tx) tx:take("steel#0", 1) end },
}

describe("Transaction.simulate", function()
    for _, case in ipairs(cases) do
        it("agrees with commit and changes nothing: " .. case.name, function()
            local store, events, lease, unknown = newStore(case.limits)
            if case.setup then case.setup(store, unknown) end
            local tx = store:transaction("main", "spec")
            case.build(tx, lease)
            local before = inspect.dumpStore(store)
            local eventCount = #events

            local simulated = tx:simulate()
            assert.are.equal(before, inspect.dumpStore(store))
            assert.are.equal(eventCount, #events)
            -- Twice: simulating leaves the transaction as it was.
            local again = tx:simulate()
            assert.are.same(simulated, again)
            assert.are.equal(before, inspect.dumpStore(store))

            local committed = tx:commit()
            assert.are.equal(case.code == nil, simulated.ok, simulated.message)
            assert.are.equal(simulated.ok, committed.ok)
            if not simulated.ok then
                assert.are.equal(case.code, simulated.code)
                assert.are.equal(simulated.code, committed.code)
                assert.are.equal(simulated.message, committed.message)
                assert.are.equal(before, inspect.dumpStore(store))
                assert.are.equal(eventCount, #events)
                return
            end
            local event = committed.value.event
            assert.are.equal(eventCount + 1, #events)
            assert.are.same(event.changes, simulated.value.changes)
            assert.are.equal(event.version, simulated.value.version)
            assert.are.equal(event.db, simulated.value.db)
            assert.are.same(committed.value.taken, simulated.value.taken)
            assert.are.same(committed.value.created, simulated.value.created)
            assert.are.not_equal(before, inspect.dumpStore(store))
        end)
    end

    local requests = {
        { name = "plain units", request = { ingredients = { { identifiers = { "steel" }, amount = 5 } } } },
        { name = "every offered unit", request = { ingredients = { { identifiers = { "steel" }, amount = 8 } } } },
        { name = "exact entries", request = { ingredients = { { identifiers = { "wrench" }, amount = 2, maxCondition = 60 } } } },
        { name = "two ingredients", request = { ingredients = {
            { identifiers = { "steel" }, amount = 3 }, { identifiers = { "copper", "steel" }, amount = 9 } } } },
        { name = "too many", code = "insufficient", request = { ingredients = { { identifiers = { "wrench" }, amount = 3 } } } },
        { name = "nothing", code = "invalid_request", request = { ingredients = {} } },
        { name = "a parked key", code = "insufficient", parked = "copper",
          request = { ingredients = { { identifiers = { "copper" }, amount = 1 } } } },
    }
    for _, case in ipairs(requests) do
        it("is what a consume plan runs: " .. case.name, function()
            local store, events, _, unknown = newStore()
            if case.parked then
                unknown[case.parked] = true
                store:refreshKnownIdentifiers()
            end
            local before = inspect.dumpStore(store)
            local eventCount = #events
            local planned = consumeMod.planConsume(store, "main", case.request)
            assert.are.equal(before, inspect.dumpStore(store))
            assert.are.equal(eventCount, #events)
            local done = consumeMod.consume(store, "main", "spec", case.request)
            assert.are.equal(case.code == nil, planned.ok, planned.message)
            assert.are.equal(planned.ok, done.ok)
            if planned.ok then
                assert.are.same(planned.value, done.value.plan)
            else
                assert.are.equal(case.code, planned.code)
                assert.are.equal(planned.code, done.code)
            end
        end)
    end

    it("is refused like commit once the transaction is finished", function()
        local store = newStore()
        local tx = store:transaction("main", "spec"):take("steel#0", 1)
        assert.is_true(tx:commit().ok)
        local simulated = tx:simulate()
        assert.is_false(simulated.ok)
        assert.are.equal("finished", simulated.code)
    end)
end)
