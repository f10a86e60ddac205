-- The simulated LuaCsForBarotrauma + Barotrauma runtime: `local Sim = require("sim.runtime")`.
-- Usage and formats: test/sim/README.md. Call orders follow
-- /work/shared/reference/luacs-api.md §3.2 (multiplayer) and §3.3 (singleplayer).
local Obj = require("sim.object")
local P = require("sim.prefabs")
local Inv = require("sim.inventory")
local Items = require("sim.items")
local W = require("sim.world")
local S = require("sim.savegame")
local F = require("sim.files")
local N = require("sim.net")
local R = require("sim.patchables")
local A = require("sim.api")
local State = require("sim.luastate")
local Fab = require("sim.fabricator")

local Sim = {}
Sim.__index = Sim

-- CampaignMode.TransitionType
Sim.TRANSITION = { None = 0, ProgressToNextLocation = 1, ProgressToNextEmptyLocation = 2,
    ReturnToPreviousLocation = 3, ReturnToPreviousEmptyLocation = 4, LeaveLocation = 5, End = 6 }

------------------------------------------------------------------------------------------------
-- Paths and prefab definitions
------------------------------------------------------------------------------------------------
local function repoRoot()
    local src = debug.getinfo(1, "S").source:gsub("^@", "")
    local root = src:match("^(.*)/test/sim/runtime%.lua$")
    if root == nil then return F.normalize(".") end
    return F.normalize(root == "" and "/" or root)
end
Sim.ROOT = repoRoot()

local defCache = {}
local function loadDefs(path)
    if defCache[path] ~= nil then return defCache[path] end
    local defs = {}
    if F.isFile(path) then
        local chunk = assert(loadfile(path))
        defs = chunk()
        assert(type(defs) == "table", path .. " must return an array of prefab definitions")
    end
    defCache[path] = defs
    return defs
end

Sim.FIXTURE_PREFABS = Sim.ROOT .. "/test/fixtures/prefabs.lua"
Sim.MOD_PREFABS = Sim.ROOT .. "/lua/sim/mod_prefabs.lua"

------------------------------------------------------------------------------------------------
-- Clients
------------------------------------------------------------------------------------------------
local Connection = Obj.class("Barotrauma.Networking.NetworkConnection")
Connection.getters.EndPointString = function(self) return "sim:" .. self._client._name end
Connection.tostring = function(self) return "Connection (" .. self._client._name .. ")" end

local Client = Obj.class("Barotrauma.Networking.Client")
Sim.Client = Client
Client.getters.Name = function(self) return self._name end
Client.getters.SessionId = function(self) return self._sessionId end
Client.getters.Connection = function(self) return self._connection end
Client.getters.Character = function(self)
    local c = self._character
    if c == nil or c._removed then return nil end
    return c
end
Client.getters.HasPermissions = function(self) return self._admin or self._permissions ~= 0 end
Client.methods.HasPermission = function(self, p)
    if self._admin then return true end
    if type(p) ~= "number" then return false end
    return bit32.band(self._permissions, p) == p
end
Client.tostring = function(self) return "Client (" .. self._name .. ")" end

-- Signal (a struct: `value` is its text) and the receiving Connection of signalReceived.
local Signal = Obj.class("Barotrauma.Signal")
Signal.getters.value = function(self) return self._value end
local Connection = Obj.class("Barotrauma.Items.Components.Connection")
Connection.getters.Name = function(self) return self._name end
Connection.getters.Item = function(self) return self._item end

-- Opaque game objects handed to patches as instances or arguments.
local Opaque = {}
for _, t in ipairs({ "Barotrauma.Networking.GameServer", "System.Xml.Linq.XElement", "Barotrauma.CampaignDataPath",
    "Barotrauma.StatusEffect", "Barotrauma.GameScreen" }) do
    Opaque[t] = Obj.class(t)
end
local GAME_SCREEN = Obj.new(Opaque["Barotrauma.GameScreen"], {})
Opaque["Barotrauma.CampaignDataPath"].getters.SavePath = function(self) return self._path end
Opaque["Barotrauma.CampaignDataPath"].getters.LoadPath = function(self) return self._path end

local XElement = Obj.class("Barotrauma.ContentXElement")
XElement.methods.GetAttributeString = function(self, name, default)
    local v = self._attributes[string.lower(name)]
    if v == nil then return default end
    return tostring(v)
end
XElement.methods.GetAttributeInt = function(self, name, default)
    local v = tonumber(self._attributes[string.lower(name)])
    if v == nil then return default end
    return math.floor(v)
end
XElement.methods.GetAttributeFloat = function(self, name, default)
    local v = tonumber(self._attributes[string.lower(name)])
    if v == nil then return default end
    return v
end
XElement.methods.GetAttributeBool = function(self, name, default)
    local v = self._attributes[string.lower(name)]
    if v == nil then return default end
    return v == true or string.lower(tostring(v)) == "true"
end
XElement.getters.NameAsIdentifier = function(self) return P.identifier(self._name) end

------------------------------------------------------------------------------------------------
-- Construction
------------------------------------------------------------------------------------------------

--- opts: mode ("server" | "singleplayer"), saveFolder (default: a fresh temp dir), language
--- ("en" | "zh"), prefabs (extra definitions), verbose, dedicated (server mode, default true).
function Sim.new(opts)
    opts = opts or {}
    local mode = opts.mode or "server"
    assert(mode == "server" or mode == "singleplayer", "mode must be \"server\" or \"singleplayer\"")
    local self = setmetatable({}, Sim)
    self.mode = mode
    self.isServer = mode == "server"
    self.language = opts.language or "en"
    -- Which LuaCs layer the Lua globals follow: "established" (default: the layer players install,
    -- evilfactory/LuaCsForBarotrauma master, SharedSource/LuaCs/Lua/LuaClasses/LuaGame.cs) or
    -- "services" (the rewrite on refactor/luacs-services-model, where LuaGame.cs has
    -- AssignOnClientRequestExecute commented out).
    self.luacs = opts.luacs or "established"
    assert(self.luacs == "established" or self.luacs == "services", "luacs: established or services")
    self.verbose = opts.verbose == true
    self.dedicated = opts.dedicated ~= false
    self.ownsSaveFolder = opts.saveFolder == nil
    self.saveFolder = F.normalize(opts.saveFolder or F.tempDir("dbio_sim"))
    if not F.isDir(self.saveFolder) then assert(F.mkdirs(self.saveFolder)) end
    self.callLog, self.printed, self.errors = {}, {}, {}
    self.disk, self.saveCount = {}, 0
    self.faults = { failPatch = {} }
    self.time, self.tickCount = 0, 0
    self.modDirs = {}
    self.clients, self.nextSessionId = {}, 1
    self.session, self.roundRunning, self.roundStartTime, self.gameStarted = nil, false, nil, false
    self.savePath = nil
    self.netLog = {}
    self.netStats = { toClients = { messages = 0, bytes = 0 }, toServer = { messages = 0, bytes = 0 } }
    self.pendingToClients, self.pendingToServer = {}, {}

    self.prefabs = P.newRegistry(function() return self.language end)
    for _, def in ipairs(loadDefs(Sim.FIXTURE_PREFABS)) do self.prefabs.add(def) end
    for _, def in ipairs(loadDefs(Sim.MOD_PREFABS)) do self.prefabs.add(def) end
    for _, def in ipairs(opts.prefabs or {}) do self.prefabs.add(def) end

    self.world = W.new({
        prefabs = self.prefabs,
        faults = self.faults,
        hook = function(event, ...) return self:_gameHook(event, ...) end,
        logError = function(m) self:_error(m) end,
        note = function(m) self:_note(m) end,
        invoke = function(cls, method, instance, args, original) return self:_invoke(cls, method, instance, args, original) end,
    })
    self.gameServer = Obj.new(Opaque["Barotrauma.Networking.GameServer"], {})
    self.lua = State.new(self, self.isServer and "server" or "sp")
    self.env = self.lua.env
    return self
