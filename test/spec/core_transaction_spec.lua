-- Transactions on the database store: inserts, takes, exact entries, refusals, limits, parked
-- keys and mutation events.
local new = require("kits.classes").new
local DatabaseStore = require("core.store").DatabaseStore
local inspect = require("core.inspect")
local verify = require("core.verify").verify

local function plain(identifier, quality)
    return { identifier = identifier, quality = quality or 0, condition = 100, stolen = false, outpost = "", contents = {} }
end

local function damaged(identifier, condition)
    return { identifier = identifier, quality = 0, condition = condition, stolen = false, outpost = "", contents = {} }
end

-- A store with database "main" anchored in core 1, recording every event it publishes.
local function newStore(options)
    local store = new(DatabaseStore, options or {})
    store:rebuild({ { anchorId = 1, dbId = "main", blob = "" } })
    local events = {}
    store:subscribe(function(event) events[#events + 1] = event end)
    return store, events
end

local function commit(store, build)
    local tx = store:transaction("main", "spec")
    build(tx)
    return tx:commit()
end

local function mustCommit(store, build)
    local result = commit(store, build)
    assert.is_true(result.ok, result.message)
    return result.value
end

-- Commits, expects refusal `code`, and proves nothing changed and nothing was published.
local function assertRefused(store, events, code, build)
    local before = inspect.dumpStore(store)
    local eventCount = #events
    local result = commit(store, build)
    assert.is_false(result.ok)
    assert.are.equal(code, result.code)
    assert.is_string(result.message)
    assert.is_true(#result.message > 0)
    assert.are.equal(before, inspect.dumpStore(store))
    assert.are.equal(eventCount, #events)
    return result
end

local function assertHealthy(store)
    local findings = verify(store, "main")
    local lines = {}
    for _, f in ipairs(findings) do lines[#lines + 1] = f.kind .. ": " .. f.message end
    assert.are.equal("", table.concat(lines, "\n"))
end

describe("core transactions", function()
    it("aggregates plain records under identifier#quality and counts them", function()
        local store, events = newStore()
        local value = mustCommit(store, function(tx)
            tx:insert(plain("steel"), 5)
            tx:insertCount("steel#0", 3)
            tx:insert(plain("steel", 1), 2)
        end)
        local db = store:database("main")
        assert.are.equal(8, db:amount("steel#0"))
        assert.are.equal(2, db:amount("steel#1"))
        assert.are.equal(10, db:unitTotal())
        assert.are.equal(2, db:keyCount())
        assert.are.equal(0, #value.created)
        assert.are.equal(1, #events)
        assert.are.same({
            db = "main", version = 1, source = "spec",
            changes = { { key = "steel#0", before = 0, after = 8 }, { key = "steel#1", before = 0, after = 2 } },
        }, events[1])
        assertHealthy(store)
    end)

    it("stores every non-plain unit as its own exact entry with a fresh id", function()
        local store = newStore()
        local value = mustCommit(store, function(tx)
            tx:insert(damaged("wrench", 40), 2)
            tx:insert({ identifier = "toolbox", quality = 0, condition = 100, stolen = false, outpost = "",
                contents = { { container = 0, slot = 2, record = plain("screwdriver") } } }, 1)
            tx:insert({ identifier = "steel", quality = 0, condition = 100, stolen = true, outpost = "Outpost", contents = {} }, 1)
        end)
        assert.are.same({ 1, 2, 3, 4 }, value.created)
        local db = store:database("main")
        assert.are.equal(2, db:exactCountOf("wrench#0"))
        assert.are.same({ 1, 2 }, db:exactIdsOf("wrench#0"))
        assert.are.equal(1, db:amount("toolbox#0"))
        -- the screwdriver belongs to its toolbox: not countable or takeable on its own
        assert.are.equal(0, db:amount("screwdriver#0"))
        assert.are.equal(1, db:amount("steel#0"))
        assert.are.equal(0, db:aggregatedOf("steel#0"))
        assert.are.equal(4, db:unitTotal())
        assert.are.equal(5, db.nextExactId)
        assertHealthy(store)
    end)

    it("never reuses an exact id after a take", function()
        local store = newStore()
        mustCommit(store, function(tx) tx:insert(damaged("wrench", 10), 3) end)
        mustCommit(store, function(tx) tx:takeExact(3):takeExact(2) end)
        local value = mustCommit(store, function(tx) tx:insert(damaged("wrench", 20), 2) end)
        assert.are.same({ 4, 5 }, value.created)
        assert.are.same({ 1, 4, 5 }, store:database("main"):exactIdsOf("wrench#0"))
        assertHealthy(store)
    end)

    it("takes aggregated units with take and exact entries with takeExact, listing what to materialise", function()
        local store = newStore()
        mustCommit(store, function(tx) tx:insertCount("steel#0", 10):insert(damaged("steel", 50), 1) end)
        local value = mustCommit(store, function(tx) tx:take("steel#0", 4):takeExact(1) end)
        assert.are.equal(2, #value.taken)
        assert.are.same({ key = "steel#0", record = plain("steel"), count = 4 }, value.taken[1])
        assert.are.equal(1, value.taken[2].exactId)
        assert.are.equal(1, value.taken[2].count)
        assert.are.equal(50, value.taken[2].record.condition)
        assert.are.equal(6, store:database("main"):amount("steel#0"))
        -- take only reaches aggregated units: the exact ones are taken by id
        mustCommit(store, function(tx) tx:insert(damaged("steel", 30), 1) end)
        local result = commit(store, function(tx) tx:take("steel#0", 7) end)
        assert.are.equal("insufficient", result.code)
        assertHealthy(store)
    end)

    it("counts units staged earlier in the same transaction", function()
        local store = newStore()
        mustCommit(store, function(tx) tx:insertCount("steel#0", 2) end)
        local value = mustCommit(store, function(tx) tx:insertCount("steel#0", 3):take("steel#0", 5) end)
        assert.are.equal(0, store:database("main"):amount("steel#0"))
        assert.are.equal(0, store:database("main"):keyCount())
        assert.are.same({ { key = "steel#0", before = 2, after = 0 } }, value.event.changes)
        local inserted = mustCommit(store, function(tx) tx:insert(damaged("wrench", 5), 1) end)
        mustCommit(store, function(tx) tx:insert(damaged("wrench", 6), 1):takeExact(inserted.created[1]):takeExact(2) end)
        assert.are.equal(0, store:database("main"):amount("wrench#0"))
        assertHealthy(store)
    end)

    describe("refuses with a reason and changes nothing", function()
        local bad = {
            { "zero", 0 }, { "negative", -1 }, { "fraction", 1.5 }, { "NaN", 0 / 0 },
            { "2^31", 2 ^ 31 }, { "huge", 1e300 }, { "infinity", math.huge }, { "text", "3" },
        }
        for _, case in ipairs(bad) do
            it("an amount that is " .. case[1], function()
                local store, events = newStore()
                mustCommit(store, function(tx) tx:insertCount("steel#0", 5) end)
                assertRefused(store, events, "invalid_amount", function(tx) tx:insertCount("steel#0", case[2]) end)
                assertRefused(store, events, "invalid_amount", function(tx) tx:insert(plain("steel"), case[2]) end)
                assertRefused(store, events, "invalid_amount", function(tx) tx:take("steel#0", case[2]) end)
                assertRefused(store, events, "invalid_amount", function(tx) tx:insertCount("steel#0", 1):take("steel#0", case[2]) end)
            end)
        end

        it("the largest amount is accepted", function()
            local store = newStore()
            mustCommit(store, function(tx) tx:insertCount("steel#0", 2147483647) end)
            assert.are.equal(2147483647, store:database("main"):amount("steel#0"))
        end)

        it("a take of more than is available, counting staged steps", function()
            local store, events = newStore()
            mustCommit(store, function(tx) tx:insertCount("steel#0", 5) end)
            assertRefused(store, events, "insufficient", function(tx) tx:take("steel#0", 6) end)
            assertRefused(store, events, "insufficient", function(tx) tx:take("steel#0", 3):take("steel#0", 3) end)
            assertRefused(store, events, "insufficient", function(tx) tx:insertCount("steel#0", 1):take("steel#0", 7) end)
        end)

        it("an unknown key, exact id or database", function()
            local store, events = newStore()
            mustCommit(store, function(tx) tx:insertCount("steel#0", 5):insert(damaged("wrench", 1), 1) end)
            assertRefused(store, events, "unknown_key", function(tx) tx:take("copper#0", 1) end)
            assertRefused(store, events, "unknown_exact", function(tx) tx:takeExact(99) end)
            assertRefused(store, events, "unknown_exact", function(tx) tx:takeExact(1):takeExact(1) end)
            assertRefused(store, events, "invalid_id", function(tx) tx:takeExact(0) end)
            assertRefused(store, events, "invalid_id", function(tx) tx:takeExact(1.5) end)
            assertRefused(store, events, "invalid_key", function(tx) tx:take("Steel#0", 1) end)
            assertRefused(store, events, "invalid_key", function(tx) tx:insertCount("steel", 1) end)
            assertRefused(store, events, "invalid_key", function(tx) tx:insertCount("steel#1.5", 1) end)
            assertRefused(store, events, "invalid_record", function(tx) tx:insert({ identifier = "Steel", quality = 0, condition = 100, stolen = false, outpost = "", contents = {} }, 1) end)
            assertRefused(store, events, "invalid_record", function(tx) tx:insert(damaged("wrench", 150), 1) end)
            local before = inspect.dumpStore(store)
            local result = store:transaction("other", "spec"):insertCount("steel#0", 1):commit()
            assert.is_false(result.ok)
            assert.are.equal("unknown_database", result.code)
            assert.is_truthy(string.find(result.message, "Database Core", 1, true))
            assert.are.equal(before, inspect.dumpStore(store))
        end)

        it("a transaction whose last step fails applies none of the earlier ones", function()
            local store, events = newStore()
            mustCommit(store, function(tx) tx:insertCount("steel#0", 5):insert(damaged("wrench", 1), 2) end)
            assertRefused(store, events, "insufficient", function(tx)
                tx:insertCount("copper#0", 10):take("steel#0", 2):takeExact(1):insert(damaged("wrench", 3), 1):take("steel#0", 4)
            end)
            assert.are.equal(3, store:database("main").nextExactId)
        end)

        it("an empty transaction, and a second commit of the same transaction", function()
            local store, events = newStore()
            assertRefused(store, events, "empty", function() end)
            local tx = store:transaction("main", "spec"):insertCount("steel#0", 1)
            assert.is_true(tx:commit().ok)
            local again = tx:commit()
            assert.are.equal("finished", again.code)
            assert.are.equal(1, store:database("main"):amount("steel#0"))
        end)

        it("any mutation of a read-only database", function()
            local store, events = newStore()
            mustCommit(store, function(tx) tx:insertCount("steel#0", 5):insert(damaged("wrench", 1), 1) end)
            assert.is_true(store:setReadOnly("main", "its backup could not be written"))
            local result = assertRefused(store, events, "read_only", function(tx) tx:take("steel#0", 1) end)
            assert.is_truthy(string.find(result.message, "backup", 1, true))
            assertRefused(store, events, "read_only", function(tx) tx:insertCount("steel#0", 1) end)
            assertRefused(store, events, "read_only", function(tx) tx:takeExact(1) end)
            assert.are.equal("read_only", store:openLease("main", "terminal:1").code)
        end)

        it("inserts into a database whose core was removed, while takes still work", function()
            local store, events = newStore()
            mustCommit(store, function(tx) tx:insertCount("steel#0", 5) end)
            assert.are.equal("main", store:detachAnchor(1).dbId)
            local result = assertRefused(store, events, "no_anchor", function(tx) tx:insertCount("steel#0", 1) end)
            assert.is_truthy(string.find(result.message, "Database Core", 1, true))
            assertRefused(store, events, "no_anchor", function(tx) tx:insert(damaged("wrench", 1), 1) end)
            mustCommit(store, function(tx) tx:take("steel#0", 2) end)
            assert.are.equal(3, store:database("main"):amount("steel#0"))
        end)
    end)

    describe("limits", function()
        local function limited(maxUnits, maxKeys)
            return newStore({ limits = function(dbId)
                assert.are.equal("main", dbId)
                return { maxUnits = maxUnits, maxKeys = maxKeys }
            end })
        end

        it("refuses a unit overflow and accepts exactly the limit", function()
            local store, events = limited(10, nil)
            mustCommit(store, function(tx) tx:insertCount("steel#0", 6) end)
            assertRefused(store, events, "unit_limit", function(tx) tx:insertCount("steel#0", 5) end)
            assertRefused(store, events, "unit_limit", function(tx) tx:insert(damaged("wrench", 1), 5) end)
            mustCommit(store, function(tx) tx:insertCount("steel#0", 4) end)
            assert.are.equal(10, store:database("main"):heldTotal())
            -- a change that frees as much as it adds is fine at the limit
            mustCommit(store, function(tx) tx:take("steel#0", 3):insertCount("copper#0", 3) end)
        end)

        it("refuses a new key beyond the key limit but not more of a held key", function()
            local store, events = limited(nil, 2)
            mustCommit(store, function(tx) tx:insertCount("steel#0", 1):insertCount("copper#0", 1) end)
            assertRefused(store, events, "key_limit", function(tx) tx:insertCount("iron#0", 1) end)
            assertRefused(store, events, "key_limit", function(tx) tx:insert(damaged("wrench", 3), 1) end)
            mustCommit(store, function(tx) tx:insertCount("steel#0", 100) end)
            mustCommit(store, function(tx) tx:take("copper#0", 1):insertCount("iron#0", 1) end)
            assert.are.equal(2, store:database("main"):keyCount())
        end)

        it("counts leased units against the limits", function()
            local store, events = limited(6, 1)
            mustCommit(store, function(tx) tx:insertCount("steel#0", 5) end)
            local lease = store:openLease("main", "terminal:1").value
            mustCommit(store, function(tx) tx:leaseOut(lease.id, "steel#0", 5) end)
            assert.are.equal(0, store:database("main"):amount("steel#0"))
            assertRefused(store, events, "unit_limit", function(tx) tx:insertCount("steel#0", 2) end)
            -- steel is still held (leased), so copper would be a second kind
            assertRefused(store, events, "key_limit", function(tx) tx:insertCount("copper#0", 1) end)
            assertRefused(store, events, "insufficient", function(tx) tx:take("steel#0", 1) end)
        end)

        it("still takes when the limits were lowered below the contents", function()
            local max = 100
            local store, events = newStore({ limits = function() return { maxUnits = max } end })
            mustCommit(store, function(tx) tx:insertCount("steel#0", 50) end)
            max = 10
            mustCommit(store, function(tx) tx:take("steel#0", 5) end)
            assertRefused(store, events, "unit_limit", function(tx) tx:insertCount("steel#0", 1) end)
        end)
    end)

    describe("parked keys", function()
        local function parkingStore()
            local known = { steel = true, wrench = true, modgun = true }
            local store = new(DatabaseStore, { isKnownIdentifier = function(identifier) return known[identifier] == true end })
            store:rebuild({ { anchorId = 1, dbId = "main", blob = "" } })
            local events = {}
            store:subscribe(function(event) events[#events + 1] = event end)
            return store, events, known
        end

        it("keeps units of an unloaded identifier, offers none of them, and brings them back", function()
            local store, events, known = parkingStore()
            mustCommit(store, function(tx) tx:insertCount("modgun#0", 4):insert(damaged("modgun", 20), 1):insertCount("steel#0", 2) end)
            known.modgun = nil
            local version = store:database("main").version
            store:refreshKnownIdentifiers()
            assert.are.equal(version + 1, store:database("main").version)
            assert.are.equal(version + 1, events[#events].version)
            local db = store:database("main")
            assert.are.equal(0, db:amount("modgun#0"))
            assert.are.equal(5, db:workingOf("modgun#0"))
            assert.is_true(db:isParked("modgun#0"))
            assert.are.same({ "modgun#0" }, db:parkedKeyList())
            assert.are.same({ "steel#0" }, db:offeredKeys())
            assert.are.equal(7, db:unitTotal())
            local last = events[#events]
            assert.are.same({ { key = "modgun#0", before = 5, after = 0 } }, last.changes)
            assertRefused(store, events, "parked", function(tx) tx:take("modgun#0", 1) end)
            assertRefused(store, events, "parked", function(tx) tx:takeExact(1) end)
            assertRefused(store, events, "unknown_item", function(tx) tx:insertCount("modgun#0", 1) end)
            local lease = store:openLease("main", "terminal:1").value
            assertRefused(store, events, "parked", function(tx) tx:leaseOut(lease.id, "modgun#0", 1) end)
            assertHealthy(store)
            -- the capture keeps parked units; a rebuild with the prefab still missing parks them again
            local blob = store:capture()[1].blob
            store:confirmCommit()
            store:rebuild({ { anchorId = 1, dbId = "main", blob = blob } })
            assert.are.equal(0, store:database("main"):amount("modgun#0"))
            assert.are.equal(5, store:database("main"):workingOf("modgun#0"))
            known.modgun = true
            store:refreshKnownIdentifiers()
            assert.are.equal(5, store:database("main"):amount("modgun#0"))
            assert.are.equal(0, store:database("main"):parkedKeyCount())
            mustCommit(store, function(tx) tx:take("modgun#0", 4):takeExact(1) end)
            assertHealthy(store)
        end)
    end)

    describe("host callbacks", function()
        it("survive an identifier check or limits callback that throws, and report it", function()
            local reported = {}
            local store = new(DatabaseStore, {
                isKnownIdentifier = function(identifier)
                    if identifier == "cursed" then error("no such prefab table") end
                    return true
                end,
                limits = function() error("config unreadable") end,
                onListenerError = function(message) reported[#reported + 1] = message end,
            })
            store:rebuild({ { anchorId = 1, dbId = "main", blob = "" } })
            local result = store:transaction("main", "spec"):insertCount("cursed#0", 2):insertCount("steel#0", 1):commit()
            assert.is_true(result.ok, result.message)
            -- a failed check counts as loaded: the units are offered, not parked
            assert.are.equal(2, store:amount("main", "cursed#0"))
            assert.is_true(#reported >= 2)
            local text = table.concat(reported, "\n")
            assert.is_truthy(string.find(text, "no such prefab table", 1, true))
            assert.is_truthy(string.find(text, "config unreadable", 1, true))
            assert.are.equal("", (function()
                local lines = {}
                for _, f in ipairs(verify(store, "main")) do lines[#lines + 1] = f.message end
                return table.concat(lines, "\n")
            end)())
        end)
    end)

    describe("events", function()
        it("publishes one event per applied transaction, after the state changed, with a rising version", function()
            local store = new(DatabaseStore, {})
            store:rebuild({ { anchorId = 1, dbId = "main", blob = "" } })
            local seen = {}
            store:subscribe(function(event)
                -- the state is already updated when the listener runs
                local key = event.changes[1] and event.changes[1].key
                seen[#seen + 1] = { version = event.version, amount = key and store:amount("main", key), after = key and event.changes[1].after }
            end)
            mustCommit(store, function(tx) tx:insertCount("steel#0", 3) end)
            mustCommit(store, function(tx) tx:take("steel#0", 1):insertCount("copper#0", 1) end)
            assert.are.equal(2, #seen)
            assert.are.same({ version = 1, amount = 3, after = 3 }, seen[1])
            assert.are.equal(2, seen[2].version)
            assert.are.equal(store:database("main").version, 2)
        end)

        it("omits keys whose available amount did not change", function()
            local store = newStore()
            mustCommit(store, function(tx) tx:insertCount("steel#0", 3) end)
            local value = mustCommit(store, function(tx) tx:insertCount("steel#0", 2):take("steel#0", 2):insertCount("copper#0", 1) end)
            assert.are.same({ { key = "copper#0", before = 0, after = 1 } }, value.event.changes)
        end)

        it("delivers events in order to every listener even when a listener commits another transaction", function()
            local store = new(DatabaseStore, {})
            store:rebuild({ { anchorId = 1, dbId = "main", blob = "" } })
            local first, second = {}, {}
            store:subscribe(function(event)
                first[#first + 1] = event.version
                if event.version == 1 then
                    assert.is_true(store:transaction("main", "listener"):insertCount("steel#0", 1):commit().ok)
                end
            end)
            store:subscribe(function(event) second[#second + 1] = event.version end)
            mustCommit(store, function(tx) tx:insertCount("steel#0", 1) end)
            assert.are.same({ 1, 2 }, first)
            assert.are.same({ 1, 2 }, second)
            assert.are.equal(2, store:amount("main", "steel#0"))
        end)

        it("survives a failing listener and reports it", function()
            local reported = {}
            local store = new(DatabaseStore, { onListenerError = function(message) reported[#reported + 1] = message end })
            store:rebuild({ { anchorId = 1, dbId = "main", blob = "" } })
            local delivered = 0
            store:subscribe("broken", function() error("listener exploded") end)
            store:subscribe(function() delivered = delivered + 1 end)
            local result = store:transaction("main", "spec"):insertCount("steel#0", 1):commit()
            assert.is_true(result.ok)
            assert.are.equal(1, delivered)
            assert.are.equal(1, store:listenerFailures())
            assert.are.equal(1, #reported)
            assert.is_truthy(string.find(reported[1], "listener exploded", 1, true))
            assert.is_truthy(string.find(reported[1], "broken", 1, true))
            assert.are.equal(1, store:amount("main", "steel#0"))
        end)

        it("replaces a named listener and stops calling an unsubscribed one", function()
            local store = new(DatabaseStore, {})
            store:rebuild({ { anchorId = 1, dbId = "main", blob = "" } })
            local calls = { a = 0, b = 0, c = 0 }
            store:subscribe("view", function() calls.a = calls.a + 1 end)
            store:subscribe("view", function() calls.b = calls.b + 1 end)
            local stop = store:subscribe(function() calls.c = calls.c + 1 end)
            mustCommit(store, function(tx) tx:insertCount("steel#0", 1) end)
            stop()
            mustCommit(store, function(tx) tx:insertCount("steel#0", 1) end)
            assert.are.same({ a = 0, b = 2, c = 1 }, calls)
        end)
    end)
end)
