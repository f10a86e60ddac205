-- The LuaCs globals a Lua state sees (src/host/luacs.d.ts is the contract): SERVER, CLIENT, Hook,
-- Game, Networking, File, Timer, Entity, ItemPrefab, Item, Submarine, Client, ClientPermissions,
-- TextManager, print, dofile, loadfile, require.
local Obj = require("sim.object")
local H = require("sim.hooks")
local R = require("sim.patchables")
local F = require("sim.files")
local N = require("sim.net")
local Inv = require("sim.inventory")
local Items = require("sim.items")
local P = require("sim.prefabs")
local W = require("sim.world")

local A = {}

-- Text packs (TextManager.TextPacks): LanguageIdentifier keys, TextPack values, TextPack.Text entries.
local LanguageIdentifier = Obj.class("Barotrauma.LanguageIdentifier")
LanguageIdentifier.getters.Value = function(self) return self._value end
LanguageIdentifier.tostring = function(self) return self._value.Value end
local TextPack = Obj.class("Barotrauma.TextPack")
TextPack.getters.Texts = function(self)
    -- ImmutableDictionary<Identifier, ImmutableArray<Text>>: a fresh table copy keyed by Identifier.
    local out = {}
    for tag, entries in pairs(self._texts) do out[P.identifier(tag)] = Obj.copyList(entries) end
    return out
end
TextPack.getters.Language = function(self) return self._language end
local Text = Obj.class("Barotrauma.TextPack+Text")
Text.methods.RetrieveValue = function(self) return self._value end

-- The languages whose packs the simulated game loads, and the prefab name each one takes.
A.TEXT_LANGUAGES = { { name = "English", key = "en" }, { name = "Simplified Chinese", key = "zh" } }

A.PERMISSIONS = {
    None = 0x0, ManageRound = 0x1, Kick = 0x2, Ban = 0x4, Unban = 0x8, SelectSub = 0x10, SelectMode = 0x20,
    ManageCampaign = 0x40, ConsoleCommands = 0x80, ServerLog = 0x100, ManageSettings = 0x200,
    ManagePermissions = 0x400, KarmaImmunity = 0x800, ManageMoney = 0x1000, SellInventoryItems = 0x2000,
    SellSubItems = 0x4000, ManageMap = 0x8000, ManageHires = 0x10000, ManageBotTalents = 0x20000, All = 0x3FFFF,
}

local GameSession = Obj.class("Barotrauma.GameSession")
GameSession.getters.Campaign = function(self) return self._campaign end
GameSession.getters.RoundDuration = function(self)
    local sim = self._sim
    if sim.roundStartTime == nil then return 0 end
    return sim.time - sim.roundStartTime
end
GameSession.getters.IsRunning = function(self) return self._sim.roundRunning end
local Campaign = Obj.class("Barotrauma.CampaignMode")
A.GameSession, A.Campaign = GameSession, Campaign

