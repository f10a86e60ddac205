-- Watch registry: each mutation event reaches exactly the watchers of a changed key (and every
-- watchAll of its database), once, in version order; reset events reach every watcher of the
-- database; refused transactions deliver nothing; a failing watcher does not stop the others.
local new = require("kits.classes").new
local DatabaseStore = require("core.store").DatabaseStore
local WatchRegistry = require("core.watch").WatchRegistry
local watchesFor = require("core.watch").watchesFor

local function newStore()
    local store = new(DatabaseStore, {})
    store:rebuild({ { anchorId = 1, dbId = "main", blob = "" }, { anchorId = 2, dbId = "other", blob = "" } })
    return store
end

local function insert(store, db, key, n)
    return store:transaction(db, "spec"):insertCount(key, n):commit()
end

describe("watch registry", function()
    local store, watches, log
    before_each(function()
        store = newStore()
        watches = new(WatchRegistry, store)
        log = {}
    end)

    local function recorder(name)
        return function(event)
            log[#log + 1] = name .. "@" .. event.db .. ":" .. string.format("%d", event.version)
        end
    end

    it("delivers to watchAll of the database, to watchKey of a changed key, and to no one else", function()
        watches:watchAll("main", recorder("all"))
        watches:watchAll("other", recorder("otherAll"))
        watches:watchKey("main", "steel#0", recorder("steel"))
        watches:watchKey("main", "copper#0", recorder("copper"))
        watches:watchKey("other", "steel#0", recorder("otherSteel"))
        assert.is_true(insert(store, "main", "steel#0", 3).ok)
        assert.are.same({ "all@main:1", "steel@main:1" }, log)
        log = {}
        assert.is_true(insert(store, "other", "copper#0", 1).ok)
        assert.are.same({ "otherAll@other:1" }, log)
        log = {}
        assert.is_true(store:transaction("main", "spec"):insertCount("copper#0", 1):insertCount("steel#0", 1):commit().ok)
        assert.are.same({ "all@main:2", "steel@main:2", "copper@main:2" }, log)
    end)

    it("normalizes the database id and delivers nothing when no key matches", function()
        watches:watchKey(" MAIN ", "plastic#0", recorder("plastic"))
        assert.is_true(insert(store, "main", "steel#0", 3).ok)
        assert.are.same({}, log)
        assert.is_true(insert(store, "Main", "plastic#0", 2).ok)
        assert.are.same({ "plastic@main:2" }, log)
    end)

    it("delivers nothing for a refused transaction", function()
        watches:watchAll("main", recorder("all"))
        watches:watchKey("main", "steel#0", recorder("steel"))
        local refused = store:transaction("main", "spec"):take("steel#0", 5):commit()
        assert.is_false(refused.ok)
        assert.are.same({}, log)
    end)

    it("delivers events in version order, also those committed from inside a watcher", function()
        local seen = {}
        local nested = false
        watches:watchAll("main", function(event)
            seen[#seen + 1] = event.version
            if not nested then
                nested = true
                assert.is_true(insert(store, "main", "copper#0", 1).ok)
            end
        end)
        watches:watchKey("main", "copper#0", function(event) seen[#seen + 1] = -event.version end)
        assert.is_true(insert(store, "main", "steel#0", 1).ok)
        assert.are.same({ 1, 2, -2 }, seen)
    end)

    it("a reset reaches every watcher of the database once", function()
        watches:watchAll("main", recorder("all"))
        watches:watchKey("main", "steel#0", recorder("steel"))
        watches:watchKey("main", "never#0", recorder("never"))
        watches:watchKey("other", "never#0", recorder("otherNever"))
        assert.is_true(insert(store, "main", "steel#0", 2).ok)
        log = {}
        store:rollback("spec")
        table.sort(log)
        -- A rollback resets every database: each watcher hears its own database's reset once.
        assert.are.same({ "all@main:0", "never@main:0", "otherNever@other:0", "steel@main:0" }, log)
    end)

    it("a failing watcher is reported and the others still run", function()
        local reports = {}
        watches:setErrorSink(function(message) reports[#reports + 1] = message end)
        watches:watchAll("main", function() error("boom") end)
        watches:watchKey("main", "steel#0", recorder("steel"))
        assert.is_true(insert(store, "main", "steel#0", 1).ok)
        assert.are.same({ "steel@main:1" }, log)
        assert.are.equal(1, watches:failureCount())
        assert.are.equal(1, #reports)
        assert.truthy(reports[1]:find("boom", 1, true))
    end)

    it("stop ends deliveries, even for the event being delivered", function()
        local second
        watches:watchAll("main", function() second.stop() end)
        second = watches:watchAll("main", recorder("second"))
        local key = watches:watchKey("main", "steel#0", recorder("steel"))
        assert.is_true(insert(store, "main", "steel#0", 1).ok)
        assert.are.same({ "steel@main:1" }, log)
        key.stop()
        key.stop()
        assert.is_true(insert(store, "main", "steel#0", 1).ok)
        assert.are.same({ "steel@main:1" }, log)
        assert.are.equal(1, watches:watcherCount("main"))
    end)

    it("with 2,000 watchers of other keys, a change calls exactly the watcher of its key", function()
        for i = 1, 2000 do watches:watchKey("main", string.format("item%d#0", i), recorder("k")) end
        local hits = 0
        watches:watchKey("main", "steel#0", function() hits = hits + 1 end)
        assert.is_true(insert(store, "main", "steel#0", 1).ok)
        assert.are.equal(1, hits)
        assert.are.same({}, log)
        assert.are.equal(2001, watches:watcherCount("main"))
    end)

    it("watchesFor gives one registry per store", function()
        local a = watchesFor(store)
        assert.are.equal(a, watchesFor(store))
        assert.are_not.equal(a, watchesFor(newStore()))
    end)
end)