end

--- Removes the temporary save folder (when the simulation made it).
function Sim:cleanup()
    if self.ownsSaveFolder and F.isDir(self.saveFolder) then F.removeTree(self.saveFolder) end
end

------------------------------------------------------------------------------------------------
-- Console, log and errors
------------------------------------------------------------------------------------------------
function Sim:_print(line)
    self.printed[#self.printed + 1] = line
    if self.verbose then io.write(line, "\n") end
end

function Sim:_error(msg)
    self.errors[#self.errors + 1] = msg
    self:_print(msg)
end

function Sim:_note(msg)
    self:_print("[sim] " .. msg)
end

function Sim:_log(entry)
    self.callLog[#self.callLog + 1] = entry
    if self.verbose then io.write("  -> ", entry, "\n") end
end

function Sim:clearLog()
    self.callLog = {}
end

--- The game fires a hook in this process's Lua (the server, or the singleplayer client).
function Sim:_gameHook(event, ...)
    return self.lua:call(event, ...)
end

--- A lifecycle hook: logged as "hook:<name>", fired in the main state and in client states.
function Sim:_lifecycleHook(event, alsoClients)
    self:_log("hook:" .. event)
    local r = self.lua:call(event)
    if alsoClients then
        for _, c in ipairs(self.clients) do
            local st = c._state
            if st ~= nil then st:call(event) end
        end
    end
    return r
end

--- Runs a patchable game method: the main state's prefixes, `original(args)`, postfixes.
function Sim:_invoke(className, methodName, instance, args, original)
    local info = R.method(className, methodName)
    return self.lua:invoke(info, instance, args, original)
end

--- Runs `code` (a string) in the main Lua state's environment and returns its results.
function Sim:eval(code)
    local chunk = assert(load(code, "=eval", "t", self.env))
    return chunk()
end

------------------------------------------------------------------------------------------------
-- Lua states and mods
------------------------------------------------------------------------------------------------
local function addModDir(self, dir)
    for _, d in ipairs(self.modDirs) do
        if d == dir then return end
    end
    self.modDirs[#self.modDirs + 1] = dir
end

--- Like LuaCs at startup: runs the Autorun files of `modDir` (a path, or a list of paths) with
--- `...` = the mod folder, then Hook.Call("loaded"). The folders are remembered for restarts.
function Sim:loadMod(modDir)
    local dirs = type(modDir) == "table" and modDir or { modDir }
    for _, d in ipairs(dirs) do addModDir(self, d) end
    self:_log("lua:load")
    self.lua:loadMods(dirs)
    self:_lifecycleHook("loaded")
end

function Sim:_newMainState()
    self.lua = State.new(self, self.isServer and "server" or "sp")
    self.env = self.lua.env
    self:_log("lua:load")
    self.lua:loadMods(self.modDirs)
    self:_lifecycleHook("loaded")
end

function Sim:_stopMainState()
    if self.lua.alive then
        self:_log("hook:stop")
        self.lua:stop()
    end
end

--- `reloadlua` mid-round: stop fires, every hook and patch is gone, the mods load again. No
--- roundStart follows.
function Sim:reloadLua()
    self:_stopMainState()
    self:_newMainState()
end

function Sim:_fileRoots()
    local read = {}
    for i, d in ipairs(self.modDirs) do read[i] = F.normalize(d) end
    return { read = read, write = { self.saveFolder } }
end

------------------------------------------------------------------------------------------------
-- Prefabs and items
------------------------------------------------------------------------------------------------
function Sim:addPrefab(def) return self.prefabs.add(def) end
function Sim:removePrefab(identifier) return self.prefabs.remove(identifier) end

function Sim:prefab(identifier)
    local p = self.prefabs.get(identifier)
    if p == nil then error("no prefab '" .. tostring(identifier) .. "' in the simulation", 3) end
    return p
end

local function applyOpts(item, o)
    if o.condition ~= nil then item.Condition = o.condition end
    if o.quality ~= nil then item.Quality = o.quality end
    if o.tags ~= nil and o.tags ~= "" then
        for t in string.gmatch(o.tags, "[^,]+") do item:AddTag((t:gsub("^%s+", ""):gsub("%s+$", ""))) end
    end
    if o.memory ~= nil then
        local values = type(o.memory) == "table" and o.memory or { o.memory }
        for i, c in ipairs(Items.componentsOf(item, "MemoryComponent")) do
            if values[i] ~= nil then c.Value = values[i] end
        end
    end
    if o.signals ~= nil then
        local ci = Items.componentsOf(item, "CustomInterface")[1]
        assert(ci ~= nil, tostring(item) .. " has no CustomInterface")
        for k, v in pairs(o.signals) do
            for i, e in ipairs(ci._elements) do
                if k == i or k == e._key then e._signal = v end
            end
        end
    end
    if o.stolen ~= nil then item._stolen = o.stolen == true end
    if o.outpost ~= nil then item._outpost = o.outpost end
    if o.allowStealing ~= nil then item._allowStealing = o.allowStealing == true end
    if o.spawnedInOutpost ~= nil then item._spawnedInOutpost = o.spawnedInOutpost == true end
    if o.voltage ~= nil then
        for _, c in ipairs(item._components) do
            if Items.POWERED[c._type] then c._voltage = o.voltage end
        end
    end
    -- links = { item, ... } (spawnNow only; startCampaign resolves keys itself).
    if o.links ~= nil then
        for _, other in ipairs(o.links) do
            if type(other) == "table" and other._links ~= nil then Items.link(item, other) end
        end
    end
end

function Sim:_spawnTree(prefab, o)
    local world = self.world
    local inv = o.inventory
    local sub, x, y
    if inv ~= nil then
        local owner = inv._owner
        local r = inv._isCharacter and { x = owner._x, y = owner._y, sub = owner._sub } or Inv.rootPosition(owner)
        sub, x, y = r.sub, r.x, r.y
    else
        if o.sub ~= false then sub = o.sub or world.mainSub end
        local pos = o.pos or {}
        x, y = pos.x or pos[1] or pos.X or 0, pos.y or pos[2] or pos.Y or 0
    end
    local item = world:createItem(prefab, { sub = sub, x = x, y = y })
    -- Properties as a submarine file or save sets them: after item.created, not truncated.
    local wasLoading = world.loading
    world.loading = true
    local ok, err = pcall(applyOpts, item, o)
    world.loading = wasLoading
    if not ok then error(err, 0) end
    if inv ~= nil then
        local ok
        if o.slot ~= nil then ok = Inv.tryPutSlot(inv, item, o.slot, false, false, nil, false)
        else ok = Inv.tryPut(inv, item, nil, false) end
        if not ok and not o.allowWorld then
            error(string.format("spawnNow: %s does not fit into %s%s", tostring(item), tostring(inv),
                o.slot ~= nil and (" slot " .. o.slot) or ""), 3)
        end
    end
    for _, c in ipairs(o.contents or {}) do
        local cprefab = self:prefab(c.id)
        local cinv = item._ownInvs[c.container or 1]
        assert(cinv ~= nil, tostring(item) .. " has no container " .. tostring(c.container or 1))
        for _ = 1, c.count or 1 do
            local copy = {}
            for k, v in pairs(c) do copy[k] = v end
            copy.inventory = cinv
            self:_spawnTree(cprefab, copy)
        end
    end
    return item
end

--- Test setup: creates an item now (item.created fires, then the options apply). opts:
--- inventory, slot, condition, quality, tags, memory, signals, stolen, outpost, allowStealing,
--- voltage, pos = {x, y}, sub = false (not on the submarine), allowWorld, contents = {{id=, count=,
--- container=, slot=, ...}}.
function Sim:spawnNow(identifier, opts)
    return self:_spawnTree(self:prefab(identifier), opts or {})
end

function Sim:spawnMany(identifier, n, opts)
    local out = {}
    for i = 1, n do out[i] = self:spawnNow(identifier, opts) end
    return out
end

function Sim:removeNow(item)
    self.world:removeItem(item)
end

function Sim:items()
    return self.world:liveItems()
end

function Sim:findAll(identifier)
    local lower, out = string.lower(identifier), {}
    for _, it in ipairs(self.world:liveItems()) do
        if it._prefab._lower == lower then out[#out + 1] = it end
    end
    return out
end

function Sim:find(identifier)
    return self:findAll(identifier)[1]
end

function Sim:itemById(id)
    local e = self.world.byId[id]
    if e ~= nil and not e._removed and Obj.is(e, Items.Item) then return e end
    return nil
end

--- A readable tree of the world (for debugging a spec): roots, their contents, characters.
function Sim:dump()
    local lines = {}
    local function walk(item, depth, where)
        local mem = Items.componentsOf(item, "MemoryComponent")[1]
        lines[#lines + 1] = string.format("%s%s%s cond=%.1f q=%d%s%s", string.rep("  ", depth), where, tostring(item),
            item._condition, item._quality, item._tags[1] and (" tags=" .. table.concat(item._tags, ",")) or "",
            mem and (" mem=" .. string.format("%q", #mem._value > 40 and (mem._value:sub(1, 40) .. "...") or mem._value)) or "")
        for k, inv in ipairs(item._ownInvs) do
            for s2 = 1, inv._cap do
                for _, child in ipairs(inv._slots[s2]) do
                    walk(child, depth + 1, string.format("[%d:%d] ", k, s2 - 1))
                end
            end
        end
    end
    for _, item in ipairs(self.world:liveItems()) do
        if item._parentInv == nil then walk(item, 0, item._sub == nil and "(off sub) " or "") end
    end
    for _, c in ipairs(self.world.characters) do
        lines[#lines + 1] = tostring(c) .. string.format(" id=%d%s", c._id, c._dead and " dead" or "")
        local inv = c._inventory
        for s2 = 1, inv._cap do
            for _, child in ipairs(inv._slots[s2]) do walk(child, 1, string.format("[%d] ", s2 - 1)) end
        end
    end
    return table.concat(lines, "\n")
end

--- Live units of `identifier` anywhere: submarine, world, containers, character inventories.
function Sim:countUnits(identifier)
    return #self:findAll(identifier)
end

------------------------------------------------------------------------------------------------
-- Ticks and network
------------------------------------------------------------------------------------------------

--- n fixed updates (default 1): time +1/60 s, fabricators, the spawner's queue (spawns and
--- removals in queued order), network delivery to Lua states, then the think hook.
function Sim:tick(n)
    local world = self.world
    for _ = 1, n or 1 do
        self.time = self.time + 1 / 60
        self.tickCount = self.tickCount + 1
        -- MapEntity.UpdateAll: the items update (fabricators), then Spawner.Update; the network
        -- (Server.Update) and think (LuaCs.Update) follow in GameMain.Update.
        Fab.updateAll(world, 1 / 60)
        world:processQueue()
        if #self.pendingToServer > 0 or #self.pendingToClients > 0 then self:_flushNetwork() end
        self.lua:call("think")
        for _, c in ipairs(self.clients) do
            local st = c._state
            if st ~= nil then st:call("think") end
            if st ~= nil and c._gui ~= nil then
                c._gui.updateList = {}
                st:invoke(R.method("Barotrauma.GameScreen", "AddToGUIUpdateList"), GAME_SCREEN, {}, function() end)
            end
        end
    end
end

--- The simulated GUI of a client added with gui = true (test/sim/gui.lua), or nil.
function Sim:clientGui(client)
    return client._gui
end

function Sim:_clientList()
    return Obj.copyList(self.clients)
end

function Sim:_sendFromServer(writer, connection)
    local msg = N.snapshot(writer)
    local targets
    if connection ~= nil then
        local c = rawget(connection, "_client")
        if c == nil then error("Networking.Send: not a connection", 3) end
        targets = c._connected and { c } or {}
    else
        targets = self.clients
    end
    local delivered = 0
    for _, c in ipairs(targets) do
        if c._luacs then
            c.inbox[#c.inbox + 1] = msg
            delivered = delivered + 1
            if c._state ~= nil then self.pendingToClients[#self.pendingToClients + 1] = { client = c, msg = msg } end
        end
    end
    self.netStats.toClients.messages = self.netStats.toClients.messages + delivered
    self.netStats.toClients.bytes = self.netStats.toClients.bytes + delivered * msg.bytes
    self.netLog[#self.netLog + 1] = { dir = "toClients", name = msg.name, bytes = msg.bytes, recipients = delivered,
        to = connection and rawget(connection, "_client")._name or "*" }
end

function Sim:_sendFromClient(state, writer)
    local msg = N.snapshot(writer)
    self.pendingToServer[#self.pendingToServer + 1] = { client = state.client, msg = msg }
end

function Sim:_deliverToServer(client, msg)
    self.netStats.toServer.messages = self.netStats.toServer.messages + 1
    self.netStats.toServer.bytes = self.netStats.toServer.bytes + msg.bytes
    self.netLog[#self.netLog + 1] = { dir = "toServer", name = msg.name, bytes = msg.bytes, from = client._name }
    local fn = self.lua.alive and self.lua.receivers[msg.name]
    if not fn then return false end
    local ok, err = xpcall(fn, debug.traceback, N.newReader(msg), client)
    if not ok then self:_error("Exception thrown inside NetMessageReceive(" .. tostring(msg.name) .. "):\n" .. tostring(err)) end
    return true
end

function Sim:_flushNetwork()
    local toServer, toClients = self.pendingToServer, self.pendingToClients
    self.pendingToServer, self.pendingToClients = {}, {}
    for _, e in ipairs(toServer) do
        if e.client._connected then self:_deliverToServer(e.client, e.msg) end
    end
    for _, e in ipairs(toClients) do
        local st = e.client._state
        local fn = st and st.alive and st.receivers[e.msg.name]
        if fn then
            local ok, err = xpcall(fn, debug.traceback, N.newReader(e.msg), nil)
            if not ok then self:_error("Exception thrown inside NetMessageReceive(" .. tostring(e.msg.name) .. ") on " .. e.client._name .. ":\n" .. tostring(err)) end
        end
    end
end

--- A client message arriving now: `fill(writer)` writes it; server receivers get (msg, client).
--- Returns true when a receiver took it.
function Sim:clientSend(client, name, fill)
    local w = N.newWriter(name)
    if fill then fill(w) end
    return self:_deliverToServer(client, N.snapshot(w))
end

------------------------------------------------------------------------------------------------
-- Clients and characters
------------------------------------------------------------------------------------------------
function Sim:_spawnCharacter(name, client)
    local c = self.world:createCharacter(name, { client = client, sub = self.world.mainSub })
    return c
end

--- A player joins the server. opts: name, luacs (client-side LuaCs, default false), admin,
--- permissions (ClientPermissions flags), lua (also run the mods in a client Lua state; needs
--- luacs). The client gets a character on the submarine when a round is running.
function Sim:addClient(opts)
    assert(self.isServer, "addClient: clients exist only in server mode")
    opts = opts or {}
    local id = self.nextSessionId
    self.nextSessionId = id + 1
    local c = Obj.new(Client, {
        _name = opts.name or ("Player" .. id), _sessionId = id, _admin = opts.admin == true,
        _permissions = opts.permissions or 0, _luacs = opts.luacs == true, _connected = true,
        inbox = {},
    })
    c._connection = Obj.new(Connection, { _client = c })
    self.clients[#self.clients + 1] = c
    if self.roundRunning then c._character = self:_spawnCharacter(c._name, c) end
    self.lua:call("client.connected", c)
    if c._luacs then
        local packages = {}
        for i, d in ipairs(self.modDirs) do
            packages[i] = { Name = d:match("([^/]+)/*$") or d, Version = "0", Id = i, Hash = "" }
        end
        self.lua:call("client.packages", c, packages)
        if opts.lua then
            local st = State.new(self, "client", c)
            c._state = st
            -- gui = true: the game's GUI classes exist in this client state (test/sim/gui.lua).
            if opts.gui then c._gui = require("sim.gui").install(st.env) end
            st:loadMods(self.modDirs)
            st:call("loaded")
        end
    end
    return c
end

--- The client leaves: client.disconnected fires; its character stays in the round.
function Sim:disconnect(client)
    if not client._connected then return end
    client._connected = false
    -- GameServer.DisconnectClient (ServerSource/Networking/GameServer.cs) fires the hook before
    -- connectedClients.Remove(client): the client is still in Client.ClientList meanwhile.
    self.lua:call("client.disconnected", client)
    for i, c in ipairs(self.clients) do
        if c == client then table.remove(self.clients, i) break end
    end
    if client._state ~= nil then client._state:stop() end
end

--- The client's Lua state environment (clients added with lua = true).
function Sim:clientEnv(client)
    return client._state and client._state.env
end

function Sim:setPosition(entity, x, y)
    entity._x, entity._y = x, y
end

function Sim:kill(character)
    character._dead = true
end

--- A player selects (interacts with) an item: Item.TryInteract sets the character's
--- SelectedItem, or SelectedSecondaryItem for a secondary item such as a ladder or a chair
--- (`secondary`) (SharedSource/Items/Item.cs, Item.TryInteract).
--- No item.interact hook fires. The game's C# never raises it; only LuaCs's Lua default hooks do,
--- and neither LuaCs layer does so for a mod: the rewrite's DefaultHook.lua starts with
--- `if true then return end` (LocalMods/LuaCsForBarotrauma/Lua/DefaultHook.lua), and the
--- established layer's TryInteract prefix reads p["picker"] and p["forceActionKey"], names
--- TryInteract(Character user, bool ignoreRequiredItems, bool forceSelectKey, bool forceUseKey)
--- does not have, so the ParameterTable indexer (LuaCsHook.cs, a Dictionary lookup in
--- OriginalParameters) fails before Hook.Call. Returns true.
function Sim:select(character, item, secondary)
    if secondary then character._selectedSecondary = item else character._selected = item end
    return true
end

function Sim:deselect(character)
    character._selected = nil
    character._selectedSecondary = nil
end

function Sim:setVoltage(item, v)
    for _, c in ipairs(item._components) do
        if Items.POWERED[c._type] then c._voltage = v end
    end
end

--- A player drags `item` into `inventory` (a slot, or the first that takes it). Returns bool.
function Sim:moveItem(item, inventory, slot, character)
    if slot ~= nil then return inventory:TryPutItem(item, slot, true, true, character) end
    return inventory:TryPutItem(item, character)
end

--- A player drops `item` on the floor; item.drop returning true cancels. Returns bool.
function Sim:dropItem(item, character)
    local veto = self.lua:call("item.drop", item, character)
    if veto == true then return false end
    Inv.drop(item)
    if item._sub == nil then item._sub = self.world.mainSub end
    return true
end

local Property = Obj.class("Barotrauma.SerializableProperty")
Property.getters.Name = function(self) return self._name end
Property.tostring = function(self) return self._name end

--- A property edit arriving from a client (the in-game editor or a vanilla UI): the
--- item.readPropertyChange hook may refuse it (true); otherwise the setter runs (a
--- MemoryComponent.Value is truncated as usual). `componentType` nil edits the item itself.
--- Returns true when the value was applied.
function Sim:editProperty(client, item, componentType, propertyName, value)
    local target = item
    if componentType ~= nil then
        target = item:GetComponentString(componentType)
        assert(target ~= nil, tostring(item) .. " has no " .. componentType)
    end
    local prop = Obj.new(Property, { _name = propertyName })
    if self.lua:call("item.readPropertyChange", item, prop, target, true, client) == true then return false end
    target[propertyName] = value
    return true
end

--- The element a test means: its 1-based position, or the `text` attribute it has in the XML
--- (a test's shorthand; the element's Label in the game is the localized text, see items.lua).
local function findElement(item, labelOrIndex)
    local ci = Items.componentsOf(item, "CustomInterface")[1]
    if ci == nil then error(tostring(item) .. " has no CustomInterface", 3) end
    for i, e in ipairs(ci._elements) do
        if labelOrIndex == i or labelOrIndex == e._key then return e end
    end
    error(tostring(item) .. " has no CustomInterface element " .. tostring(labelOrIndex), 3)
end

--- A CustomInterface button press (1-based index or label): the element's StatusEffect runs on
--- the server: statusEffect.apply.<identifier> (true cancels), then each <LuaHook name> as
--- Hook.Call(name, effect, deltaTime, item, targets, worldPosition, element).
function Sim:pressButton(character, item, labelOrIndex)
    local e = findElement(item, labelOrIndex)
    assert(e._kind == "button", "element " .. tostring(labelOrIndex) .. " is not a button")
    local effect = Obj.new(Opaque["Barotrauma.StatusEffect"], {})
    local pos = item.WorldPosition
    local targets = { item }
    self.lastPressedBy = character
    if self.lua:call("statusEffect.apply." .. item._prefab._id, effect, 1.0, item, targets, pos) == true then
        return false
    end
    for _, h in ipairs(e._hooks) do
        local attrs = { name = h.name }
        for k, v in pairs(h.attributes) do attrs[string.lower(k)] = v end
        local xel = Obj.new(XElement, { _name = "LuaHook", _attributes = attrs })
        if self.lua:call(h.name, effect, 1.0, item, targets, pos, xel) == true then break end
    end
    return true
end

--- A wire signal arriving at `item`'s input `connectionName` (Connection.SendSignal): fires
--- `signalReceived` and `signalReceived.<identifier>` with (signal, connection) after delivery.
--- `signal.value` is the text, `connection.Name` / `connection.Item` the receiving end. A real
--- continuous signal arrives every update: call this once per tick to model one.
function Sim:sendSignal(item, connectionName, value)
    local signal = Obj.new(Signal, { _value = tostring(value) })
    local connection = Obj.new(Connection, { _name = connectionName, _item = item })
    self.lua:call("signalReceived", signal, connection)
    self.lua:call("signalReceived." .. item._prefab._id, signal, connection)
end

--- A CustomInterface text field edit: sets element.Signal (cut to its max length).
function Sim:setText(character, item, labelOrIndex, text)
    local e = findElement(item, labelOrIndex)
    assert(e._kind == "textbox", "element " .. tostring(labelOrIndex) .. " is not a text field")
    if #text > e._maxTextLength then text = text:sub(1, e._maxTextLength) end
    self.lastEditedBy = character
    -- The text is set through CustomInterface.TextChanged(textElement, text), a private method:
    -- the server calls it from CustomInterface.ServerEventRead for a client's edit
    -- (ServerSource/Items/Components/Signal/CustomInterface.cs), the client from its text box
    -- (ClientSource/.../CustomInterface.cs); it sets textElement.Signal (SharedSource/.../
    -- CustomInterface.cs). Patches on it see (and may replace) the text.
    local ci = Items.componentsOf(item, "CustomInterface")[1]
    self:_invoke("Barotrauma.Items.Components.CustomInterface", "TextChanged", ci, { textElement = e, text = text },
        function(args)
            if args.textElement == nil then return end
            args.textElement._signal = args.text
        end)
    return true
end

--- The text a field holds now (its element's Signal, what a save writes).
function Sim:fieldText(item, labelOrIndex)
    return findElement(item, labelOrIndex)._signal
end

------------------------------------------------------------------------------------------------
-- Console commands
------------------------------------------------------------------------------------------------
local function splitArgs(line)
    local args, i, n = {}, 1, #line
    while i <= n do
        local c = line:sub(i, i)
        if c:match("%s") then
            i = i + 1
        elseif c == '"' then
            local j = line:find('"', i + 1, true) or (n + 1)
            args[#args + 1] = line:sub(i + 1, j - 1)
            i = j + 1
        else
            local j = line:find("%s", i) or (n + 1)
            args[#args + 1] = line:sub(i, j - 1)
            i = j
        end
    end
    return args
end

--- A console command. Without a client it runs on the server (or singleplayer) console; with a
--- client it is a client's request: it needs the ConsoleCommands permission and runs the
--- AssignOnClientRequestExecute handler (or the command itself when none is assigned).
--- Returns true when a command ran.
function Sim:runCommand(line, client)
    local args = splitArgs(line)
    local name = table.remove(args, 1)
    if name == nil then return false end
    local cmd = self.lua.alive and self.lua.commands[string.lower(name)]
    if client ~= nil then
        if not client:HasPermission(A.PERMISSIONS.ConsoleCommands) then
            self:_print(client._name .. " is not permitted to use the command \"" .. name .. "\".")
            return false
        end
    end
    if not cmd then
        self:_print("Command \"" .. name .. "\" not found.")
        return false
    end
    local ok, err
    if client ~= nil and cmd.clientFn then
        local ch = client.Character
        ok, err = xpcall(cmd.clientFn, debug.traceback, client, ch and ch.WorldPosition or Items.vector(0, 0), args)
    else
        ok, err = xpcall(cmd.fn, debug.traceback, args)
    end
    if not ok then self:_error("Error executing command \"" .. name .. "\":\n" .. tostring(err)) end
    return true
end

------------------------------------------------------------------------------------------------
-- Saves
------------------------------------------------------------------------------------------------
local function newSession(self)
    local session = {
        subInfo = nil, playerData = {}, roundEnded = false,
        obj = Obj.new(A.GameSession, { _sim = self, _campaign = Obj.new(A.Campaign, {}) }),
    }
    return session
end

function Sim:_gameSession()
    return self.session and self.session.obj or nil
end

function Sim:_dataPath()
    return Obj.new(Opaque["Barotrauma.CampaignDataPath"], { _path = self.savePath })
end

--- The save on disk for the current campaign (do not modify it).
function Sim:currentSave()
    return self.savePath and self.disk[self.savePath] or nil
end

--- Every item record of a save (default: the current one), submarine first.
function Sim:savedRecords(save)
    return S.allRecords(save or self:currentSave())
end

--- The last capture (GameSession.SubmarineInfo), or nil.
function Sim:lastCapture()
    return self.session and self.session.subInfo or nil
end

local function reportProblems(self, problems)
    for _, p in ipairs(problems) do self:_error("capture: " .. p) end
end

--- new SubmarineInfo(sub): SaveToXElement's prefixes, the item serialisation, postfixes.
function Sim:_capture()
    self:_log("capture")
    local world = self.world
    local sub = world.mainSub
    local captured = { name = sub and sub._info._name or "", items = {} }
    local problems = {}
    self:_invoke("Barotrauma.Submarine", "SaveToXElement", sub,
        { element = Obj.new(Opaque["System.Xml.Linq.XElement"], {}) },
        function() captured = S.captureSub(world, problems) end)
    reportProblems(self, problems)
    self.session.subInfo = captured
end

--- The step at which `sim.faults.saveFails` makes this SaveGame fail, or nil. The switch is a step
--- name ("clearFolder", "gamesession", "submarine", "compress"; true = "compress") for every
--- save, or a function(isSavingOnLoading, n) -> step or nil (n counts SaveGame calls from 1).
local function saveFault(self, isSavingOnLoading)
    local f = self.faults.saveFails
    self.saveCalls = (self.saveCalls or 0) + 1
    if type(f) == "function" then f = f(isSavingOnLoading == true, self.saveCalls) end
    if f == true then return "compress" end
    return f
end

--- SaveUtil.SaveGame(CampaignDataPath, bool isSavingOnLoading): each step runs in its own
--- try/catch that logs the error (DebugConsole.ThrowError) and returns, so a failed save still
--- returns normally and every After patch of SaveGame runs (SaveUtil.SaveGame: "Failed to clear
--- folder", "Error saving gamesession", "Error saving submarine" return; "Error compressing save
--- file" is the last step). The file is written by SaveUtil.CompressDirectory(TempPath,
--- SavePath), which this simulation calls through the patches: when it raises, its postfixes do
--- not run. What is written: the last capture (GameSession.SubmarineInfo) and the player data.
function Sim:_saveGame(isSavingOnLoading)
    self:_log(isSavingOnLoading and "SaveGame(isSavingOnLoading)" or "SaveGame")
    local fault = saveFault(self, isSavingOnLoading)
    self:_invoke("Barotrauma.SaveUtil", "SaveGame", nil,
        { filePath = self:_dataPath(), isSavingOnLoading = isSavingOnLoading == true },
        function()
            local function failed(what)
                self:_log("SaveGame failed: " .. what)
                self:_print("ERROR: " .. what .. " (simulated fault)")
            end
            if fault == "clearFolder" then return failed("Failed to clear folder") end
            local session = self.session
            if fault == "gamesession" then return failed("Error saving gamesession") end
            if not self.isServer and self.player ~= nil and not self.player._removed then
                -- Singleplayer: the crew's inventories go into the campaign file at save time.
                local problems = {}
                session.playerData = { [self.player._name] = S.captureCharacter(self.player, problems) }
                reportProblems(self, problems)
            end
            if fault == "submarine" then return failed("Error saving submarine") end
            local ok = pcall(self._invoke, self, "Barotrauma.SaveUtil", "CompressDirectory", nil,
                { sInDir = self.saveFolder .. "/temp", sOutFile = self.savePath },
                function()
                    if fault == "compress" then error("System.IO.IOException: simulated write failure", 0) end
                    self.saveCount = self.saveCount + 1
                    self.disk[self.savePath] = S.deepcopy({
                        sub = session.subInfo, players = session.playerData, serial = self.saveCount,
                        isSavingOnLoading = isSavingOnLoading == true,
                    })
                end)
            if not ok then failed("Error compressing save file") end
        end)
end

--- Multiplayer SavePlayers (MultiPlayerCampaign.SavePlayers, server only): each living client
--- character's inventory goes into the campaign data. Patchable: its prefixes run before any
--- inventory is read (MultiPlayerCampaign.DoLevelTransition and GameServer's ManageRound call it
--- as the first save step).
function Sim:_savePlayers()
    self:_log("SavePlayers")
    self:_invoke("Barotrauma.MultiPlayerCampaign", "SavePlayers", self.session.obj._campaign, {}, function()
        local problems = {}
        for _, c in ipairs(self.clients) do
            local ch = c._character
            if ch ~= nil and not ch._removed then
                if ch._dead then
                    self.session.playerData[c._name] = nil
                else
                    self.session.playerData[c._name] = S.captureCharacter(ch, problems)
                end
            end
        end
        reportProblems(self, problems)
    end)
end

function Sim:_endRound(transitionType)
    self:_log("EndRound")
    self:_invoke("Barotrauma.GameSession", "EndRound", self.session.obj,
        { endMessage = "", transitionType = transitionType or 0, traitorResults = nil, createRoundSummary = true },
        function()
            -- GameSession.EndRound (SharedSource/GameSession/GameSession.cs): roundEnd first (#if
            -- CLIENT), missionsEnded, and IsRunning = false at its end.
            if not self.isServer then self:_lifecycleHook("roundEnd") end
            self.session.roundEnded = true
            self.lua:call("missionsEnded", {})
            self.roundRunning = false
        end)
end

function Sim:_endGame(wasSaved, transitionType)
    self:_log("EndGame(wasSaved=" .. tostring(wasSaved) .. ")")
    self:_invoke("Barotrauma.Networking.GameServer", "EndGame", self.gameServer,
        { transitionType = transitionType or 0, wasSaved = wasSaved, missions = {} },
        function(args)
            if not self.session.roundEnded then self:_endRound(args.transitionType) end
            self.roundRunning = false
            self:_lifecycleHook("roundEnd", true)
            -- GameServer.EndGame clears GameStarted (Game.RoundStarted on a server) only after the
            -- roundEnd hook.
            self.gameStarted = false
        end)
end

--- Submarine.Unload: item.removed for every item; queued spawns are dropped.
function Sim:_unload()
    self:_log("unload")
    self.roundRunning = false
    local dropped = self.world:unload()
    if dropped > 0 then self:_note(string.format("%d queued spawn(s) discarded at unload", dropped)) end
end

--- Process end without Lua: the world disappears without hooks.
function Sim:_silentReset()
    self.world.silent = true
    self.world:unload()
    self.world.silent = false
    self.roundRunning = false
    self.gameStarted = false
end

--- Loads `subInfo` as the new round's submarine, then the characters with their saved items.
function Sim:_loadRound(subInfo)
    self:_log("load")
    local world = self.world
    world:newSubmarine(subInfo.name)
    local note = function(m) self:_note(m) end
    S.load(world, subInfo.items, { keepIds = true, sub = world.mainSub, note = note })
    local data = self.session.playerData
    if self.isServer then
        for _, c in ipairs(self.clients) do
            local ch = self:_spawnCharacter(c._name, c)
            c._character = ch
            if data[c._name] then S.load(world, data[c._name], { character = ch, note = note }) end
        end
    else
        self.player = self:_spawnCharacter("Player")
        if data.Player then S.load(world, data.Player, { character = self.player, note = note }) end
    end
end

--- Multiplayer: bots hired in the campaign are created at the next round start, and
--- GameServer.StartGame then saves ("created new bots -> save them": SaveUtil.SaveGame with no
--- capture before it). Rounds that load existing bots do not save.
function Sim:hireBots()
    assert(self.isServer and self.session ~= nil, "hireBots: needs a multiplayer campaign")
    self.session.newBots = true
end

function Sim:_beginRound(saveOnStart)
    if saveOnStart then self:_saveGame(true) end
    if self.isServer and self.session.newBots then
        -- GameServer.StartGame: `campaign != null && crewManager.HasBots && !hadBots` -> SaveGame,
        -- before the roundStart hook.
        self.session.newBots = false
        self:_log("new bots")
        self:_saveGame(false)
    end
    self.session.roundEnded = false
    self.roundRunning = true
    -- GameServer.StartGame sets GameStarted = true just before Hook.Call("roundStart").
    self.gameStarted = true
    self.roundStartTime = self.time
    self:_lifecycleHook("roundStart", true)
end

local function buildItems(self, spec)
    local byIndex, byKey = {}, {}
    for i, e in ipairs(spec.items or {}) do
        local prefab = self:prefab(e.id)
        local inv
        if e.inside ~= nil then
            local container = byIndex[e.inside] or byKey[e.inside]
            assert(container, "startCampaign: item " .. i .. " is inside unknown entry " .. tostring(e.inside))
            inv = container._ownInvs[e.container or 1]
            assert(inv, "startCampaign: entry " .. tostring(e.inside) .. " has no container " .. tostring(e.container or 1))
        end
        for k = 1, e.count or 1 do
            local o = {}
            for key, v in pairs(e) do o[key] = v end
            o.inventory = inv
            local item = self:_spawnTree(prefab, o)
            if k == 1 then
                byIndex[i] = item
                if e.key ~= nil then byKey[e.key] = item end
            end
        end
    end
    -- links = { key or index, ... }: submarine-editor links, made once every entry exists.
    for i, e in ipairs(spec.items or {}) do
        for _, ref in ipairs(e.links or {}) do
            local other = byIndex[ref] or byKey[ref]
            assert(other, "startCampaign: item " .. i .. " links to unknown entry " .. tostring(ref))
            Items.link(byIndex[i], other)
        end
    end
end

--- Builds the spec's items in a silent world (no hooks: it is a submarine file, not a round),
--- records them as a save would, then clears the world again.
local function buildSub(self, spec)
    local world = self.world
    world.silent = true
    world:newSubmarine(spec.name or "Sim Submarine")
    local ok, err = pcall(buildItems, self, spec)
    local problems, built = {}, nil
    if ok then built = S.captureSub(world, problems) end
    world:unload()
    world.silent = false
    if not ok then error(err, 0) end
    reportProblems(self, problems)
    return built
end

------------------------------------------------------------------------------------------------
-- Lifecycle (each in the game's call order)
------------------------------------------------------------------------------------------------
local function requireRound(self, what, mode)
    if mode == "server" then assert(self.isServer, what .. ": server mode only")
    elseif mode == "singleplayer" then assert(not self.isServer, what .. ": singleplayer mode only") end
    assert(self.roundRunning, what .. ": no round is running")
end

--- A new campaign from `spec` (README.md "Submarine spec"). Server: the campaign is saved, then
--- the round loads it and starts. Singleplayer: the round loads it, the start-of-campaign save
--- runs (isSavingOnLoading), then roundStart.
function Sim:startCampaign(spec)
    spec = spec or {}
    assert(self.session == nil, "startCampaign: a campaign is already running")
    local built = buildSub(self, spec)
    self.savePath = self.saveFolder .. (self.isServer and "/Multiplayer/" or "/") .. (spec.saveName or "sim_campaign") .. ".save"
    self.session = newSession(self)
    self.session.subInfo = built
    if self.isServer then
        self:_saveGame(false)
        self:_loadRound(self.session.subInfo)
        self:_beginRound(false)
    else
        self:_loadRound(self.session.subInfo)
        self:_beginRound(true)
    end
end

--- Multiplayer: starts the next round from the lobby (loads GameSession.SubmarineInfo).
function Sim:startRound()
    assert(self.isServer, "startRound: server mode only")
    assert(self.session ~= nil and not self.roundRunning, "startRound: needs a campaign in the lobby")
    self:_loadRound(self.session.subInfo)
    self:_beginRound(false)
end

--- MP level transition, crew alive: EndRound, SavePlayers, one frame, capture, SaveGame,
--- EndGame(wasSaved=true), roundEnd, unload, then the next round (load, roundStart).
function Sim:mpTransition()
    requireRound(self, "mpTransition", "server")
    self:_endRound(Sim.TRANSITION.ProgressToNextLocation)
    self:_savePlayers()
    self:tick(1)
    self:_capture()
    self:_saveGame(false)
    self:_endGame(true, Sim.TRANSITION.ProgressToNextLocation)
    self:_unload()
    self:_loadRound(self.session.subInfo)
    self:_beginRound(false)
end

--- MP "Save & quit" at an outpost: SavePlayers, HandleSaveAndQuit (capture), SaveGame,
--- EndGame(wasSaved=true), EndRound, roundEnd, unload; the server is then in the lobby.
function Sim:mpSaveAndQuit(opts)
    requireRound(self, "mpSaveAndQuit", "server")
    self:_savePlayers()
    self:_log("HandleSaveAndQuit")
    self:_invoke("Barotrauma.CampaignMode", "HandleSaveAndQuit", self.session.obj._campaign, {},
        function() self:_capture() end)
    self:_saveGame(false)
    self:_endGame(true, Sim.TRANSITION.None)
    self:_unload()
    if opts and opts.nextRound then self:startRound() end
end

--- MP round ended without a save (host, vote, everyone down): EndGame(wasSaved=false),
--- EndRound, roundEnd, unload. The next round loads the last capture.
function Sim:mpEndWithoutSave(opts)
    requireRound(self, "mpEndWithoutSave", "server")
    self:_endGame(false, Sim.TRANSITION.None)
    self:_unload()
    if opts and opts.nextRound then self:startRound() end
end

function Sim:_loadCampaign()
    self:_log("LoadCampaign")
    self:_invoke("Barotrauma.MultiPlayerCampaign", "LoadCampaign", nil, { path = self:_dataPath(), client = nil },
        function()
            local save = self.disk[self.savePath]
            assert(save ~= nil, "LoadCampaign: no save on disk")
            self.session.subInfo = S.deepcopy(save.sub)
            self.session.playerData = S.deepcopy(save.players or {})
            -- SaveUtil.LoadGame builds a new GameSession; on a server its constructor saves once
            -- (GameSession(SubmarineInfo, List, XDocument, CampaignDataPath), "multiplayercampaign":
            -- SaveUtil.SaveGame(campaignData, isSavingOnLoading: true)).
            self:_saveGame(true)
        end)
end

--- MP transition with the whole crew dead: EndRound, EndGame(wasSaved=false), roundEnd,
--- unload, LoadCampaign (the campaign is reloaded from disk); the server is then in the lobby.
function Sim:mpCrewDead(opts)
    requireRound(self, "mpCrewDead", "server")
    for _, c in ipairs(self.clients) do
        if c._character ~= nil then c._character._dead = true end
    end
    self:_endRound(Sim.TRANSITION.None)
    self:_endGame(false, Sim.TRANSITION.None)
    self:_unload()
    self:_loadCampaign()
    if opts and opts.nextRound then self:startRound() end
end

--- The server process stops mid-round: only "stop" fires; clients are gone, nothing is written.
function Sim:serverStop()
    assert(self.isServer, "serverStop: server mode only")
    self:_stopMainState()
    for _, c in ipairs(self.clients) do
        c._connected = false
        if c._state ~= nil then c._state:stop() end
    end
    self.clients = {}
    self:_silentReset()
    self.session = nil
end

--- A fresh server process: a new Lua state runs the mods, the campaign is loaded from disk and
--- a round starts.
function Sim:serverStart()
    assert(self.isServer, "serverStart: server mode only")
    assert(self.session == nil, "serverStart: the server is running (call serverStop first)")
    assert(self.savePath ~= nil and self.disk[self.savePath] ~= nil, "serverStart: no campaign save on disk")
    self.time = self.time + 60
    self:_newMainState()
    self.session = newSession(self)
    self:_loadCampaign()
    self:_loadRound(self.session.subInfo)
    self:_beginRound(false)
end

--- SP level transition: EndRound (roundEnd first), fade-out frame, capture, SaveGame, then the
--- next level (unload, load, roundStart).
function Sim:spTransition()
    requireRound(self, "spTransition", "singleplayer")
    self:_endRound(Sim.TRANSITION.ProgressToNextLocation)
    self:tick(1)
    self:_capture()
    self:_saveGame(false)
    self:_unload()
    self:_loadRound(self.session.subInfo)
    self:_beginRound(false)
end

--- SP game over (crew dead): EndRound (roundEnd). Then spRetry or spQuitWithoutSaving.
function Sim:spGameOver()
    requireRound(self, "spGameOver", "singleplayer")
    if self.player ~= nil then self.player._dead = true end
    self:_endRound(Sim.TRANSITION.None)
end

function Sim:_quitToMainMenu(save)
    self:_log("QuitToMainMenu(save=" .. tostring(save) .. ")")
    self:_invoke("Barotrauma.GameMain", "QuitToMainMenu", nil, { save = save }, function()
        if save then
            self:_log("HandleSaveAndQuit")
            self:_invoke("Barotrauma.CampaignMode", "HandleSaveAndQuit", self.session.obj._campaign, {},
                function() self:_capture() end)
            self:_saveGame(false)
        end
        self:_stopMainState()
        self:_silentReset()
        self.session = nil
    end)
end

--- SP pause menu "Save & Quit": QuitToMainMenu(save=true), HandleSaveAndQuit (capture),
--- SaveGame, stop. No roundEnd.
function Sim:spSaveAndQuit()
    requireRound(self, "spSaveAndQuit", "singleplayer")
    self:_quitToMainMenu(true)
end

--- SP pause menu "Quit": QuitToMainMenu(save=false), stop. Nothing is written.
function Sim:spQuitWithoutSaving()
    assert(not self.isServer and self.session ~= nil, "spQuitWithoutSaving: needs a singleplayer campaign")
    self:_quitToMainMenu(false)
end

--- SP "Load game" from the main menu: Lua starts (no GameSession yet), the save loads,
--- roundStart. No save on start: SinglePlayerCampaign's loading constructor
--- (ClientSource/GameSession/GameModes/SinglePlayerCampaign.cs, SinglePlayerCampaign(XElement))
--- ends with savedOnStart = true, and SinglePlayerCampaign.Start calls SaveUtil.SaveGame only
--- while savedOnStart is false (a new campaign); the GameSession loading constructor saves only
--- a multiplayer campaign (SharedSource/GameSession/GameSession.cs).
function Sim:spLoadGame()
    assert(not self.isServer, "spLoadGame: singleplayer mode only")
    assert(self.session == nil, "spLoadGame: a campaign is running")
    local save = self.savePath and self.disk[self.savePath]
    assert(save ~= nil, "spLoadGame: no save on disk")
    self.time = self.time + 10
    self:_newMainState()
    self.session = newSession(self)
    self.session.subInfo = S.deepcopy(save.sub)
    self.session.playerData = S.deepcopy(save.players or {})
    self:_loadRound(self.session.subInfo)
    self:_beginRound(false)
end

--- SP Retry / load the previous save after game over: LoadPreviousSave, unload, load (from
--- disk), roundStart. Lua is not restarted, no roundEnd. No save on start: LoadPreviousSave
--- goes through SaveUtil.LoadGame to SinglePlayerCampaign's loading constructor, which sets
--- savedOnStart (see spLoadGame).
function Sim:spRetry()
    assert(not self.isServer and self.session ~= nil, "spRetry: needs a singleplayer campaign")
    self:_log("LoadPreviousSave")
    self:_invoke("Barotrauma.GameSession", "LoadPreviousSave", self.session.obj, {}, function()
        self:_unload()
        local save = assert(self.disk[self.savePath], "spRetry: no save on disk")
        self.session.subInfo = S.deepcopy(save.sub)
        self.session.playerData = S.deepcopy(save.players or {})
        self:_loadRound(self.session.subInfo)
        self:_beginRound(false)
    end)
end

--- SP save in the middle of a round (at an outpost): capture, SaveGame; the round goes on.
function Sim:spMidRoundSave()
    requireRound(self, "spMidRoundSave", "singleplayer")
    self:_capture()
    self:_saveGame(false)
end

------------------------------------------------------------------------------------------------
-- Fabricators (sim/fabricator.lua)
------------------------------------------------------------------------------------------------

--- A player pressed Start (Fabricator.ServerEventRead): the client must be able to reach the item
--- (here: the character has it selected); AmountToFabricate is set, then StartFabricating runs
--- through the patches unless that recipe is already being made. `recipe` is a target identifier
--- or a RecipeHash the fabricator has. Returns false when the game would ignore the press.
function Sim:startFabricating(character, item, recipe, amount)
    local fab = item:GetComponentString("Fabricator")
    assert(fab ~= nil, tostring(item) .. " is no fabricator")
    if character._selected ~= item then return false end
    local r = Fab.findRecipe(fab, recipe)
    assert(r ~= nil, tostring(item) .. " has no recipe " .. tostring(recipe))
    fab.AmountToFabricate = amount or 1
    if fab._fabricatedItem == r then return false end
    fab._amountRemaining = fab._amountToFabricate
    Fab.start(fab, r, character, true)
    return true
end

--- A player pressed Stop (ServerEventRead with hash 0).
function Sim:cancelFabricating(character, item)
    local fab = item:GetComponentString("Fabricator")
    if character._selected ~= item then return false end
    Fab.cancel(fab)
    return true
end

--- A client picks a recipe in the fabricator's menu (client-side `Fabricator.SelectedItem`;
--- nil `targetOrHash` clears it) and sets the amount slider (`AmountToFabricate`, when given).
function Sim:selectRecipe(item, targetOrHash, amount)
    local fab = item:GetComponentString("Fabricator")
    assert(fab ~= nil, tostring(item) .. " is no fabricator")
    local r = nil
    if targetOrHash ~= nil then
        r = Fab.findRecipe(fab, targetOrHash)
        assert(r ~= nil, tostring(item) .. " has no recipe " .. tostring(targetOrHash))
    end
    fab._selectedRecipe = r
    if amount ~= nil then fab.AmountToFabricate = amount end
    return r
end

--- The fabricator component of `item`, and its recipe for `targetOrHash` (or nil).
function Sim:fabricator(item, targetOrHash)
    local fab = item:GetComponentString("Fabricator")
    return fab, targetOrHash ~= nil and Fab.findRecipe(fab, targetOrHash) or nil
end

return Sim
