-- A sync server and its clients wired through a transport the spec controls (drop, delay,
-- duplicate), with the sim's typed message writer and reader (the same wire checks as the game
-- bindings in the simulated runtime).
local new = require("kits.classes").new
local N = require("sim.net")
local DatabaseStore = require("core.store").DatabaseStore
local WatchRegistry = require("core.watch").WatchRegistry
local SyncServer = require("host.sync.server").SyncServer
local SyncClient = require("client.stream").SyncClient
local summaryOf = require("host.sync.rows").summaryOf

local K = {}
K.__index = K

local LOOKUP = {
    name = function(identifier) return "name of " .. identifier end,
    category = function() return 0 end,
}
K.LOOKUP = LOOKUP

--- opts.terminals: terminal id -> database id (access is granted to those only).
function K.new(opts)
    opts = opts or {}
    local self = setmetatable({ t = 0, down = {}, up = {}, clients = {}, refusals = {}, faults = nil, bytes = 0, messages = 0 }, K)
    self.store = new(DatabaseStore, {})
    local anchors = {}
    for i, db in ipairs(opts.databases or { "main", "other" }) do anchors[i] = { anchorId = i, dbId = db, blob = "" } end
    self.store:rebuild(anchors)
    self.watches = new(WatchRegistry, self.store)
    self.terminals = opts.terminals or { [1] = "main", [2] = "other" }
    local kit = self
    self.server = new(SyncServer, {
        store = self.store,
        watches = self.watches,
        now = function() return kit.t end,
        start = function(name) return N.newWriter(name) end,
        send = function(to, w)
            local msg = N.snapshot(w)
            kit.bytes = kit.bytes + msg.bytes
            kit.messages = kit.messages + 1
            kit.down[#kit.down + 1] = { to = to.id, msg = msg }
        end,
        access = function(who, terminal)
            local db = kit.terminals[terminal]
            if db == nil or (kit.denied and kit.denied[who.id]) then
                return { ok = false, code = "not_using", message = "not using it" }
            end
            return { ok = true, value = db }
        end,
        bring = function(who, terminal, key, exactId)
            kit.brought = { who = who.id, terminal = terminal, key = key, exactId = exactId }
            return { ok = true, value = "shown" }
        end,
        refused = function(key, message) kit.refusals[#kit.refusals + 1] = { key = key, message = message } end,
    }, opts.server or {})
    return self
end

--- A client with client-side LuaCs (id = session id).
function K:join(id)
    local kit = self
    local client = new(SyncClient, {
        now = function() return kit.t end,
        start = function(name) return N.newWriter(name) end,
        send = function(w) kit.up[#kit.up + 1] = { from = id, msg = N.snapshot(w) } end,
    }, LOOKUP)
    self.clients[id] = client
    self.server:clientHasLua({ id = id, name = "P" .. id })
    return client
end

function K:leave(id)
    self.clients[id] = nil
    self.server:clientLeft(id)
    -- whatever was in flight to it is lost with the connection
    local kept = {}
    for _, e in ipairs(self.down) do if e.to ~= id then kept[#kept + 1] = e end end
    self.down = kept
    kept = {}
    for _, e in ipairs(self.up) do if e.from ~= id then kept[#kept + 1] = e end end
    self.up = kept
end

--- Delivers queued messages. With self.faults = { rng, drop, dup, delay } some are lost,
--- repeated, or kept back for a later round (which reorders them).
function K:deliver()
    local down, up = self.down, self.up
    self.down, self.up = {}, {}
    local f = self.faults
    for _, e in ipairs(up) do
        if not (f and f.rng() < f.drop / 2) then
            self.server:receive(N.newReader(e.msg), { id = e.from, name = "P" .. e.from })
        end
    end
    for _, e in ipairs(down) do
        local client = self.clients[e.to]
        if client ~= nil then
            if f and f.rng() < f.delay then
                self.down[#self.down + 1] = e
            elseif not (f and f.rng() < f.drop) then
                client:receive(N.newReader(e.msg))
                if f and f.rng() < f.dup then client:receive(N.newReader(e.msg)) end
            end
        end
    end
end

--- Time passes: flushes, client retries, delivery.
function K:step(dt)
    self.t = self.t + (dt or 0.3)
    self.server:update()
    for _, c in pairs(self.clients) do c:update() end
    self:deliver()
end

--- Faults off, then enough rounds for every request and answer to go through.
function K:settle()
    self.faults = nil
    for _ = 1, 12 do self:step(0.6) end
end

--- What the server offers for a database, as sorted wire rows.
function K:expected(db)
    local rows = {}
    local database = self.store:database(db)
    if database == nil then return rows end
    for _, key in ipairs(database:offeredKeys()) do
        local r = summaryOf(self.store, db, key)
        if r.amount > 0 then rows[#rows + 1] = { key = r.key, amount = r.amount, exact = r.exact, worst = math.floor(r.worst * 100 + 0.5) / 100 } end
    end
    return rows
end

--- The client's cached rows for a terminal, comparable with expected().
function K:cached(id, terminal)
    local model = self.clients[id]:model(terminal)
    if model == nil then return nil end
    local rows = {}
    for _, r in ipairs(model:syncRows()) do
        rows[#rows + 1] = { key = r.key, amount = r.amount, exact = r.exact, worst = r.worst }
    end
    return rows
end

return K
