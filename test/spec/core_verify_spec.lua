-- verify(): a healthy store has no findings, and each kind of damage is found. The damage is
-- done by writing into the store's internal tables directly, which no API allows.
local new = require("kits.classes").new
local DatabaseStore = require("core.store").DatabaseStore
local verify = require("core.verify").verify

local function damaged(identifier, condition)
    return { identifier = identifier, quality = 0, condition = condition, stolen = false, outpost = "", contents = {} }
end

-- A busy but healthy store: aggregated and exact units, two leases, a confirmed save.
local function healthyStore()
    local store = new(DatabaseStore, {})
    store:rebuild({ { anchorId = 1, dbId = "main", blob = "" } })
    assert.is_true(store:transaction("main", "setup"):insertCount("steel#0", 10):insertCount("copper#1", 3)
        :insert(damaged("wrench", 25), 3):commit().ok)
    local a = store:openLease("main", "terminal:1").value
    local b = store:openLease("main", "terminal:2").value
    assert.is_true(store:transaction("main", "page"):leaseOut(a.id, "steel#0", 4):leaseOutExact(a.id, 2)
        :leaseOut(b.id, "copper#1", 1):commit().ok)
    local blob = store:capture()[1].blob
    store:confirmCommit()
    return store, { { anchorId = 1, blob = blob } }, a, b
end

local function kinds(findings)
    local list = {}
    for _, f in ipairs(findings) do
        assert.is_string(f.message)
        list[#list + 1] = f.kind
    end
    table.sort(list)
    return table.concat(list, ",")
end

local function has(findings, kind)
    for _, f in ipairs(findings) do
        if f.kind == kind then return true end
    end
    return false
end

describe("core verify", function()
    it("finds nothing wrong with a healthy store", function()
        local store, cores = healthyStore()
        local live = function(owner) return owner == "terminal:1" or owner == "terminal:2" end
        assert.are.equal("", kinds(verify(store, "main", cores, live)))
    end)

    it("reports an unknown database", function()
        local store = healthyStore()
        assert.are.equal("unknown_database", kinds(verify(store, "nowhere")))
    end)

    it("finds a count that is not a positive whole number", function()
        local store = healthyStore()
        store:database("main").aggregated["steel#0"] = 2.5
        local findings = verify(store, "main")
        assert.is_true(has(findings, "count"))
        assert.is_true(has(findings, "totals"))
    end)

    it("finds totals that do not match a recount", function()
        local store = healthyStore()
        local db = store:database("main")
        db.workingUnits = db.workingUnits + 1
        assert.are.equal("totals", kinds(verify(store, "main")))
        db.workingUnits = db.workingUnits - 1
        db.heldKeys = db.heldKeys + 1
        assert.are.equal("totals", kinds(verify(store, "main")))
        db.heldKeys = db.heldKeys - 1
        db.exactCounts["wrench#0"] = 5
        assert.is_true(has(verify(store, "main"), "totals"))
    end)

    it("finds an exact id held twice, at or above the next id, or missing from the index", function()
        local store, _, handle = healthyStore()
        local a = store:lease(handle.id)
        local db = store:database("main")
        -- id 1 is in Working; put a copy into lease a as well
        a.exact[1] = db.exactById[1]
        a.units = a.units + 1
        assert.is_true(has(verify(store, "main"), "exact_id"))
        a.exact[1] = nil
        a.units = a.units - 1
        db.nextExactId = 2
        assert.is_true(has(verify(store, "main"), "exact_id"))
        db.nextExactId = 4
        db.exactIdsByKey["wrench#0"][3] = nil
        assert.is_true(has(verify(store, "main"), "exact_id"))
    end)

    it("finds a lease whose books are wrong and a lease whose terminal is gone", function()
        local store, _, a, b = healthyStore()
        store:lease(a.id).units = 99
        assert.is_true(has(verify(store, "main"), "lease"))
        store:lease(a.id).units = 5
        local findings = verify(store, "main", nil, function(owner) return owner == "terminal:1" end)
        assert.are.equal("orphan_lease", kinds(findings))
        assert.is_truthy(string.find(findings[1].message, "terminal:2", 1, true))
        assert.is_not_nil(b)
    end)

    it("compares Committed with the blob in the core", function()
        local store, cores = healthyStore()
        assert.are.equal("anchor_blob", kinds(verify(store, "main", { { anchorId = 1, blob = "DBIO2;x" } })))
        assert.are.equal("anchor_blob", kinds(verify(store, "main", { { anchorId = 9, blob = cores[1].blob } })))
        -- a newer Working is fine: only Committed has to match the core
        assert.is_true(store:transaction("main", "more"):insertCount("steel#0", 1):commit().ok)
        assert.are.equal("", kinds(verify(store, "main", cores)))
        local db = store:database("main")
        db.committed = nil
        assert.is_true(has(verify(store, "main"), "committed"))
    end)

    it("checks the committed bookkeeping", function()
        local store = healthyStore()
        local db = store:database("main")
        db.commitSerial = 5
        assert.are.equal("committed", kinds(verify(store, "main")))
        db.commitSerial = 1
        db.version = 0
        assert.are.equal("committed", kinds(verify(store, "main")))
    end)

    it("reports a database without a core and cores in conflict", function()
        local store = healthyStore()
        store:detachAnchor(1)
        assert.are.equal("no_anchor", kinds(verify(store, "main")))
        store:attachAnchor({ anchorId = 1, dbId = "main", blob = "" })
        store:attachAnchor({ anchorId = 2, dbId = "main", blob = "" })
        assert.are.equal("anchor_conflict", kinds(verify(store, "main")))
    end)
end)
