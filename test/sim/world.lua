-- The game world of one process: entities and their ushort IDs, the main submarine, characters,
-- and the EntitySpawner's spawn and remove queues.
local Obj = require("sim.object")
local Items = require("sim.items")
local Inv = require("sim.inventory")

local W = {}
W.__index = W

W.MAX_ID = 65000 -- Entity.ReservedIDStart: IDs above are the game's own

------------------------------------------------------------------------------------------------
-- Submarine and Character
------------------------------------------------------------------------------------------------
local SubmarineInfo = Obj.class("Barotrauma.SubmarineInfo")
SubmarineInfo.getters.Name = function(self) return self._name end

local Submarine = Obj.class("Barotrauma.Submarine")
W.Submarine = Submarine
Submarine.getters.Info = function(self) return self._info end
Submarine.getters.IsOutpost = function() return false end
Submarine.tostring = function(self) return "Submarine (" .. self._info._name .. ")" end

local Character = Obj.class("Barotrauma.Character")
W.Character = Character
Character.getters.Name = function(self) return self._name end
Character.getters.IsDead = function(self) return self._dead end
Character.getters.ID = function(self) return self._id end
Character.getters.WorldPosition = function(self) return Items.vector(self._x, self._y) end
Character.getters.Position = Character.getters.WorldPosition
Character.getters.SelectedItem = function(self)
    local it = self._selected
    if it ~= nil and it._removed then return nil end
    return it
end
-- Character.SelectedSecondaryItem: "an item other than a device, e.g. a ladder or a chair"
-- (SharedSource/Characters/Character.cs); Item.TryInteract selects an item there when
-- Item.IsSecondaryItem, else in SelectedItem.
Character.getters.SelectedSecondaryItem = function(self)
    local it = self._selectedSecondary
    if it ~= nil and it._removed then return nil end
    return it
end
Character.getters.Inventory = function(self) return self._inventory end
Character.getters.Submarine = function(self) return self._sub end
Character.getters.Removed = function(self) return self._removed end
Character.getters.IsHuman = function() return true end
Character.tostring = function(self) return "Human (" .. self._name .. ")" end

------------------------------------------------------------------------------------------------
-- World
------------------------------------------------------------------------------------------------

--- `host` provides: hook(event, ...), faults (table), logError(msg), note(msg), prefabs (registry).
function W.new(host)
    return setmetatable({
        host = host,
        prefabs = host.prefabs,
        byId = {},
        list = {},
        removedInList = 0,
        lowestFree = 1,
        loading = false,
        silent = false,
        unloading = false,
        mainSub = nil,
        characters = {},
        queue = {},
        defaultVoltage = 1,
    }, W)
end

function W:hook(event, ...)
    if self.silent then return nil end
    return self.host.hook(event, ...)
end

function W:faultFailPut(item, inv)
    local f = self.host.faults.failPut
    return f ~= nil and f(item, inv) == true
end

