-- Model-based randomized spec of the database store.
--
-- A reference model made of plain tables and the real store run the same random sequences:
-- inserts (plain and exact), takes, multi-step transactions (some refused), leases (open, out,
-- return, consume, renew, close, with stale epochs and foreign or unknown leases), capture,
-- confirmed save, rollback, reload (rebuild from the last saved blobs on the same store), restart
-- (a new store built from them) and faults (a capture never confirmed, a rollback or reload right
-- after a capture). After every step:
--   * every database matches the model key by key, entry by entry, lease by lease;
--   * conservation: per key, units in the databases (Working + leased) + units out in the world
--     is zero (the world starts at zero and pays for every insert);
--   * after a rollback or reload the state equals the last confirmed save;
--   * the event stream, replayed into a view, equals what the store offers;
--   * verify() finds nothing.
--
-- The seed is printed; DBIO_SEED=<n> replays a run, DBIO_SEQUENCE=<k> runs only sequence k.
-- A failure prints the seed, the sequence, the step number and the steps up to it.
local new = require("kits.classes").new
local DatabaseStore = require("core.store").DatabaseStore
local inspect = require("core.inspect")
local verify = require("core.verify").verify

local SEQUENCES = 200
local STEPS = 120
local DBS = { "alpha", "beta" }
local ANCHOR = { alpha = 1, beta = 2 }
local KEYS = { "steel#0", "steel#1", "copper#0", "wrench#0" }
local LIMITS = { maxUnits = 80, maxKeys = 3 }

local seed = tonumber(os.getenv("DBIO_SEED") or "") or (os.time() % 1000000)
local only = tonumber(os.getenv("DBIO_SEQUENCE") or "")

-- Park-Miller: the same numbers on every Lua, whatever math.random does.
local function newRandom(s)
    local state = s % 2147483646 + 1
    return function(n)
        state = (state * 48271) % 2147483647
        return (state % n) + 1
    end
end

