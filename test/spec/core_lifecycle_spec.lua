-- The round lifecycle of the store: rebuild from the Database Cores, capture, confirmed commit,
-- rollback, conflicts between cores, unreadable blobs, cores placed and removed mid-round.
local new = require("kits.classes").new
local DatabaseStore = require("core.store").DatabaseStore
local codec = require("core.codec")
local inspect = require("core.inspect")
local verify = require("core.verify").verify

local function damaged(identifier, condition)
    return { identifier = identifier, quality = 0, condition = condition, stolen = false, outpost = "", contents = {} }
end

local function snapshot(fields)
    return {
        id = fields.id or "main",
        version = fields.version or 1,
        commitSerial = fields.commitSerial or 0,
        nextExactId = fields.nextExactId or 1,
        counts = fields.counts or {},
        exact = fields.exact or {},
        leasedCounts = fields.leasedCounts or {},
        leasedExact = fields.leasedExact or {},
    }
end

local function blobOf(fields)
    return codec.encodeSnapshot(snapshot(fields))
end

local readFile = require("kits.files").read

local function newStore(anchors)
    local store = new(DatabaseStore, {})
    local events = {}
    store:subscribe(function(event) events[#events + 1] = event end)
    local report = store:rebuild(anchors or { { anchorId = 1, dbId = "main", blob = "" } })
    return store, events, report
end

local function mustCommit(store, build, dbId)
    local tx = store:transaction(dbId or "main", "spec")
    build(tx)
    local result = tx:commit()
    assert.is_true(result.ok, result.message)
    return result.value
end

local function findingsOf(store, dbId, cores)
    local lines = {}
    for _, f in ipairs(verify(store, dbId or "main", cores)) do lines[#lines + 1] = f.kind .. ": " .. f.message end
    return table.concat(lines, "\n")
end

-- The database as a reload would see it: Working with leased units folded back in.
local function folded(store, dbId)
    local s = store:snapshotFor(dbId or "main")
    local counts = {}
    for _, pair in ipairs(s.counts) do counts[pair[1]] = (counts[pair[1]] or 0) + pair[2] end
    for _, pair in ipairs(s.leasedCounts) do counts[pair[1]] = (counts[pair[1]] or 0) + pair[2] end
    local exact = {}
    for _, e in ipairs(s.exact) do exact[e.id] = e.record.condition end
    for _, e in ipairs(s.leasedExact) do exact[e.id] = e.record.condition end
    return { version = s.version, serial = s.commitSerial, next = s.nextExactId, counts = counts, exact = exact }
end

describe("core lifecycle", function()
    describe("rebuild", function()
        it("starts an empty core as a new, empty database", function()
            local store, _, report = newStore({ { anchorId = 4, dbId = "  Main ", blob = "" } })
            assert.are.equal(1, #report.databases)
            local db = report.databases[1]
            assert.are.equal("main", db.dbId)
            assert.are.equal(4, db.anchorId)
            assert.are.equal("new", db.state)
            assert.is_false(db.migrated)
            assert.are.equal(0, store:database("main"):heldTotal())
            assert.are.equal("", findingsOf(store, "main", { { anchorId = 4, blob = "" } }))
        end)

        it("loads Committed and Working from a blob, with leased units back in Working", function()
            local blob = blobOf({
                version = 7, commitSerial = 3, nextExactId = 5,
                counts = { { "steel#0", 4 } }, exact = { { id = 2, record = damaged("wrench", 30) } },
                leasedCounts = { { "steel#0", 6 }, { "copper#0", 1 } }, leasedExact = { { id = 4, record = damaged("wrench", 60) } },
            })
            local store, events, report = newStore({ { anchorId = 9, dbId = "main", blob = blob } })
            assert.are.equal("loaded", report.databases[1].state)
            assert.are.equal(7, report.databases[1].version)
            assert.are.equal(3, report.databases[1].commitSerial)
            local db = store:database("main")
            assert.are.equal(10, db:amount("steel#0"))
            assert.are.equal(1, db:amount("copper#0"))
            assert.are.same({ 2, 4 }, db:exactIdsOf("wrench#0"))
            assert.are.equal(0, db:leasedTotal())
            assert.are.equal(7, db.version)
            assert.are.equal(5, db.nextExactId)
            assert.are.equal("", findingsOf(store, "main", { { anchorId = 9, blob = blob } }))
            -- watchers hear a reset with every key that appeared
            local last = events[#events]
            assert.is_true(last.reset)
            assert.are.equal(3, #last.changes)
        end)

        it("migrates an older schema and reports what the backup needs", function()
            local old = readFile("test/fixtures/blobs/schema1_basic.blob")
            local store, _, report = newStore({ { anchorId = 2, dbId = "main", blob = old } })
            local db = report.databases[1]
            assert.are.equal("loaded", db.state)
            assert.is_true(db.migrated)
            assert.are.equal(1, db.migratedFrom)
            assert.are.equal(old, db.originalBlob)
            assert.are.equal(120, store:amount("main", "steel#0"))
            assert.are.equal("", findingsOf(store, "main", { { anchorId = 2, blob = old } }))
            -- the next capture writes today's schema
            local captured = store:capture()
            assert.are.equal("DBIO2;", string.sub(captured[1].blob, 1, 6))
        end)

        it("makes a database with an unreadable blob read-only and keeps the blob untouched", function()
            local good = blobOf({ counts = { { "steel#0", 5 } } })
            local broken = string.sub(good, 1, #good - 1) .. (string.sub(good, -1) == "0" and "1" or "0")
            local store, _, report = newStore({ { anchorId = 3, dbId = "main", blob = broken } })
            local db = report.databases[1]
            assert.are.equal("read_only", db.state)
            assert.is_truthy(string.find(db.readOnlyReason, "core 3", 1, true))
            assert.is_truthy(string.find(report.messages[1], "READ-ONLY", 1, true))
            assert.are.equal(broken, store:database("main").keptBlob)
            assert.are.equal("read_only", store:transaction("main", "spec"):insertCount("steel#0", 1):commit().code)
            -- nothing is written into its core, so nothing is wiped
            assert.are.same({}, store:capture())
            assert.are.same({}, store:captureVolatile())
            local findings = verify(store, "main", { { anchorId = 3, blob = broken } })
            assert.are.equal(1, #findings)
            assert.are.equal("read_only", findings[1].kind)
            assert.are.equal("anchor_blob", verify(store, "main", { { anchorId = 3, blob = good } })[2].kind)
        end)

        it("treats a decodable blob that breaks the store's rules as unreadable", function()
            local odd = blobOf({ counts = { { "Steel#0", 5 } } })
            local _, _, report = newStore({ { anchorId = 3, dbId = "main", blob = odd } })
            assert.are.equal("read_only", report.databases[1].state)
        end)

        it("uses the database id the core is configured for", function()
            local blob = blobOf({ id = "spare", counts = { { "steel#0", 2 } } })
            local store, _, report = newStore({ { anchorId = 3, dbId = "main", blob = blob } })
            assert.are.equal(2, store:amount("main", "steel#0"))
            assert.is_nil(store:database("spare"))
            local mentioned = false
            for _, line in ipairs(report.messages) do
                if string.find(line, "'spare'", 1, true) then mentioned = true end
            end
            assert.is_true(mentioned)
        end)

        it("replaces everything in memory, leases included", function()
            local store = newStore()
            mustCommit(store, function(tx) tx:insertCount("steel#0", 3) end)
            local lease = store:openLease("main", "t").value
            mustCommit(store, function(tx) tx:leaseOut(lease.id, "steel#0", 1) end)
            store:rebuild({ { anchorId = 5, dbId = "second", blob = "" } })
            assert.is_nil(store:database("main"))
            assert.are.same({ "second" }, store:databaseIds())
            assert.is_nil(store:lease(lease.id))
        end)
    end)

    describe("conflicts between cores", function()
        local function winnerOf(anchors)
            local store, _, report = newStore(anchors)
            return report.databases[1], store, report
        end

        it("prefers a readable blob to an empty or unreadable core", function()
            local readable = blobOf({ commitSerial = 0, version = 1, counts = { { "steel#0", 1 } } })
            local db, store = winnerOf({
                { anchorId = 1, dbId = "main", blob = "" },
                { anchorId = 2, dbId = "main", blob = "DBIO2;garbage" },
                { anchorId = 3, dbId = "main", blob = readable },
            })
            assert.are.equal(3, db.anchorId)
            assert.are.equal("loaded", db.state)
            assert.are.equal(2, #db.conflicts)
            assert.are.equal(1, db.conflicts[1].anchorId)
            assert.are.equal(2, db.conflicts[2].anchorId)
            assert.are.equal(2, #store:inertAnchors())
        end)

        it("prefers the most often saved blob even when it holds fewer items", function()
            local rich = blobOf({ commitSerial = 4, version = 90, counts = { { "steel#0", 500 } } })
            local saved = blobOf({ commitSerial = 5, version = 10, counts = { { "steel#0", 1 } } })
            local db, store = winnerOf({
                { anchorId = 1, dbId = "main", blob = rich },
                { anchorId = 2, dbId = "main", blob = saved },
            })
            assert.are.equal(2, db.anchorId)
            assert.are.equal(1, store:amount("main", "steel#0"))
            assert.is_truthy(string.find(db.conflicts[1].reason, "saved 5 times", 1, true))
        end)

        it("breaks an equal serial by the higher version, then by the lower core id, and never merges", function()
            local low = blobOf({ commitSerial = 2, version = 10, counts = { { "steel#0", 1 } } })
            local high = blobOf({ commitSerial = 2, version = 11, counts = { { "copper#0", 1 } } })
            local db, store = winnerOf({
                { anchorId = 1, dbId = "main", blob = low },
                { anchorId = 2, dbId = "main", blob = high },
            })
            assert.are.equal(2, db.anchorId)
            assert.are.equal(0, store:amount("main", "steel#0"))
            assert.are.equal(1, store:amount("main", "copper#0"))
            local same = blobOf({ commitSerial = 2, version = 10, counts = { { "iron#0", 1 } } })
            for _, order in ipairs({ { 8, 6 }, { 6, 8 } }) do
                local winner = winnerOf({
                    { anchorId = order[1], dbId = "main", blob = order[1] == 6 and low or same },
                    { anchorId = order[2], dbId = "main", blob = order[2] == 6 and low or same },
                })
                assert.are.equal(6, winner.anchorId)
            end
            -- the same anchors in any order give the same result
            local a = winnerOf({ { anchorId = 2, dbId = "main", blob = high }, { anchorId = 1, dbId = "main", blob = low } })
            assert.are.equal(2, a.anchorId)
        end)

        it("prefers an unreadable core to an empty one, so nothing looks wiped", function()
            local db = winnerOf({
                { anchorId = 1, dbId = "main", blob = "" },
                { anchorId = 2, dbId = "main", blob = "DBIO2;x" },
            })
            assert.are.equal(2, db.anchorId)
            assert.are.equal("read_only", db.state)
        end)

        it("keeps losing cores inert: reported, verified, never captured", function()
            local one = blobOf({ commitSerial = 1, counts = { { "steel#0", 1 } } })
            local two = blobOf({ commitSerial = 2, counts = { { "steel#0", 2 } } })
            local store, _, report = newStore({
                { anchorId = 1, dbId = "main", blob = one },
                { anchorId = 2, dbId = "main", blob = two },
            })
            local conflictLines = 0
            for _, line in ipairs(report.messages) do
                if string.find(line, "CONFLICT", 1, true) then conflictLines = conflictLines + 1 end
            end
            assert.are.equal(1, conflictLines)
            local captured = store:capture()
            assert.are.equal(1, #captured)
            assert.are.equal(2, captured[1].anchorId)
            local findings = verify(store, "main")
            assert.are.equal(1, #findings)
            assert.are.equal("anchor_conflict", findings[1].kind)
            -- removing the inert core clears the conflict
            assert.is_nil(store:detachAnchor(1))
            assert.are.equal("", findingsOf(store, "main"))
        end)
    end)

    describe("capture, commit and rollback", function()
        it("captures Working with the next commit serial and commits it when the save is confirmed", function()
            local store = newStore()
            mustCommit(store, function(tx) tx:insertCount("steel#0", 3) end)
            local captured = store:capture()
            assert.are.equal(1, #captured)
            assert.are.equal(1, captured[1].anchorId)
            assert.is_nil(captured[1].problem)
            local decoded = codec.decodeSnapshot(captured[1].blob)
            assert.is_true(decoded.ok)
            assert.are.equal(1, decoded.value.snapshot.commitSerial)
            local db = store:database("main")
            assert.are.equal(0, db.commitSerial)
            -- until the save is confirmed, the core holds a pending capture: that is fine for verify
            assert.are.equal("", findingsOf(store, "main", { { anchorId = 1, blob = captured[1].blob } }))
            assert.are.same({ "main" }, store:confirmCommit())
            assert.are.equal(1, db.commitSerial)
            assert.are.same({}, store:confirmCommit())
            assert.are.equal("", findingsOf(store, "main", { { anchorId = 1, blob = captured[1].blob } }))
            -- a stale core blob is a finding
            local stale = blobOf({ counts = { { "steel#0", 1 } } })
            assert.is_truthy(string.find(findingsOf(store, "main", { { anchorId = 1, blob = stale } }), "anchor_blob", 1, true))
        end)

        it("rolls Working back to the last confirmed save and drops every lease", function()
            local store, events = newStore()
            mustCommit(store, function(tx) tx:insertCount("steel#0", 3):insert(damaged("wrench", 10), 1) end)
            store:capture()
            store:confirmCommit()
            local saved = folded(store)
            local savedDump = inspect.dumpStore(store)
            mustCommit(store, function(tx) tx:insertCount("copper#0", 5):take("steel#0", 1):takeExact(1):insert(damaged("wrench", 20), 1) end)
            local lease = store:openLease("main", "t").value
            mustCommit(store, function(tx) tx:leaseOut(lease.id, "copper#0", 2) end)
            local before = #events
            assert.are.same({ "main" }, store:rollback("ended without a save"))
            assert.are.same(saved, folded(store))
            assert.are.equal(savedDump, inspect.dumpStore(store))
            assert.are.equal("lease_closed", store:closeLease(lease.id, lease.epoch, "late").code)
            local reset = events[before + 1]
            assert.is_true(reset.reset)
            assert.is_truthy(string.find(reset.source, "ended without a save", 1, true))
            -- wrench: one taken and one inserted, so its amount did not change and it is not listed
            assert.are.same({
                { key = "copper#0", before = 3, after = 0 },
                { key = "steel#0", before = 2, after = 3 },
            }, reset.changes)
            assert.are.equal("", findingsOf(store))
        end)

        it("forgets a capture that was never confirmed", function()
            local store = newStore()
            mustCommit(store, function(tx) tx:insertCount("steel#0", 3) end)
            store:capture()
            store:confirmCommit()
            local saved = inspect.dumpStore(store)
            mustCommit(store, function(tx) tx:insertCount("steel#0", 4) end)
            store:capture()
            store:rollback("the save failed")
            assert.are.equal(saved, inspect.dumpStore(store))
            assert.are.same({}, store:confirmCommit())
            assert.are.equal(3, store:amount("main", "steel#0"))
            assert.are.equal(1, store:database("main").commitSerial)
        end)

        it("replaces an unconfirmed capture with the next one", function()
            local store = newStore()
            mustCommit(store, function(tx) tx:insertCount("steel#0", 3) end)
            local first = store:capture()[1].blob
            mustCommit(store, function(tx) tx:insertCount("steel#0", 1) end)
            local second = store:capture()[1].blob
            assert.are_not.equal(first, second)
            store:confirmCommit()
            assert.are.equal(1, store:database("main").commitSerial)
            assert.are.equal("", findingsOf(store, "main", { { anchorId = 1, blob = second } }))
            store:rollback("spec")
            assert.are.equal(4, store:amount("main", "steel#0"))
        end)

        it("commits a mid-round save and rolls back only to it", function()
            local store = newStore()
            mustCommit(store, function(tx) tx:insertCount("steel#0", 3) end)
            store:capture()
            store:confirmCommit()
            mustCommit(store, function(tx) tx:insertCount("steel#0", 2) end)
            local blob = store:capture()[1].blob
            store:confirmCommit()
            mustCommit(store, function(tx) tx:insertCount("steel#0", 100) end)
            store:rollback("spec")
            assert.are.equal(5, store:amount("main", "steel#0"))
            assert.are.equal(2, store:database("main").commitSerial)
            -- and a reload of that save gives the same database
            local dump = inspect.dumpStore(store)
            store:rebuild({ { anchorId = 1, dbId = "main", blob = blob } })
            assert.are.equal(dump, inspect.dumpStore(store))
        end)

        it("captures the live state without making it pending", function()
            local store = newStore()
            mustCommit(store, function(tx) tx:insertCount("steel#0", 3) end)
            local live = store:captureVolatile()
            assert.are.equal(1, #live)
            assert.is_nil(store:database("main").pending)
            local decoded = codec.decodeSnapshot(live[1].blob).value.snapshot
            assert.are.equal(0, decoded.commitSerial)
            assert.are.equal(1, decoded.version)
            local one = store:captureOne("MAIN")
            assert.are.equal(1, codec.decodeSnapshot(one.blob).value.snapshot.commitSerial)
            assert.is_not_nil(store:database("main").pending)
            assert.is_nil(store:captureOne("nowhere"))
        end)

        it("clears every volatile thing but keeps its subscribers", function()
            local store, events = newStore()
            mustCommit(store, function(tx) tx:insertCount("steel#0", 3) end)
            store:clearVolatile()
            assert.are.same({}, store:databaseIds())
            assert.are.same({ { key = "steel#0", before = 3, after = 0 } }, events[#events].changes)
            store:rebuild({ { anchorId = 1, dbId = "main", blob = "" } })
            mustCommit(store, function(tx) tx:insertCount("steel#0", 1) end)
            assert.are.equal(1, events[#events].version)
        end)
    end)

    describe("cores placed and removed mid-round", function()
        it("creates a database for a new core and refuses a second core for it", function()
            local store = newStore({})
            local placed = store:attachAnchor({ anchorId = 5, dbId = "Main", blob = "" })
            assert.are.equal("new", placed.state)
            assert.are.equal("main", placed.dbId)
            mustCommit(store, function(tx) tx:insertCount("steel#0", 2) end)
            local again = store:attachAnchor({ anchorId = 5, dbId = "main", blob = "" })
            assert.are.equal("already", again.state)
            local second = store:attachAnchor({ anchorId = 6, dbId = "main", blob = "" })
            assert.are.equal("inert", second.state)
            assert.is_truthy(string.find(second.message, "CONFLICT", 1, true))
            assert.are.equal("anchor_conflict", verify(store, "main")[1].kind)
            -- the inert core is never written
            local captured = store:capture()
            assert.are.equal(1, #captured)
            assert.are.equal(5, captured[1].anchorId)
            -- a rollback of a database created mid-round returns it to empty
            store:rollback("spec")
            assert.are.equal(0, store:amount("main", "steel#0"))
        end)

        it("loads a placed core that carries a database", function()
            local store = newStore({})
            local blob = blobOf({ commitSerial = 2, counts = { { "steel#0", 7 } } })
            local placed = store:attachAnchor({ anchorId = 5, dbId = "main", blob = blob })
            assert.are.equal("loaded", placed.state)
            assert.are.equal(7, store:amount("main", "steel#0"))
            local broken = store:attachAnchor({ anchorId = 6, dbId = "spare", blob = "DBIO2;x" })
            assert.are.equal("read_only", broken.state)
            assert.are.equal("DBIO2;x", store:database("spare").keptBlob)
        end)

        it("keeps a database whose core was removed usable for takes and lets a core adopt it", function()
            local store = newStore({ { anchorId = 1, dbId = "main", blob = "" } })
            mustCommit(store, function(tx) tx:insertCount("steel#0", 5) end)
            local report = store:detachAnchor(1)
            assert.are.same({ dbId = "main", lostAnchorId = 1, units = 5 }, report)
            assert.are.same({ { id = "main", units = 5 } }, store:unanchoredDatabases())
            assert.are.same({}, store:capture())
            assert.are.equal("no_anchor", verify(store, "main")[1].kind)
            -- a core with other data does not replace or merge into the live database
            local other = store:attachAnchor({ anchorId = 2, dbId = "main", blob = blobOf({ counts = { { "copper#0", 9 } } }) })
            assert.are.equal("inert", other.state)
            assert.are.equal(0, store:amount("main", "copper#0"))
            -- the same core coming back adopts the live state
            local back = store:attachAnchor({ anchorId = 1, dbId = "main", blob = "" })
            assert.are.equal("adopted", back.state)
            assert.are.equal(5, store:amount("main", "steel#0"))
            assert.are.equal(1, #store:capture())
            store:detachAnchor(1)
            store:detachAnchor(2)
            -- an empty core adopts it too
            local fresh = store:attachAnchor({ anchorId = 3, dbId = "main", blob = "" })
            assert.are.equal("adopted", fresh.state)
            assert.are.same({}, store:unanchoredDatabases())
            assert.are.equal("", findingsOf(store))
        end)

        it("lets the lowest inert core of the same database adopt it when its core is removed", function()
            local store = newStore({ { anchorId = 1, dbId = "main", blob = "" } })
            mustCommit(store, function(tx) tx:insertCount("steel#0", 5) end)
            assert.are.equal("inert", store:attachAnchor({ anchorId = 7, dbId = "main", blob = "" }).state)
            assert.are.equal("inert", store:attachAnchor({ anchorId = 4, dbId = "main", blob = blobOf({ counts = { { "copper#0", 9 } } }) }).state)
            assert.are.equal("new", store:attachAnchor({ anchorId = 9, dbId = "other", blob = "" }).state)
            local report = store:detachAnchor(1)
            assert.are.same({ dbId = "main", lostAnchorId = 1, adoptedBy = 4, units = 5 }, report)
            assert.are.equal(4, store:database("main").anchorId)
            assert.are.equal(5, store:amount("main", "steel#0"))
            assert.are.equal(0, store:amount("main", "copper#0"))
            local captured = store:capture()
            assert.are.equal(2, #captured)
            assert.are.equal("main", captured[1].dbId)
            assert.are.equal(4, captured[1].anchorId)
            -- the other inert cores stay inert; the next removal hands it on again
            assert.are.equal(1, #store:inertAnchors())
            assert.are.equal(7, store:detachAnchor(4).adoptedBy)
            -- a core of another database never adopts it: with none of its own left it has no core
            assert.are.same({ dbId = "main", lostAnchorId = 7, units = 5 }, store:detachAnchor(7))
            assert.are.same({ { id = "main", units = 5 } }, store:unanchoredDatabases())
            assert.are.equal(1, #store:captureOrphans())
            assert.are.equal("main", store:captureOrphans()[1].dbId)
        end)

        it("says nothing when an unknown core is removed", function()
            local store = newStore()
            assert.is_nil(store:detachAnchor(77))
        end)
    end)
end)
