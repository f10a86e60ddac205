-- Terminal leases: units leave Working for a terminal page, come back exactly once, or are
-- consumed when a player takes them out. Epochs fence late and repeated calls.
local new = require("kits.classes").new
local DatabaseStore = require("core.store").DatabaseStore
local inspect = require("core.inspect")
local verify = require("core.verify").verify

local function damaged(identifier, condition)
    return { identifier = identifier, quality = 0, condition = condition, stolen = false, outpost = "", contents = {} }
end

local function newStore()
    local store = new(DatabaseStore, {})
    store:rebuild({ { anchorId = 1, dbId = "main", blob = "" }, { anchorId = 2, dbId = "other", blob = "" } })
    local events = {}
    store:subscribe(function(event) events[#events + 1] = event end)
    assert.is_true(store:transaction("main", "setup"):insertCount("steel#0", 10):insert(damaged("wrench", 40), 3):commit().ok)
    return store, events
end

local function run(store, build, dbId)
    local tx = store:transaction(dbId or "main", "terminal")
    build(tx)
    return tx:commit()
end

local function mustRun(store, build)
    local result = run(store, build)
    assert.is_true(result.ok, result.message)
    return result.value
end

local function assertRefused(store, events, code, build, dbId)
    local before = inspect.dumpStore(store)
    local count = #events
    local result = run(store, build, dbId)
    assert.is_false(result.ok)
    assert.are.equal(code, result.code)
    assert.are.equal(before, inspect.dumpStore(store))
    assert.are.equal(count, #events)
end

local function open(store, owner)
    local result = store:openLease("main", owner or "terminal:7")
    assert.is_true(result.ok, result.message)
    return result.value
end

local function assertHealthy(store)
    for _, id in ipairs({ "main", "other" }) do
        local lines = {}
        for _, f in ipairs(verify(store, id)) do lines[#lines + 1] = f.kind .. ": " .. f.message end
        assert.are.equal("", table.concat(lines, "\n"))
    end
end

describe("core leases", function()
    it("opens leases with unique, increasing ids at epoch 1", function()
        local store = newStore()
        local a = open(store)
        local b = open(store, "terminal:8")
        assert.are.equal(1, a.epoch)
        assert.is_true(b.id > a.id)
        assert.are.equal("unknown_database", store:openLease("nowhere", "t").code)
        assert.are.equal("invalid_owner", store:openLease("main", "").code)
    end)

    it("moves units out of Working so nobody else can take them", function()
        local store, events = newStore()
        local lease = open(store)
        local value = mustRun(store, function(tx) tx:leaseOut(lease.id, "steel#0", 6):leaseOutExact(lease.id, 2) end)
        local db = store:database("main")
        assert.are.equal(4, db:amount("steel#0"))
        assert.are.equal(2, db:amount("wrench#0"))
        assert.are.equal(7, db:leasedTotal())
        assert.are.equal(13, db:heldTotal())
        assert.are.equal(2, db:leaseHolding(2) and 2 or 0)
        assert.are.same({
            { key = "steel#0", before = 10, after = 4 },
            { key = "wrench#0", before = 3, after = 2 },
        }, value.event.changes)
        -- automation cannot reach leased units
        assertRefused(store, events, "insufficient", function(tx) tx:take("steel#0", 5) end)
        assertRefused(store, events, "leased", function(tx) tx:takeExact(2) end)
        -- nor can another terminal
        local other = open(store, "terminal:9")
        assertRefused(store, events, "leased", function(tx) tx:leaseOutExact(other.id, 2) end)
        assertRefused(store, events, "insufficient", function(tx) tx:leaseOut(other.id, "steel#0", 5) end)
        assertHealthy(store)
    end)

    it("returns units in part, and refuses returning more than is leased", function()
        local store, events = newStore()
        local lease = open(store)
        mustRun(store, function(tx) tx:leaseOut(lease.id, "steel#0", 6):leaseOutExact(lease.id, 1) end)
        mustRun(store, function(tx) tx:returnFromLease(lease.id, lease.epoch, "steel#0", 2) end)
        assert.are.equal(6, store:amount("main", "steel#0"))
        assertRefused(store, events, "not_leased", function(tx) tx:returnFromLease(lease.id, lease.epoch, "steel#0", 5) end)
        assertRefused(store, events, "not_leased", function(tx) tx:returnFromLease(lease.id, lease.epoch, "copper#0", 1) end)
        assertRefused(store, events, "not_leased", function(tx) tx:returnExactFromLease(lease.id, lease.epoch, 2) end)
        assertRefused(store, events, "not_leased", function(tx)
            tx:returnExactFromLease(lease.id, lease.epoch, 1):returnExactFromLease(lease.id, lease.epoch, 1)
        end)
        mustRun(store, function(tx) tx:returnExactFromLease(lease.id, lease.epoch, 1) end)
        assert.are.equal(3, store:amount("main", "wrench#0"))
        assertHealthy(store)
    end)

    it("consumes units for good when a player takes them out of the terminal", function()
        local store, events = newStore()
        local lease = open(store)
        mustRun(store, function(tx) tx:leaseOut(lease.id, "steel#0", 4):leaseOutExact(lease.id, 3) end)
        local value = mustRun(store, function(tx)
            tx:consumeFromLease(lease.id, lease.epoch, "steel#0", 3):consumeExactFromLease(lease.id, lease.epoch, 3)
        end)
        -- nothing left Working, so no available amount changed; the version still moves
        assert.are.same({}, value.event.changes)
        assert.are.equal(0, #value.taken)
        local db = store:database("main")
        assert.are.equal(1, db:leasedTotal())
        assert.are.equal(6 + 2 + 1, db:heldTotal())
        assertRefused(store, events, "not_leased", function(tx) tx:consumeFromLease(lease.id, lease.epoch, "steel#0", 2) end)
        assertRefused(store, events, "not_leased", function(tx) tx:consumeExactFromLease(lease.id, lease.epoch, 3) end)
        assertHealthy(store)
    end)

    it("closes a lease by returning what it still holds, exactly once", function()
        local store, events = newStore()
        local lease = open(store)
        mustRun(store, function(tx) tx:leaseOut(lease.id, "steel#0", 5):leaseOutExact(lease.id, 1):leaseOutExact(lease.id, 2) end)
        mustRun(store, function(tx) tx:consumeFromLease(lease.id, lease.epoch, "steel#0", 1):consumeExactFromLease(lease.id, lease.epoch, 2) end)
        local closed = store:closeLease(lease.id, lease.epoch, "terminal closed")
        assert.is_true(closed.ok, closed.message)
        assert.are.same({
            { key = "steel#0", before = 5, after = 9 },
            { key = "wrench#0", before = 1, after = 2 },
        }, closed.value.event.changes)
        local db = store:database("main")
        assert.are.equal(0, db:leasedTotal())
        assert.are.same({ 1, 3 }, db:exactIdsOf("wrench#0"))
        assert.is_nil(store:lease(lease.id))
        local before = inspect.dumpStore(store)
        local again = store:closeLease(lease.id, lease.epoch, "late close")
        assert.are.equal("lease_closed", again.code)
        assert.are.equal(before, inspect.dumpStore(store))
        assertRefused(store, events, "lease_closed", function(tx) tx:returnFromLease(lease.id, lease.epoch, "steel#0", 1) end)
        assertRefused(store, events, "lease_closed", function(tx) tx:leaseOut(lease.id, "steel#0", 1) end)
        assertRefused(store, events, "lease_closed", function(tx) tx:closeLease(lease.id, lease.epoch) end)
        assertRefused(store, events, "unknown_lease", function(tx) tx:closeLease(999, 1) end)
        assert.are.equal("unknown_lease", store:closeLease(999, 1, "x").code)
        assertHealthy(store)
    end)

    it("closes in the same transaction that leased, and refuses a double close in one transaction", function()
        local store, events = newStore()
        local lease = open(store)
        mustRun(store, function(tx) tx:leaseOut(lease.id, "steel#0", 5):leaseOutExact(lease.id, 2):closeLease(lease.id, lease.epoch) end)
        assert.are.equal(10, store:amount("main", "steel#0"))
        assert.are.equal(0, store:database("main"):leasedTotal())
        local second = open(store)
        assertRefused(store, events, "lease_closed", function(tx)
            tx:leaseOut(second.id, "steel#0", 1):closeLease(second.id, second.epoch):closeLease(second.id, second.epoch)
        end)
        assertHealthy(store)
    end)

    it("renews a lease: everything returns, the epoch moves on and the old epoch is fenced", function()
        local store, events = newStore()
        local lease = open(store)
        mustRun(store, function(tx) tx:leaseOut(lease.id, "steel#0", 5):leaseOutExact(lease.id, 2) end)
        mustRun(store, function(tx) tx:renewLease(lease.id, lease.epoch):leaseOut(lease.id, "steel#0", 2) end)
        local renewed = store:lease(lease.id)
        assert.are.equal(lease.epoch + 1, renewed.epoch)
        assert.are.equal(2, renewed.units)
        assert.are.equal(8, store:amount("main", "steel#0"))
        assert.are.equal(3, store:amount("main", "wrench#0"))
        assertRefused(store, events, "stale_epoch", function(tx) tx:returnFromLease(lease.id, lease.epoch, "steel#0", 1) end)
        assertRefused(store, events, "stale_epoch", function(tx) tx:consumeFromLease(lease.id, lease.epoch, "steel#0", 1) end)
        assertRefused(store, events, "stale_epoch", function(tx) tx:closeLease(lease.id, lease.epoch) end)
        assertRefused(store, events, "stale_epoch", function(tx) tx:closeLease(lease.id, lease.epoch + 2) end)
        assertRefused(store, events, "stale_epoch", function(tx) tx:renewLease(lease.id, 0) end)
        assertRefused(store, events, "stale_epoch", function(tx)
            tx:renewLease(lease.id, lease.epoch + 1):returnFromLease(lease.id, lease.epoch + 1, "steel#0", 1)
        end)
        assert.is_true(store:closeLease(lease.id, lease.epoch + 1, "done").ok)
        assert.are.equal(10, store:amount("main", "steel#0"))
        assertHealthy(store)
    end)

    it("refuses a lease of another database", function()
        local store, events = newStore()
        assert.is_true(store:transaction("other", "setup"):insertCount("steel#0", 3):commit().ok)
        local foreign = store:openLease("other", "terminal:1").value
        assertRefused(store, events, "lease_mismatch", function(tx) tx:leaseOut(foreign.id, "steel#0", 1) end)
        assertRefused(store, events, "unknown_lease", function(tx) tx:leaseOut(0, "steel#0", 1) end)
        assertRefused(store, events, "unknown_lease", function(tx) tx:leaseOut(12345, "steel#0", 1) end)
    end)

    it("lets any number of terminals hold leases on one database at once", function()
        local store = newStore()
        local leases = {}
        for i = 1, 5 do
            leases[i] = open(store, "terminal:" .. i)
            mustRun(store, function(tx) tx:leaseOut(leases[i].id, "steel#0", 2) end)
        end
        assert.are.equal(0, store:amount("main", "steel#0"))
        assert.are.equal(5, #store:leasesOf("main"))
        for i = 5, 1, -1 do
            assert.is_true(store:closeLease(leases[i].id, leases[i].epoch, "close").ok)
        end
        assert.are.equal(10, store:amount("main", "steel#0"))
        assertHealthy(store)
    end)

    it("returns leased units even when limits were lowered meanwhile", function()
        local max = 100
        local store = new(DatabaseStore, { limits = function() return { maxUnits = max, maxKeys = max } end })
        store:rebuild({ { anchorId = 1, dbId = "main", blob = "" } })
        assert.is_true(store:transaction("main", "setup"):insertCount("steel#0", 10):commit().ok)
        local lease = store:openLease("main", "t").value
        mustRun(store, function(tx) tx:leaseOut(lease.id, "steel#0", 10) end)
        max = 1
        assert.is_true(store:closeLease(lease.id, lease.epoch, "close").ok)
        assert.are.equal(10, store:amount("main", "steel#0"))
    end)

    it("keeps lease ids unique across rebuilds, rollbacks and clears", function()
        local store = newStore()
        local ids = {}
        local seen = {}
        local function note(handle)
            assert.is_nil(seen[handle.id])
            seen[handle.id] = true
            ids[#ids + 1] = handle.id
        end
        note(open(store))
        store:rollback("spec")
        note(open(store))
        store:clearVolatile()
        store:rebuild({ { anchorId = 1, dbId = "main", blob = "" } })
        note(open(store))
        store:rebuild({ { anchorId = 1, dbId = "main", blob = "" } })
        note(open(store))
        for i = 2, #ids do assert.is_true(ids[i] > ids[i - 1]) end
    end)

    it("captures leased units as leased and returns them to Working when the capture is loaded", function()
        local store = newStore()
        local lease = open(store)
        mustRun(store, function(tx) tx:leaseOut(lease.id, "steel#0", 4):leaseOutExact(lease.id, 3) end)
        local captured = store:capture()
        assert.are.equal(2, #captured)
        assert.are.equal("main", captured[1].dbId)
        assert.are.equal("other", captured[2].dbId)
        local pending = store:database("main").pending.snapshot
        assert.are.same({ { "steel#0", 6 } }, pending.counts)
        assert.are.same({ { "steel#0", 4 } }, pending.leasedCounts)
        assert.are.equal(3, pending.leasedExact[1].id)
        -- the lease stays open after a capture: the round goes on
        assert.is_not_nil(store:lease(lease.id))
        store:confirmCommit()
        store:rebuild({ { anchorId = 1, dbId = "main", blob = captured[1].blob } })
        assert.are.equal(10, store:amount("main", "steel#0"))
        assert.are.equal(3, store:amount("main", "wrench#0"))
        assert.are.equal(0, store:database("main"):leasedTotal())
        assert.are.equal("lease_closed", store:closeLease(lease.id, lease.epoch, "late").code)
    end)
end)