-- ChatMessageType members (the game's enum; the numbers only need to be distinct here).
A.CHAT_TYPES = { Default = 0, Error = 1, Dead = 2, Server = 3, Radio = 4, Private = 5, Console = 6,
    MessageBox = 7, Order = 8, ServerLog = 9, ServerMessageBox = 10, ServerMessageBoxInGame = 11, Team = 12 }

local ChatMessage = Obj.class("Barotrauma.Networking.ChatMessage")
ChatMessage.getters.Text = function(self) return self._text end
ChatMessage.getters.Type = function(self) return self._type end
ChatMessage.getters.SenderName = function(self) return self._sender end

local ChatBox = Obj.class("Barotrauma.ChatBox")
ChatBox.methods.AddMessage = function(self, message)
    if not Obj.is(message, ChatMessage) then error("value cannot be null (message)", 2) end
    local list = self._sim.chat
    list[#list + 1] = { to = "local", text = message._text, type = message._type, sender = message._sender }
end

-- The Client class lives in runtime.lua (which requires this file): look it up when needed.
local function Sim_Client()
    return package.loaded["sim.runtime"].Client
end

local Spawner = Obj.class("Barotrauma.EntitySpawner")

local function isVector(v)
    return type(v) == "table" and getmetatable(v) ~= nil and type(rawget(v, "X")) == "number"
        and type(rawget(v, "Y")) == "number"
end

Spawner.methods.AddItemToSpawnQueue = function(self, prefab, target, a3, a4, a5, a6)
    if not Obj.is(prefab, P.ItemPrefab) then error("value cannot be null (itemPrefab)", 2) end
    if not self._active then return end -- a multiplayer client: the server spawns
    local world = self._sim.world
    if Obj.is(target, Inv.Inventory) then
        world:queueSpawn({ prefab = prefab, inventory = target, condition = a3, quality = a4, onSpawned = a5,
            spawnIfInventoryFull = a6 })
    elseif isVector(target) then
        if Obj.is(a3, W.Submarine) then
            world:queueSpawn({ prefab = prefab, x = target.X, y = target.Y, sub = a3, condition = a4, quality = a5,
                onSpawned = a6 })
        else
            world:queueSpawn({ prefab = prefab, x = target.X, y = target.Y, condition = a3, quality = a4,
                onSpawned = a5 })
        end
    else
        error("AddItemToSpawnQueue: no overload takes a " .. type(target) .. " as its second argument", 2)
    end
end
local function queueRemove(self, item)
    if not Obj.is(item, Items.Item) then error("value cannot be null (entity)", 3) end
    if not self._active then return end
    self._sim.world:queueRemove(item)
end
Spawner.methods.AddEntityToRemoveQueue = queueRemove
Spawner.methods.AddItemToRemoveQueue = queueRemove

--- Installs the globals into `state.env`.
function A.install(sim, state)
    local env = state.env
    local side = state.side
    local resolveSide = side == "server" and "server" or "client"
    local function logError(msg) sim:_error(msg) end

    env.SERVER = side == "server"
    env.CLIENT = side ~= "server"

    env.print = function(...)
        local parts = {}
        local ts = env.tostring or tostring
        for i = 1, select("#", ...) do parts[i] = ts((select(i, ...))) end
        sim:_print(table.concat(parts, "\t"))
    end

    -- LuaCs's error print (not part of the mod's typed surface; the hand-written Autorun uses it).
    env.printerror = function(...)
        local parts = {}
        local ts = env.tostring or tostring
        for i = 1, select("#", ...) do parts[i] = ts((select(i, ...))) end
        sim:_error(table.concat(parts, "\t"))
    end

    -- Hook ---------------------------------------------------------------------------------
    local Hook = Obj.static("Barotrauma.LuaCsHook", {}, {
        Add = function(event, id, fn)
            if type(id) == "function" and fn == nil then id, fn = event, id end
            if not state.alive then return end
            H.add(state.hooks, event, id, fn)
        end,
        Remove = function(event, id)
            if not state.alive then return end
            H.remove(state.hooks, event, id)
        end,
        Exists = function(event, id)
            return H.exists(state.hooks, event, id)
        end,
        Call = function(event, ...)
            return state:call(event, ...)
        end,
        Patch = function(a1, a2, a3, a4, a5, a6)
            local id, cls, meth, params, fn, ht
            if type(a3) == "function" then
                cls, meth, fn, ht = a1, a2, a3, a4
            elseif type(a3) == "table" and type(a4) == "function" then
                cls, meth, params, fn, ht = a1, a2, a3, a4, a5
            elseif type(a4) == "function" then
                id, cls, meth, fn, ht = a1, a2, a3, a4, a5
            else
                id, cls, meth, params, fn, ht = a1, a2, a3, a4, a5, a6
            end
            local info = R.resolve(resolveSide, cls, meth, params)
            if sim.faults.failPatch[cls .. "." .. meth] then
                error("could not patch " .. cls .. "." .. meth .. " (simulated Harmony failure)", 0)
            end
            return H.patch(state.hooks, function(m) sim:_print(m) end, info, id, fn, ht)
        end,
        RemovePatch = function(id, cls, meth, a4, a5)
            local params, ht = nil, a4
            if type(a4) == "table" then params, ht = a4, a5 end
            local info = R.resolve(resolveSide, cls, meth, params)
            return H.removePatch(state.hooks, info, id, ht)
        end,
    })
    rawset(Hook, "HookMethodType", { Before = H.BEFORE, After = H.AFTER })
    env.Hook = Hook

    -- Chat (LuaGame.cs: SendDirectChatMessage is server-only, ChatBox client-only). Every line
    -- a player would see is appended to `sim.chat` as { to = client name or "local", text, type }.
    if sim.chat == nil then sim.chat = {} end
    env.ChatMessageType = Obj.static("Barotrauma.Networking.ChatMessageType", {}, A.CHAT_TYPES)
    env.ChatMessage = Obj.static("Barotrauma.Networking.ChatMessage", {}, {
        Create = function(senderName, text, messageType, sender)
            if type(text) ~= "string" then error("value cannot be null (text)", 2) end
            if type(messageType) ~= "number" then error("cannot convert to ChatMessageType", 2) end
            return Obj.new(ChatMessage, { _sender = senderName, _text = text, _type = messageType })
        end,
    })
    local gameGetters = {
        IsMultiplayer = function() return side ~= "sp" end,
        IsSingleplayer = function() return side == "sp" end,
        IsDedicated = function() return side == "server" and sim.dedicated end,
        SaveFolder = function() return sim.saveFolder end,
        GameSession = function() return sim:_gameSession() end,
        -- LuaGame.RoundStarted (SharedSource/LuaCs/Lua/LuaClasses/LuaGame.cs): singleplayer
        -- GameSession.IsRunning; server GameMain.Server.GameStarted, which stays true from just
        -- before roundStart until EndGame's roundEnd hook has run (through the save steps).
        RoundStarted = function()
            if side == "server" then return sim.gameStarted == true end
            return sim.roundRunning
        end,
    }
    if side ~= "server" then
        local box = Obj.new(ChatBox, { _sim = sim })
        gameGetters.ChatBox = function() return box end
    end
    local gameFunctions = {}
    if side == "server" then
        gameFunctions.SendDirectChatMessage = function(senderName, text, sender, messageType, client)
            if type(text) ~= "string" then error("value cannot be null (text)", 2) end
            if not Obj.is(client, Sim_Client()) then error("value cannot be null (client)", 2) end
            local list = sim.chat
            list[#list + 1] = { to = client.Name, text = text, type = messageType, sender = senderName }
        end
    end
    env.Game = Obj.static("Barotrauma.LuaGame", gameGetters, {
        AddCommand = function(name, help, fn, getValidArgs, isCheat)
            if type(name) ~= "string" or type(fn) ~= "function" then error("value cannot be null", 2) end
            if not state.alive then return end
            state.commands[string.lower(name)] = { name = name, help = help, fn = fn }
        end,
        RemoveCommand = function(name)
            if type(name) ~= "string" then return end
            state.commands[string.lower(name)] = nil
        end,
        AssignOnClientRequestExecute = function(names, fn)
            if type(names) ~= "string" or type(fn) ~= "function" then error("value cannot be null", 2) end
            for n in names:gmatch("[^|]+") do
                local c = state.commands[string.lower(n)]
                if c then c.clientFn = fn end
            end
        end,
    })
    if sim.luacs == "services" then
        -- The rewrite's LuaGame has no AssignOnClientRequestExecute (commented out): reading it
        -- fails like any missing member of a userdata.
        rawset(env.Game, "AssignOnClientRequestExecute", nil)
    end
    for k, f in pairs(gameFunctions) do
        rawset(env.Game, k, function(a, ...)
            if rawequal(a, env.Game) then return f(...) end
            return f(a, ...)
        end)
    end

    -- Networking ---------------------------------------------------------------------------
    env.Networking = Obj.static("Barotrauma.LuaCsNetworking", {}, {
        Start = function(name)
            return N.newWriter(name)
        end,
        Receive = function(name, fn)
            if type(name) ~= "string" or type(fn) ~= "function" then error("value cannot be null", 2) end
            state.receivers[name] = fn
        end,
        Send = function(msg, connection)
            if not Obj.is(msg, N.Writer) then error("value cannot be null (netMessage)", 2) end
            if side == "sp" then
                -- GameMain.Client is null in singleplayer.
                error("Object reference not set to an instance of an object.", 2)
            elseif side == "server" then
                sim:_sendFromServer(msg, connection)
            else
                sim:_sendFromClient(state, msg)
            end
        end,
    })

    -- File -----------------------------------------------------------------------------------
    env.File = Obj.static("Barotrauma.LuaCsFile", {}, F.api(function() return sim:_fileRoots() end))

    -- Timer ----------------------------------------------------------------------------------
    env.Timer = Obj.static("Barotrauma.LuaCsTimer", { Time = function() return sim.time end }, {
        GetTime = function() return sim.time end,
    })

    -- Entity -------------------------------------------------------------------------------
    local spawner = Obj.new(Spawner, { _sim = sim, _active = side ~= "client" })
    env.Entity = Obj.static("Barotrauma.Entity", { Spawner = function() return spawner end }, {
        FindEntityByID = function(id)
            local e = sim.world.byId[id]
            if e ~= nil and e._removed then return nil end
            return e
        end,
    })

    -- ItemPrefab -----------------------------------------------------------------------------
    env.ItemPrefab = Obj.static("Barotrauma.ItemPrefab", {
        Prefabs = function()
            -- PrefabCollection: iterable with `for p in ItemPrefab.Prefabs do`, indexable by identifier.
            local list = Obj.copyList(sim.prefabs.list)
            return setmetatable({}, {
                __call = function(_, _, last)
                    local i = 0
                    if last ~= nil then
                        for k, p in ipairs(list) do if p == last then i = k break end end
                    end
                    return list[i + 1]
                end,
                __index = function(_, k) return sim.prefabs.get(k) end,
            })
        end,
    }, {
        GetItemPrefab = function(id)
            return sim.prefabs.find(id)
        end,
    })

    env.Item = Obj.static("Barotrauma.Item", {
        ItemList = function() return sim.world:liveItems() end,
    }, {})

    env.Submarine = Obj.static("Barotrauma.Submarine", {
        MainSub = function() return sim.world.mainSub end,
        Unloading = function() return sim.world.unloading end,
    }, {})

    -- GameSettings.CurrentConfig.Language: a LanguageIdentifier whose Value is an Identifier
    -- ("English", "Simplified Chinese"), following sim.language.
    env.GameSettings = Obj.static("Barotrauma.GameSettings", {
        CurrentConfig = function()
            local name = sim.language == "zh" and "Simplified Chinese" or "English"
            return { Language = { Value = { Value = name } } }
        end,
    }, {})

    env.Client = Obj.static("Barotrauma.Networking.Client", {
        ClientList = function() return sim:_clientList() end,
    }, {})

    -- Character.Controlled: the local player's character (a multiplayer client state: its
    -- client's character; singleplayer: the player; a dedicated server controls none).
    env.Character = Obj.static("Barotrauma.Character", {
        Controlled = function()
            local c
            if side == "client" then c = state.client and state.client._character
            elseif side == "sp" then c = sim.player end
            if c == nil or c._removed then return nil end
            return c
        end,
    }, {})

    -- LuaUserData (LuaCs): descriptors and access to non-public members. Only what the
    -- simulation gates is recorded: MakeMethodAccessible opens a private method such as
    -- Fabricator.StartFabricating for every state of this process.
    local descriptors = {}
    local function descriptor(typeName)
        if type(typeName) ~= "string" then error("bad argument: type name", 3) end
        local d = descriptors[typeName]
        if d == nil then
            d = setmetatable({ _typeName = typeName }, { __tostring = function() return "StandardUserDataDescriptor (" .. typeName .. ")" end })
            descriptors[typeName] = d
        end
        return d
    end
    env.LuaUserData = Obj.static("Barotrauma.LuaUserData", {}, {
        RegisterType = function(typeName) return descriptor(typeName) end,
        MakeMethodAccessible = function(d, methodName)
            if type(d) ~= "table" or d._typeName == nil then error("bad argument: descriptor", 2) end
            sim.world.accessible = sim.world.accessible or {}
            sim.world.accessible[d._typeName .. "." .. tostring(methodName)] = true
        end,
        MakeFieldAccessible = function(d, fieldName)
            if type(d) ~= "table" or d._typeName == nil then error("bad argument: descriptor", 2) end
        end,
    })

    -- TextManager.TextPacks: one pack per language holding `entityname.<identifier>` for every
    -- prefab with a name in that language. Like MoonSharp's copy of the dictionary, reading it
    -- raises unless Barotrauma.TextPack and Barotrauma.TextPack+Text are registered.
    env.TextManager = Obj.static("Barotrauma.TextManager", {
        TextPacks = function()
            for _, typeName in ipairs({ "Barotrauma.TextPack", "Barotrauma.TextPack+Text" }) do
                if descriptors[typeName] == nil then error("cannot convert clr type " .. typeName, 2) end
            end
            local out = {}
            for _, language in ipairs(A.TEXT_LANGUAGES) do
                local texts = {}
                for _, prefab in ipairs(sim.prefabs.list) do
                    local name = prefab._names[language.key]
                    if name ~= nil then
                        texts["entityname." .. prefab._id] = { Obj.new(Text, { _value = name }) }
                    end
                end
                local id = Obj.new(LanguageIdentifier, { _value = P.identifier(language.name) })
                out[id] = { Obj.new(TextPack, { _texts = texts, _language = id }) }
            end
            return out
        end,
    }, {})

    env.ClientPermissions = Obj.static("Barotrauma.Networking.ClientPermissions", {}, A.PERMISSIONS)

    -- Loading (LuaCs replaces these: files run in this state's environment) ----------------
    env.loadfile = function(path)
        return loadfile(path, "t", env)
    end
    env.dofile = function(path, ...)
        local chunk, err = loadfile(path, "t", env)
        if chunk == nil then error(err, 2) end
        return chunk(...)
    end
    env.require = function(name)
        local cached = state.requireCache[name]
        if cached ~= nil then return cached end
        local rel = name:gsub("%.", "/")
        for _, dir in ipairs(sim.modDirs) do
            local path = dir .. "/Lua/" .. rel .. ".lua"
            if F.isFile(path) then
                local chunk, err = loadfile(path, "t", env)
                if chunk == nil then error(err, 2) end
                -- Inside a required module, `...` is the owning package's absolute folder.
                local result = chunk(F.normalize(dir))
                if result == nil then result = true end
                state.requireCache[name] = result
                return result
            end
        end
        error("module '" .. name .. "' not found", 2)
    end
end

return A