-- Plain checks for the hot loop (luassert's formatting would dominate the run time).
local function show(v)
    if type(v) ~= "table" then return tostring(v) end
    local keys = {}
    for k in pairs(v) do keys[#keys + 1] = k end
    table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
    local parts = {}
    for _, k in ipairs(keys) do parts[#parts + 1] = tostring(k) .. "=" .. show(v[k]) end
    return "{" .. table.concat(parts, ",") .. "}"
end

-- `what` is a format string for the arguments that follow: built only when the check fails.
local function eq(expected, actual, what, ...)
    if expected ~= actual then
        error(string.format("%s: expected %s, got %s", string.format(what, ...), show(expected), show(actual)), 2)
    end
end

local function same(expected, actual, what, ...)
    local a, b = show(expected), show(actual)
    if a ~= b then error(string.format("%s: expected %s, got %s", string.format(what, ...), a, b), 2) end
end

local function sameList(expected, actual, what, ...)
    local equal = #expected == #actual
    for i = 1, #expected do
        if expected[i] ~= actual[i] then equal = false end
    end
    if not equal then same(expected, actual, what, ...) end
end

local function copy(t)
    local c = {}
    for k, v in pairs(t) do c[k] = type(v) == "table" and copy(v) or v end
    return c
end

local function identifierOf(key) return (string.match(key, "^(.-)#")) end
local function qualityOf(key) return tonumber(string.match(key, "#(%d+)$")) end

local function recordOf(key, condition)
    return { identifier = identifierOf(key), quality = qualityOf(key), condition = condition, stolen = false, outpost = "", contents = {} }
end

local function isAmount(n)
    return type(n) == "number" and n >= 1 and n <= 2147483647 and math.floor(n) == n
end

-- ---------------------------------------------------------------------------------------------
-- The model

local function newModel()
    local m = { dbs = {}, leases = {}, world = {}, saved = {}, savedWorld = {}, pending = nil, disk = {}, core = {} }
    for _, id in ipairs(DBS) do
        m.dbs[id] = { work = {}, exact = {}, nextId = 1, version = 0, serial = 0 }
        m.disk[id] = ""
        m.core[id] = ""
    end
    return m
end

-- Units of `key` a database holds (Working + leased).
local function heldOf(m, db, leases, dbId, key)
    local n = db.work[key] or 0
    for _, e in pairs(db.exact) do
        if e.key == key then n = n + 1 end
    end
    for _, l in pairs(leases) do
        if l.db == dbId and l.open then n = n + (l.counts[key] or 0) end
    end
    return n
end

local function heldTotals(m, db, leases, dbId)
    local units, keys = 0, 0
    for _, key in ipairs(KEYS) do
        local n = heldOf(m, db, leases, dbId, key)
        units = units + n
        if n > 0 then keys = keys + 1 end
    end
    return units, keys
end

-- The database as a save holds it: leased units folded into the counts.
local function fold(m, dbId)
    local db = m.dbs[dbId]
    local units = {}
    for _, key in ipairs(KEYS) do
        local n = (db.work[key] or 0)
        for _, l in pairs(m.leases) do
            if l.db == dbId and l.open then n = n + (l.counts[key] or 0) end
        end
        if n > 0 then units[key] = n end
    end
    local exact = {}
    for id, e in pairs(db.exact) do exact[id] = { key = e.key, cond = e.cond } end
    return { units = units, exact = exact, nextId = db.nextId, version = db.version, serial = db.serial }
end

local function unfold(state)
    local db = { work = copy(state.units), exact = {}, nextId = state.nextId, version = state.version, serial = state.serial }
    for id, e in pairs(state.exact) do db.exact[id] = { key = e.key, cond = e.cond, where = 0 } end
    return db
end

local function checkLease(leases, id, dbId, epoch)
    local l = leases[id]
    if l == nil then return nil, "unknown_lease" end
    if not l.open then return nil, "lease_closed" end
    if l.db ~= dbId then return nil, "lease_mismatch" end
    if epoch ~= nil and epoch ~= l.epoch then return nil, "stale_epoch" end
    return l
end

local function returnAll(db, l, id)
    for key, n in pairs(l.counts) do db.work[key] = (db.work[key] or 0) + n end
    l.counts = {}
    for _, e in pairs(db.exact) do
        if e.where == id then e.where = 0 end
    end
end

local function add(t, key, n)
    local v = (t[key] or 0) + n
    t[key] = v ~= 0 and v or nil
end

-- One step of a transaction against copies of the model; returns a refusal code or nil.
local function applyStep(db, leases, world, dbId, s)
    local k = s.kind
    if k == "insert" then
        add(db.work, s.key, s.n)
        add(world, s.key, -s.n)
    elseif k == "insertExact" then
        for _ = 1, s.n do
            db.exact[db.nextId] = { key = s.key, cond = s.cond, where = 0 }
            db.nextId = db.nextId + 1
            add(world, s.key, -1)
        end
    elseif k == "take" then
        if (db.work[s.key] or 0) < s.n then return "short" end
        add(db.work, s.key, -s.n)
        add(world, s.key, s.n)
    elseif k == "takeExact" then
        local e = db.exact[s.id]
        if e == nil then return "unknown_exact" end
        if e.where ~= 0 then return "leased" end
        db.exact[s.id] = nil
        add(world, e.key, 1)
    elseif k == "leaseOut" or k == "leaseOutExact" then
        local l, code = checkLease(leases, s.lease, dbId, nil)
        if l == nil then return code end
        if k == "leaseOut" then
            if (db.work[s.key] or 0) < s.n then return "short" end
            add(db.work, s.key, -s.n)
            add(l.counts, s.key, s.n)
        else
            local e = db.exact[s.id]
            if e == nil then return "unknown_exact" end
            if e.where ~= 0 then return "leased" end
            e.where = s.lease
        end
    else
        local l, code = checkLease(leases, s.lease, dbId, s.epoch)
        if l == nil then return code end
        if k == "return" or k == "consume" then
            if (l.counts[s.key] or 0) < s.n then return "not_leased" end
            add(l.counts, s.key, -s.n)
            if k == "return" then add(db.work, s.key, s.n) else add(world, s.key, s.n) end
        elseif k == "returnExact" or k == "consumeExact" then
            local e = db.exact[s.id]
            if e == nil or e.where ~= s.lease then return "not_leased" end
            if k == "returnExact" then
                e.where = 0
            else
                db.exact[s.id] = nil
                add(world, e.key, 1)
            end
        elseif k == "renew" then
            returnAll(db, l, s.lease)
            l.epoch = l.epoch + 1
        elseif k == "close" then
            returnAll(db, l, s.lease)
            l.open = false
        else
            error("unknown step kind " .. tostring(k))
        end
    end
    return nil
end

-- What the model says a transaction does: a refusal code, or the new db, leases and world.
local function simulate(m, dbId, steps)
    for _, s in ipairs(steps) do
        if s.n ~= nil and not isAmount(s.n) then return "invalid_amount" end
    end
    local db, leases, world = copy(m.dbs[dbId]), copy(m.leases), copy(m.world)
    for _, s in ipairs(steps) do
        local code = applyStep(db, leases, world, dbId, s)
        if code ~= nil then return code end
    end
    local unitsBefore, keysBefore = heldTotals(m, m.dbs[dbId], m.leases, dbId)
    local unitsAfter, keysAfter = heldTotals(m, db, leases, dbId)
    if unitsAfter > unitsBefore and unitsAfter > LIMITS.maxUnits then return "unit_limit" end
    if keysAfter > keysBefore and keysAfter > LIMITS.maxKeys then return "key_limit" end
    return nil, db, leases, world
end

-- ---------------------------------------------------------------------------------------------
-- The store side

local function stage(tx, s)
    local k = s.kind
    if k == "insert" then tx:insertCount(s.key, s.n)
    elseif k == "insertExact" then tx:insert(recordOf(s.key, s.cond), s.n)
    elseif k == "take" then tx:take(s.key, s.n)
    elseif k == "takeExact" then tx:takeExact(s.id)
    elseif k == "leaseOut" then tx:leaseOut(s.lease, s.key, s.n)
    elseif k == "leaseOutExact" then tx:leaseOutExact(s.lease, s.id)
    elseif k == "return" then tx:returnFromLease(s.lease, s.epoch, s.key, s.n)
    elseif k == "returnExact" then tx:returnExactFromLease(s.lease, s.epoch, s.id)
    elseif k == "consume" then tx:consumeFromLease(s.lease, s.epoch, s.key, s.n)
    elseif k == "consumeExact" then tx:consumeExactFromLease(s.lease, s.epoch, s.id)
    elseif k == "renew" then tx:renewLease(s.lease, s.epoch)
    elseif k == "close" then tx:closeLease(s.lease, s.epoch)
    else error("unknown step kind " .. tostring(k)) end
end

local CODE_CLASS = { unknown_key = "short", insufficient = "short" }

local function describeStep(s)
    local parts = { s.kind }
    for _, field in ipairs({ "key", "n", "cond", "id", "lease", "epoch" }) do
        if s[field] ~= nil then parts[#parts + 1] = field .. "=" .. tostring(s[field]) end
    end
    return table.concat(parts, " ")
end

-- ---------------------------------------------------------------------------------------------
-- Random steps

local function generator(random, m)
    local g = {}

    function g.key() return KEYS[random(#KEYS)] end

    function g.amount()
        local r = random(100)
        if r <= 2 then return ({ 0, -2, 2.5 })[random(3)] end
        if r <= 12 then return 20 + random(30) end
        return random(6)
    end

    function g.exactId(dbId)
        local ids = {}
        for id in pairs(m.dbs[dbId].exact) do ids[#ids + 1] = id end
        table.sort(ids)
        if #ids > 0 and random(10) <= 8 then return ids[random(#ids)] end
        return random(m.dbs[dbId].nextId + 2)
    end

    function g.lease(dbId)
        local mine, others = {}, {}
        for id, l in pairs(m.leases) do
            if l.open and l.db == dbId then mine[#mine + 1] = id else others[#others + 1] = id end
        end
        table.sort(mine)
        table.sort(others)
        local r = random(100)
        if #mine > 0 and r <= 85 then return mine[random(#mine)] end
        if #others > 0 and r <= 95 then return others[random(#others)] end
        return 9000 + random(100)
    end

    function g.leasedExact(dbId, lease)
        local ids = {}
        for id, e in pairs(m.dbs[dbId].exact) do
            if e.where == lease then ids[#ids + 1] = id end
        end
        table.sort(ids)
        if #ids > 0 and random(10) <= 8 then return ids[random(#ids)] end
        return g.exactId(dbId)
    end

    function g.leasedKey(lease)
        local l = m.leases[lease]
        local keys = {}
        if l ~= nil then
            for key in pairs(l.counts) do keys[#keys + 1] = key end
        end
        table.sort(keys)
        if #keys > 0 and random(10) <= 8 then return keys[random(#keys)] end
        return g.key()
    end

    function g.epoch(lease)
        local l = m.leases[lease]
        local current = l and l.epoch or 1
        local r = random(100)
        if r <= 85 then return current end
        if current > 1 and r <= 93 then return current - 1 end
        return current + 1
    end

    function g.txStep(dbId)
        local r = random(100)
        if r <= 22 then return { kind = "insert", key = g.key(), n = g.amount() } end
        if r <= 32 then return { kind = "insertExact", key = g.key(), n = random(2), cond = random(9000) / 100 } end
        if r <= 46 then return { kind = "take", key = g.key(), n = g.amount() } end
        if r <= 53 then return { kind = "takeExact", id = g.exactId(dbId) } end
        local lease = g.lease(dbId)
        if r <= 63 then return { kind = "leaseOut", lease = lease, key = g.key(), n = g.amount() } end
        if r <= 68 then return { kind = "leaseOutExact", lease = lease, id = g.exactId(dbId) } end
        if r <= 76 then return { kind = "return", lease = lease, epoch = g.epoch(lease), key = g.leasedKey(lease), n = g.amount() } end
        if r <= 80 then return { kind = "returnExact", lease = lease, epoch = g.epoch(lease), id = g.leasedExact(dbId, lease) } end
        if r <= 88 then return { kind = "consume", lease = lease, epoch = g.epoch(lease), key = g.leasedKey(lease), n = g.amount() } end
        if r <= 92 then return { kind = "consumeExact", lease = lease, epoch = g.epoch(lease), id = g.leasedExact(dbId, lease) } end
        if r <= 95 then return { kind = "renew", lease = lease, epoch = g.epoch(lease) } end
        return { kind = "close", lease = lease, epoch = g.epoch(lease) }
    end

    function g.step()
        local dbId = DBS[random(#DBS)]
        local anyOpen = false
        for _, l in pairs(m.leases) do
            if l.open and l.db == dbId then anyOpen = true end
        end
        if not anyOpen and random(3) == 1 then return { kind = "open", db = dbId } end
        local r = random(200)
        if r <= 136 then return { kind = "tx", db = dbId, steps = { g.txStep(dbId) } } end
        if r <= 162 then
            local steps = {}
            for i = 1, 1 + random(3) do steps[i] = g.txStep(dbId) end
            return { kind = "tx", db = dbId, steps = steps }
        end
        if r <= 172 then return { kind = "open", db = dbId } end
        if r <= 181 then return { kind = "capture" } end
        if r <= 190 then return { kind = "confirm" } end
        if r <= 193 then return { kind = "rollback" } end
        if r <= 195 then return { kind = "reload" } end
        if r <= 196 then return { kind = "restart" } end
        if r <= 198 then return { kind = "captureThenRollback" } end
        return { kind = "captureThenReload" }
    end

    return g
end

local function describe_(step)
    if step.kind == "tx" then
        local parts = {}
        for _, s in ipairs(step.steps) do parts[#parts + 1] = describeStep(s) end
        return "tx " .. step.db .. ": " .. table.concat(parts, "; ")
    end
    if step.kind == "open" then return "open lease on " .. step.db end
    return step.kind
end

-- ---------------------------------------------------------------------------------------------
-- Running one sequence

local function runSequence(sequence, stats)
    local random = newRandom(seed * 1000 + sequence)
    local m = newModel()
    local gen = generator(random, m)
    local problems = {}
    local view, versions = {}, {}
    local owners = {}

    local function newStore()
        local store = new(DatabaseStore, {
            limits = function() return LIMITS end,
            onListenerError = function(message) problems[#problems + 1] = message end,
        })
        view, versions = {}, {}
        store:subscribe("model-view", function(event)
            local v = view[event.db] or {}
            view[event.db] = v
            if event.reset then
                versions[event.db] = event.version
            else
                assert(event.version == (versions[event.db] or 0) + 1, "event version skipped")
                versions[event.db] = event.version
            end
            for _, c in ipairs(event.changes) do
                assert((v[c.key] or 0) == c.before, "event 'before' does not match the previous 'after' of " .. c.key)
                assert(c.before ~= c.after, "event lists an unchanged key")
                v[c.key] = c.after
            end
        end)
        local anchors = {}
        for _, id in ipairs(DBS) do anchors[#anchors + 1] = { anchorId = ANCHOR[id], dbId = id, blob = m.disk[id] } end
        store:rebuild(anchors)
        return store
    end

    local store = newStore()
    local events = 0
    store:subscribe("model-count", function() events = events + 1 end)

    local function foldStore(dbId)
        local s = store:snapshotFor(dbId)
        local units = {}
        for _, pair in ipairs(s.counts) do units[pair[1]] = (units[pair[1]] or 0) + pair[2] end
        for _, pair in ipairs(s.leasedCounts) do units[pair[1]] = (units[pair[1]] or 0) + pair[2] end
        local exact = {}
        for _, e in ipairs(s.exact) do exact[e.id] = { key = e.record.identifier .. "#" .. string.format("%d", e.record.quality), cond = e.record.condition } end
        for _, e in ipairs(s.leasedExact) do exact[e.id] = { key = e.record.identifier .. "#" .. string.format("%d", e.record.quality), cond = e.record.condition } end
        return { units = units, exact = exact, nextId = s.nextExactId, version = s.version, serial = s.commitSerial }
    end

    local function restoreSaved()
        for _, id in ipairs(DBS) do m.dbs[id] = unfold(m.saved[id] or { units = {}, exact = {}, nextId = 1, version = 0, serial = 0 }) end
        m.world = copy(m.savedWorld)
        for _, l in pairs(m.leases) do l.open = false end
        m.pending = nil
        m.core = copy(m.disk)
    end

    local function expectSaved()
        for _, id in ipairs(DBS) do
            local saved = m.saved[id] or { units = {}, exact = {}, nextId = 1, version = 0, serial = 0 }
            same(saved, foldStore(id), "%s equals the last save", id)
        end
    end

    local function capture()
        local captured = store:capture()
        assert.are.equal(#DBS, #captured)
        local pending = { state = {}, world = copy(m.world), blobs = {} }
        for i, c in ipairs(captured) do
            assert.are.equal(DBS[i], c.dbId)
            assert.are.equal(ANCHOR[c.dbId], c.anchorId)
            assert.is_nil(c.problem)
            m.core[c.dbId] = c.blob
            pending.blobs[c.dbId] = c.blob
            local state = fold(m, c.dbId)
            state.serial = state.serial + 1
            pending.state[c.dbId] = state
        end
        m.pending = pending
    end

    local function runTx(step)
        local code, db, leases, world = simulate(m, step.db, step.steps)
        local tx = store:transaction(step.db, "model")
        for _, s in ipairs(step.steps) do stage(tx, s) end
        local before = code ~= nil and inspect.dumpStore(store) or nil
        local eventsBefore = events
        local result = tx:commit()
        if code == nil then
            assert(result.ok, "the model applies this transaction but the store refused it: " .. tostring(result.message))
            m.dbs[step.db] = db
            m.leases = leases
            m.world = world
            db.version = db.version + 1
            eq(eventsBefore + 1, events, "events of an applied transaction")
            stats.applied = stats.applied + 1
        else
            assert(not result.ok, "the model refuses this transaction (" .. code .. ") but the store applied it")
            eq(code, CODE_CLASS[result.code] or result.code, "refusal code")
            eq(before, inspect.dumpStore(store), "state after a refused transaction")
            eq(eventsBefore, events, "events of a refused transaction")
            stats.refused[code] = (stats.refused[code] or 0) + 1
        end
    end

    local function perform(step)
        local k = step.kind
        if k == "tx" then
            runTx(step)
        elseif k == "open" then
            local owner = "terminal:" .. tostring(random(3))
            local result = store:openLease(step.db, owner)
            assert(result.ok, result.message)
            assert.is_nil(m.leases[result.value.id])
            assert.are.equal(1, result.value.epoch)
            m.leases[result.value.id] = { db = step.db, epoch = 1, open = true, counts = {} }
            owners[owner] = true
            stats.leases = stats.leases + 1
        elseif k == "capture" then
            capture()
        elseif k == "confirm" then
            local committed = store:confirmCommit()
            if m.pending ~= nil then
                assert.are.same(DBS, committed)
                m.saved = m.pending.state
                m.savedWorld = m.pending.world
                m.disk = m.pending.blobs
                for _, id in ipairs(DBS) do m.dbs[id].serial = m.saved[id].serial end
                m.pending = nil
                stats.saves = stats.saves + 1
            else
                assert.are.same({}, committed)
            end
        elseif k == "rollback" or k == "captureThenRollback" then
            if k == "captureThenRollback" then capture() end
            store:rollback("model")
            restoreSaved()
            expectSaved()
            stats.rollbacks = stats.rollbacks + 1
        elseif k == "reload" or k == "captureThenReload" then
            if k == "captureThenReload" then capture() end
            local anchors = {}
            for _, id in ipairs(DBS) do anchors[#anchors + 1] = { anchorId = ANCHOR[id], dbId = id, blob = m.disk[id] } end
            store:rebuild(anchors)
            restoreSaved()
            expectSaved()
            stats.reloads = stats.reloads + 1
        elseif k == "restart" then
            store = newStore()
            events = 0
            store:subscribe("model-count", function() events = events + 1 end)
            restoreSaved()
            m.leases = {}
            expectSaved()
            stats.reloads = stats.reloads + 1
        else
            error("unknown step " .. k)
        end
    end

    local function checkAll(lifecycle)
        same({}, problems, "listener problems")
        local cores = {}
        for _, id in ipairs(DBS) do cores[#cores + 1] = { anchorId = ANCHOR[id], blob = m.core[id] } end
        local live = function(owner) return owners[owner] == true end
        local totals = {}
        for _, dbId in ipairs(DBS) do
            local db = store:database(dbId)
            local md = m.dbs[dbId]
            eq(md.version, db.version, "%s version", dbId)
            eq(md.nextId, db.nextExactId, "%s next exact id", dbId)
            eq(md.serial, db.commitSerial, "%s commit serial", dbId)
            for _, key in ipairs(KEYS) do
                eq(md.work[key] or 0, db:aggregatedOf(key), "%s aggregated %s", dbId, key)
                local ids, leased = {}, 0
                for id, e in pairs(md.exact) do
                    if e.key == key then
                        if e.where == 0 then ids[#ids + 1] = id else leased = leased + 1 end
                        local entry = db:exactEntry(id) or store:lease(e.where).exact[id]
                        eq(e.cond, entry.record.condition, "%s condition of exact %d", dbId, id)
                    end
                end
                table.sort(ids)
                sameList(ids, db:exactIdsOf(key), "%s exact ids of %s", dbId, key)
                for _, l in pairs(m.leases) do
                    if l.db == dbId and l.open then leased = leased + (l.counts[key] or 0) end
                end
                eq(leased, db:leasedOf(key), "%s leased %s", dbId, key)
                eq((view[dbId] or {})[key] or 0, db:amount(key), "%s event view of %s", dbId, key)
                totals[key] = (totals[key] or 0) + db:heldOf(key)
            end
            local open = 0
            for id, l in pairs(m.leases) do
                local live = store:lease(id)
                if l.db == dbId and l.open then
                    open = open + 1
                    eq(true, live ~= nil, "lease %d is open", id)
                    eq(l.epoch, live.epoch, "epoch of lease %d", id)
                    for _, key in ipairs(KEYS) do eq(l.counts[key] or 0, live:countOf(key), "lease %d %s", id, key) end
                    local want, have = {}, {}
                    for eid, e in pairs(md.exact) do
                        if e.where == id then want[#want + 1] = eid end
                    end
                    for _, e in ipairs(live:exactList()) do have[#have + 1] = e.id end
                    table.sort(want)
                    sameList(want, have, "exact ids in lease %d", id)
                elseif not l.open then
                    eq(true, live == nil, "lease %d is over", id)
                end
            end
            eq(open, #store:leasesOf(dbId), "%s open leases", dbId)
            -- the core blobs only change at lifecycle steps; decoding them after every transaction would only repeat the same check
            local findings = verify(store, dbId, lifecycle and cores or nil, live)
            if #findings > 0 then
                local lines = {}
                for _, f in ipairs(findings) do lines[#lines + 1] = f.kind .. ": " .. f.message end
                error("verify found: " .. table.concat(lines, "; "))
            end
        end
        -- conservation: what the databases hold plus what is out in the world is what came in
        for _, key in ipairs(KEYS) do
            eq(0, (totals[key] or 0) + (m.world[key] or 0), "conservation of %s", key)
        end
    end

    local done = {}
    for number = 1, STEPS do
        local step = gen.step()
        done[#done + 1] = describe_(step)
        local ok, err = pcall(function()
            perform(step)
            checkAll(step.kind ~= "tx" and step.kind ~= "open")
        end)
        if not ok then
            local lines = {
                string.format("model_spec FAILED: seed %d, sequence %d, step %d", seed, sequence, number),
                string.format("replay: DBIO_SEED=%d DBIO_SEQUENCE=%d busted --lua=lua5.2 --run=puc test/spec/model_spec.lua", seed, sequence),
            }
            for i, line in ipairs(done) do lines[#lines + 1] = string.format("  %3d  %s", i, line) end
            lines[#lines + 1] = "error: " .. tostring(type(err) == "table" and (err.message or err[1]) or err)
            print(table.concat(lines, "\n"))
            error(err, 0)
        end
        stats.steps = stats.steps + 1
    end
end

describe("database store against a reference model", function()
    it("agrees with the model on random sequences of transactions, leases and lifecycle events", function()
        print(string.format("model_spec: seed %d (replay with DBIO_SEED=%d)", seed, seed))
        local stats = { steps = 0, applied = 0, refused = {}, leases = 0, saves = 0, rollbacks = 0, reloads = 0 }
        local first, last = 1, SEQUENCES
        if only ~= nil then first, last = only, only end
        for sequence = first, last do runSequence(sequence, stats) end
        local refused, kinds = 0, {}
        for code, n in pairs(stats.refused) do
            refused = refused + n
            kinds[#kinds + 1] = code .. "=" .. n
        end
        table.sort(kinds)
        print(string.format(
            "model_spec: %d sequences, %d steps: %d transactions applied, %d refused (%s), %d leases, %d saves, %d rollbacks, %d reloads",
            last - first + 1, stats.steps, stats.applied, refused, table.concat(kinds, " "), stats.leases, stats.saves, stats.rollbacks, stats.reloads
        ))
        assert.are.equal((last - first + 1) * STEPS, stats.steps)
        -- the mix must actually exercise both outcomes and the lifecycle
        assert.is_true(stats.applied > 0 and refused > 0 and stats.saves > 0 and stats.rollbacks > 0 and stats.reloads > 0)
    end)
end)