--- The lowest free entity ID (the game's Entity.FindFreeId), or `preferred` when it is free.
function W:allocId(preferred)
    if preferred ~= nil and self.byId[preferred] == nil and preferred >= 1 and preferred <= W.MAX_ID then
        return preferred
    end
    local id = self.lowestFree
    while self.byId[id] ~= nil do id = id + 1 end
    if id > W.MAX_ID then error("too many entities (no free entity ID)") end
    self.lowestFree = id + 1
    return id
end

function W:freeId(id)
    self.byId[id] = nil
    if id < self.lowestFree then self.lowestFree = id end
end

function W:newSubmarine(name)
    self.mainSub = Obj.new(Submarine, { _info = Obj.new(SubmarineInfo, { _name = name or "Sim Submarine" }) })
    return self.mainSub
end

--- Constructs an item, registers it, fires item.created. opts: id, sub, x, y.
function W:createItem(prefab, opts)
    opts = opts or {}
    local id = self:allocId(opts.id)
    local item = Items.construct(self, prefab, id)
    item._sub = opts.sub
    item._x, item._y = opts.x or 0, opts.y or 0
    self.byId[id] = item
    self.list[#self.list + 1] = item
    self:hook("item.created", item)
    return item
end

--- Item.Remove, in the game's order (Barotrauma SharedSource/Items/Item.cs, Item.Remove):
--- the item is marked removed and its ID freed (Entity.Remove); every character's SelectedItem
--- and SelectedSecondaryItem on it is cleared; it leaves its parent inventory (ParentInventory
--- becomes nil, Container keeps the container it was in); its components are removed, and an
--- ItemContainer then DROPS what it holds unless the submarine is unloading
--- (ItemContainer.RemoveComponentSpecific: `Inventory.AllItemsMod.ForEach(it => it.Drop(null))`),
--- so contained items stay in the world; item.removed fires last.
function W:removeItem(item)
    if item._removed then return end
    item._removed = true
    self:freeId(item._id)
    self.removedInList = self.removedInList + 1
    for _, c in ipairs(self.characters) do
        if c._selected == item then c._selected = nil end
        if c._selectedSecondary == item then c._selectedSecondary = nil end
    end
    Inv.detach(item)
    if not self.unloading then
        for _, inv in ipairs(item._ownInvs) do
            for _, child in ipairs(inv.AllItemsMod) do
                Inv.drop(child)
            end
        end
    end
    self:hook("item.removed", item)
end

--- Live items in creation order (a fresh table).
function W:liveItems()
    if self.removedInList > 0 then
        local kept = {}
        for _, it in ipairs(self.list) do
            if not it._removed then kept[#kept + 1] = it end
        end
        self.list = kept
        self.removedInList = 0
    end
    return Obj.copyList(self.list)
end

function W:createCharacter(name, opts)
    opts = opts or {}
    local id = self:allocId()
    local c = Obj.new(Character, {
        _id = id, _name = name, _dead = false, _x = opts.x or 0, _y = opts.y or 0, _selected = nil,
        _sub = opts.sub or self.mainSub, _removed = false, _client = opts.client,
    })
    c._inventory = Inv.newCharacterInventory(self, c)
    self.byId[id] = c
    self.characters[#self.characters + 1] = c
    return c
end

--- Submarine.Unload: item.removed for every item (unless silent), then nothing is left.
--- The spawner's queues are reset as well (queued spawns never happen).
function W:unload()
    self.unloading = true
    local items = self:liveItems()
    for _, it in ipairs(items) do
        if not it._removed then
            it._removed = true
            self:hook("item.removed", it)
        end
    end
    for _, c in ipairs(self.characters) do c._removed = true end
    local dropped = 0
    for _, e in ipairs(self.queue) do
        if e.spawn ~= nil then dropped = dropped + 1 end
    end
    self.byId, self.list, self.removedInList, self.lowestFree = {}, {}, 0, 1
    self.characters, self.mainSub = {}, nil
    self.queue = {}
    self.unloading = false
    return dropped
end

------------------------------------------------------------------------------------------------
-- EntitySpawner
------------------------------------------------------------------------------------------------
-- One queue for spawns and removals, as EntitySpawner.spawnOrRemoveQueue
-- (SharedSource/Networking/EntitySpawner.cs): entries run in the order they were queued.
function W:queueSpawn(entry)
    self.queue[#self.queue + 1] = { spawn = entry }
end

--- EntitySpawner.AddItemToRemoveQueue: skipped when already queued or removed; the items inside
--- are queued after it, as they are at this moment.
function W:queueRemove(item)
    if item._removed or item._inRemoveQueue then return end
    item._inRemoveQueue = true
    self.queue[#self.queue + 1] = { remove = item }
    for _, inv in ipairs(item._ownInvs) do
        for _, child in ipairs(inv.AllItemsMod) do self:queueRemove(child) end
    end
end

local function spawnOne(self, e)
    local faults = self.host.faults
    local prefab = e.prefab
    if faults.dropSpawn ~= nil and faults.dropSpawn(prefab._id) == true then return end
    local item
    if e.inventory ~= nil then
        local inv = e.inventory
        local owner = inv._owner
        if owner == nil or owner._removed then return end
        if e.spawnIfInventoryFull == false and not inv:CanProbablyBePut(prefab) then return end
        local where = inv._isCharacter and { x = owner._x, y = owner._y, sub = owner._sub } or Inv.rootPosition(owner)
        item = self:createItem(prefab, { sub = where.sub, x = where.x, y = where.y })
        item.Condition = e.condition
        item.Quality = e.quality
        Inv.tryPut(inv, item, nil, false)
        -- A failed put leaves the item in the world at the owner's position.
    else
        item = self:createItem(prefab, { sub = e.sub or self.mainSub, x = e.x, y = e.y })
        item.Condition = e.condition
        item.Quality = e.quality
    end
    if faults.removeBeforeCallback ~= nil and faults.removeBeforeCallback(item) == true then
        self:removeItem(item)
    end
    if e.onSpawned ~= nil then
        -- The game calls the callback unguarded: LuaCs turns the Lua function into an Action<Item>
        -- (LuaCsForBarotrauma SharedSource/LuaCs/Lua/LuaConverters.cs, RegisterAction<T>:
        -- `p => Call(function, p)`, no try/catch), which ItemSpawnInfo.OnSpawned invokes inside
        -- EntitySpawner.Update (SharedSource/Networking/EntitySpawner.cs). An error leaves Update.
        local hostile = faults.hostileSpawn ~= nil and faults.hostileSpawn(item) == true
        local mt
        if hostile then
            -- Fault: every member read of the new item raises while its callback runs.
            mt = debug.getmetatable(item)
            debug.setmetatable(item, { __index = function(_, k)
                error("hostile spawn: reading " .. tostring(k) .. " of the new " .. prefab._id .. " failed", 2)
            end, __newindex = mt.__newindex, __eq = mt.__eq, __tostring = mt.__tostring, __metatable = mt.__metatable })
        end
        local ok, err = xpcall(e.onSpawned, debug.traceback, item)
        if hostile then debug.setmetatable(item, mt) end
        if not ok then
            return string.format("unhandled exception in EntitySpawner.Update (spawn callback of %s): %s", prefab._id, tostring(err))
        end
    end
end

--- EntitySpawner.Update: dequeues until the queue is empty, so what a hook or an onSpawned
--- callback queues meanwhile lands in the same update. The callback is called unguarded: an error
--- leaves Update as the C# exception would, the entries after it stay queued for the next update
--- (they were not dequeued yet), and the error is raised out of the update (sim:tick).
function W:processQueue()
    local q = self.queue
    local i = 1
    while self.queue == q and i <= #q do
        local e = q[i]
        i = i + 1
        if e.spawn ~= nil then
            local failure = spawnOne(self, e.spawn)
            if failure ~= nil then
                local rest = {}
                for j = i, #q do rest[#rest + 1] = q[j] end
                if self.queue == q then self.queue = rest end
                self.host.logError(failure)
                error(failure, 0)
            end
        else
            local it = e.remove
            it._inRemoveQueue = false
            if not it._removed then self:removeItem(it) end
        end
    end
    if self.queue == q then self.queue = {} end
end

return W
