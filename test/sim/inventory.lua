-- Inventories: per-slot stacks and Barotrauma's stacking rules (Inventory.cs / ItemInventory.cs).
--
-- Two items share a slot only if they have the same prefab and quality and are both at full
-- condition (or both at zero); a slot holds at most min(prefab max stack, container max stack,
-- 63) items; an ItemContainer only takes items matching its containable identifiers/tags; an
-- item never goes inside itself. Slot indices are 0-based in the API.
local Obj = require("sim.object")
local P = require("sim.prefabs")

local I = {}

local EPSILON = 0.0001

function I.isFullCondition(item)
    return math.abs(item._condition - item._prefab._maxCondition) < EPSILON
        or item._condition >= item._prefab._maxCondition
end

function I.isZeroCondition(item)
    return math.abs(item._condition) < EPSILON
end

------------------------------------------------------------------------------------------------
-- Rules
------------------------------------------------------------------------------------------------

--- Per-slot stack limit for `prefab` in slot `i` (0-based) of `inv`.
function I.slotLimit(inv, prefab)
    if inv._isCharacter then
        return P.maxStackIn(prefab, true, 0)
    end
    local c = inv._container
    local n = P.maxStackIn(prefab, false, c._extraStackSize)
    if c._maxStackSize < n then n = c._maxStackSize end
    if n > P.MAX_STACK then n = P.MAX_STACK end
    return n
end

--- ItemContainer.CanBeContained: no list means anything fits; else an identifier or tag match.
function I.containerAccepts(container, item)
    local list = container._containable
    if list == nil or #list == 0 then return true end
    local prefab = item._prefab
    for _, want in ipairs(list) do
        local w = string.lower(want)
        if w == prefab._lower or item._tagSet[w] or prefab._tagSet[w] then return true end
    end
    return false
end

--- True if putting `item` into `inv` would put it inside itself.
local function ownsSelf(inv, item)
    local owner = inv._owner
    while owner ~= nil and not inv._isCharacter do
        if owner == item then return true end
        inv = owner._parentInv
        if inv == nil then return false end
        owner = inv._owner
    end
    return false
end

local function stackCompatible(stack, item, ignoreCondition)
    local first = stack[1]
    if not ignoreCondition then
        if I.isFullCondition(item) then
            for _, it in ipairs(stack) do
                if not I.isFullCondition(it) then return false end
            end
        elseif I.isZeroCondition(item) then
            for _, it in ipairs(stack) do
                if not I.isZeroCondition(it) then return false end
            end
        else
            return false
        end
    end
    if first._quality ~= item._quality then return false end
    if first._prefab ~= item._prefab then return false end
    return true
end

function I.canBePutInSlot(inv, item, i, ignoreCondition)
    if item == nil or item._removed then return false end
    if type(i) ~= "number" or i < 0 or i >= inv._cap or i % 1 ~= 0 then return false end
    if inv._isCharacter then
        if not item._prefab._pickable then return false end
    else
        if ownsSelf(inv, item) then return false end
        if not I.containerAccepts(inv._container, item) then return false end
    end
    local stack = inv._slots[i + 1]
    local n = #stack
    if n > 0 and not stackCompatible(stack, item, ignoreCondition) then return false end
    return n + 1 <= I.slotLimit(inv, item._prefab)
end

function I.contains(inv, item)
    return item._parentInv == inv
end

function I.findIndex(inv, item)
    if item._parentInv ~= inv then return -1 end
    for s = 1, inv._cap do
        local stack = inv._slots[s]
        for j = 1, #stack do
            if stack[j] == item then return s - 1 end
        end
    end
    return -1
end

--- ItemInventory.FindAllowedSlot: first a compatible stack, then any slot that takes it.
function I.findAllowedSlot(inv, item, ignoreCondition)
    if item._parentInv == inv then return -1 end
    for i = 0, inv._cap - 1 do
        if #inv._slots[i + 1] > 0 and I.canBePutInSlot(inv, item, i, ignoreCondition) then return i end
    end
    for i = 0, inv._cap - 1 do
        if I.canBePutInSlot(inv, item, i, ignoreCondition) then return i end
    end
    return -1
end

------------------------------------------------------------------------------------------------
-- Moves
------------------------------------------------------------------------------------------------

--- Inventory.RemoveItem: takes `item` out of whatever inventory holds it. It then lies where it
--- was. Its Container stays (the game's ParentInventory setter only sets Container when the new
--- inventory is not null: Barotrauma SharedSource/Items/Item.cs, Item.ParentInventory;
--- Inventory.RemoveItem sets ParentInventory = null).
function I.detach(item)
    local inv = item._parentInv
    if inv == nil then return end
    local root = I.rootPosition(item)
    for s = 1, inv._cap do
        local stack = inv._slots[s]
        for j = 1, #stack do
            if stack[j] == item then
                table.remove(stack, j)
                item._parentInv = nil
                item._x, item._y = root.x, root.y
                item._sub = root.sub
                return
            end
        end
    end
    item._parentInv = nil
end

--- Item.Drop: out of its inventory, and no Container any more (Item.cs, Item.Drop sets
--- Container = null before parentInventory.RemoveItem).
function I.drop(item)
    item._containerItem = nil
    I.detach(item)
end

--- Inventory.PutItem: the inventoryPutItem hook may veto the move (the caller still reports true).
--- The game drops the item first (Item.Drop), then sets ParentInventory, whose setter sets
--- Container to the inventory's owner item, or nil when a character owns it (Inventory.cs,
--- Inventory.PutItem; Item.cs, Item.ParentInventory).
function I.putItem(inv, item, i, user, removeItem)
    local world = inv._world
    local veto = world:hook("inventoryPutItem", inv, item, user, i, removeItem ~= false)
    if veto == true then return end
    if item._removed then return end
    I.drop(item)
    local stack = inv._slots[i + 1]
    stack[#stack + 1] = item
    item._parentInv = inv
    if not inv._isCharacter then item._containerItem = inv._owner end
end

function I.tryPut(inv, item, user, ignoreCondition)
    local world = inv._world
    if item == nil then error("value cannot be null (item)", 3) end
    if world:faultFailPut(item, inv) then return false end
    local slot = I.findAllowedSlot(inv, item, ignoreCondition)
    if slot < 0 then return false end
    I.putItem(inv, item, slot, user, true)
    return true
end

function I.tryPutSlot(inv, item, i, allowSwapping, allowCombine, user, ignoreCondition)
    local world = inv._world
    if item == nil then error("value cannot be null (item)", 3) end
    if world:faultFailPut(item, inv) then return false end
    if type(i) ~= "number" or i < 0 or i >= inv._cap then return false end
    local stack = inv._slots[i + 1]
    for j = 1, #stack do
        if stack[j] == item then return false end
    end
    if I.canBePutInSlot(inv, item, i, ignoreCondition) then
        I.putItem(inv, item, i, user, true)
        return true
    end
    -- Inventory.TryPutItem(item, i, allowSwapping, allowCombine, user) (Barotrauma
    -- SharedSource/Items/Inventory.cs): an occupied slot that does not take the item swaps when
    -- allowed and the item comes from an inventory. Dropped onto an item whose own container
    -- holds one item per slot (a diving suit's tank, a gun's magazine), it swaps with what that
    -- container holds in its slot 0; otherwise with the slot's whole stack, then with one item.
    -- (Item.Combine, tried first when allowCombine, is not simulated.)
    if #stack > 0 and item._parentInv ~= nil and allowSwapping then
        local inSlot = stack[1]
        local sub = inSlot._ownInvs[1]
        if sub ~= nil and item._parentInv ~= sub and sub._container._maxStackSize == 1
            and I.trySwapping(sub, 0, item, user, false) then
            return true
        end
        return I.trySwapping(inv, i, item, user, true) or I.trySwapping(inv, i, item, user, false)
    end
    return false
end

local function removeRaw(inv, slot, item)
    local stack = inv._slots[slot + 1]
    for j = #stack, 1, -1 do
        if stack[j] == item then table.remove(stack, j) end
    end
end

--- Inventory.TrySwapping (Inventory.cs), for inventories without equipment slots: the items
--- leave both slots without a put (ItemSlot.RemoveItem, no hook), then what was in the slot goes
--- where the moved item was and the moved item into the slot, each through TryPutItem (so the
--- inventoryPutItem hook fires for both). If either put fails, both go back where they were.
--- The inventoryItemSwap hook runs first: any boolean it returns is the result, nothing moves.
function I.trySwapping(inv, index, item, user, wholeStack)
    if item == nil or item._parentInv == nil or #inv._slots[index + 1] == 0 then return false end
    local veto = inv._world:hook("inventoryItemSwap", inv, item, user, index, wholeStack)
    if veto == true or veto == false then return veto end
    local other = item._parentInv
    local otherIndex = I.findIndex(other, item)
    if otherIndex < 0 then return false end
    local existing, moved = {}, {}
    if wholeStack then
        for _, it in ipairs(inv._slots[index + 1]) do existing[#existing + 1] = it end
        for _, it in ipairs(other._slots[otherIndex + 1]) do moved[#moved + 1] = it end
    else
        existing[1] = inv._slots[index + 1][1]
        moved[1] = item
    end
    for _, it in ipairs(existing) do removeRaw(inv, index, it) end
    for _, it in ipairs(moved) do removeRaw(other, otherIndex, it) end
    local ok = true
    for _, it in ipairs(existing) do
        if ok and not I.tryPutSlot(other, it, otherIndex, false, false, user, false) then ok = false end
    end
    for _, it in ipairs(moved) do
        if ok and not I.tryPutSlot(inv, it, index, false, false, user, false) then ok = false end
    end
    if ok then return true end
    -- Failed: everything back where it was (Inventory.TrySwapping, TryPutAndForce).
    for _, it in ipairs(existing) do I.detach(it) end
    for _, it in ipairs(moved) do I.detach(it) end
    -- Inventory.ForceToSlot: into the slot, ParentInventory set (its setter sets Container).
    local function force(target, slot, it)
        local s = target._slots[slot + 1]
        s[#s + 1] = it
        it._parentInv = target
        it._containerItem = (not target._isCharacter) and target._owner or nil
    end
    for _, it in ipairs(moved) do force(other, otherIndex, it) end
    for _, it in ipairs(existing) do force(inv, index, it) end
    return false
end

--- Where an item in an inventory is: its root holder's position and submarine.
function I.rootPosition(item)
    local inv = item._parentInv
    local guard = 0
    while inv ~= nil do
        local owner = inv._owner
        if inv._isCharacter then
            return { x = owner._x, y = owner._y, sub = owner._sub, character = owner }
        end
        item = owner
        inv = item._parentInv
        guard = guard + 1
        if guard > 1000 then error("inventory cycle") end
    end
    return { x = item._x, y = item._y, sub = item._sub, root = item }
end

------------------------------------------------------------------------------------------------
-- API classes
------------------------------------------------------------------------------------------------
local Inventory = Obj.class("Barotrauma.Inventory")
I.Inventory = Inventory

Inventory.getters.Capacity = function(self) return self._cap end
Inventory.getters.Owner = function(self) return self._owner end
Inventory.getters.Locked = function() return false end
Inventory.getters.AllItems = function(self)
    -- IEnumerable<Item>: an iterator (do not move items while iterating, as in the game).
    local s, j, slots, cap = 1, 0, self._slots, self._cap
    return function()
        while s <= cap do
            j = j + 1
            local it = slots[s][j]
            if it ~= nil then return it end
            s, j = s + 1, 0
        end
        return nil
    end
end
Inventory.getters.AllItemsMod = function(self)
    local out = {}
    for s = 1, self._cap do
        local stack = self._slots[s]
        for j = 1, #stack do out[#out + 1] = stack[j] end
    end
    return out
end

Inventory.methods.TryPutItem = function(self, item, a, b, c, d, e, f)
    if type(a) == "number" then
        -- (item, slotIndex, allowSwapping, allowCombine, user, createNetworkEvent, ignoreCondition)
        return I.tryPutSlot(self, item, a, b, c, d, f == true)
    end
    -- (item, user, allowedSlots, createNetworkEvent, ignoreCondition)
    return I.tryPut(self, item, a, c == true)
end
Inventory.methods.CanBePut = function(self, item, ignoreCondition)
    for i = 0, self._cap - 1 do
        if I.canBePutInSlot(self, item, i, ignoreCondition == true) then return true end
    end
    return false
end
Inventory.methods.CanBePutInSlot = function(self, item, slot, ignoreCondition)
    return I.canBePutInSlot(self, item, slot, ignoreCondition == true)
end
Inventory.methods.GetItemAt = function(self, slot)
    if type(slot) ~= "number" or slot < 0 or slot >= self._cap then return nil end
    return self._slots[slot + 1][1]
end
Inventory.methods.GetItemsAt = function(self, slot)
    if type(slot) ~= "number" or slot < 0 or slot >= self._cap then return {} end
    return Obj.copyList(self._slots[slot + 1])
end
Inventory.methods.FindIndex = function(self, item)
    return I.findIndex(self, item)
end
Inventory.methods.Contains = function(self, item)
    return item ~= nil and item._parentInv == self
end
Inventory.methods.IsEmpty = function(self)
    for s = 1, self._cap do
        if #self._slots[s] > 0 then return false end
    end
    return true
end
Inventory.methods.IsFull = function(self, takeStacksIntoAccount)
    for s = 1, self._cap do
        local stack = self._slots[s]
        if #stack == 0 then return false end
        if takeStacksIntoAccount and #stack < I.slotLimit(self, stack[1]._prefab) then return false end
    end
    return true
end
Inventory.methods.RemoveItem = function(self, item)
    if item ~= nil and item._parentInv == self then I.detach(item) end
end
Inventory.methods.CanProbablyBePut = function(self, prefab, condition, quality)
    if prefab == nil then return false end
    if self._isCharacter and not prefab._pickable then return false end
    for s = 1, self._cap do
        local stack = self._slots[s]
        if #stack == 0 then
            if self._isCharacter then return true end
            -- containable check by prefab identifier/tags
            local list = self._container._containable
            if list == nil or #list == 0 then return true end
            for _, want in ipairs(list) do
                local w = string.lower(want)
                if w == prefab._lower or prefab._tagSet[w] then return true end
            end
            return false
        elseif stack[1]._prefab == prefab and #stack < I.slotLimit(self, prefab)
            and (quality == nil or stack[1]._quality == quality) then
            return true
        end
    end
    return false
end
Inventory.methods.HowManyCanBePut = function(self, prefab)
    local n = 0
    for s = 1, self._cap do
        local stack = self._slots[s]
        if #stack == 0 then
            n = n + I.slotLimit(self, prefab)
        elseif stack[1]._prefab == prefab then
            n = n + math.max(0, I.slotLimit(self, prefab) - #stack)
        end
    end
    return n
end

local ItemInventory = Obj.class("Barotrauma.ItemInventory", Inventory)
I.ItemInventory = ItemInventory
ItemInventory.getters.Container = function(self) return self._container end
ItemInventory.tostring = function(self) return "ItemInventory (" .. tostring(self._owner) .. ")" end

local CharacterInventory = Obj.class("Barotrauma.CharacterInventory", Inventory)
I.CharacterInventory = CharacterInventory
CharacterInventory.tostring = function(self) return "CharacterInventory (" .. tostring(self._owner) .. ")" end

local function slots(n)
    local t = {}
    for s = 1, n do t[s] = {} end
    return t
end

function I.newItemInventory(world, ownerItem, container, capacity)
    return Obj.new(ItemInventory, {
        _world = world, _owner = ownerItem, _container = container, _cap = capacity,
        _slots = slots(capacity), _isCharacter = false,
    })
end

I.CHARACTER_SLOTS = 10

function I.newCharacterInventory(world, character)
    return Obj.new(CharacterInventory, {
        _world = world, _owner = character, _cap = I.CHARACTER_SLOTS,
        _slots = slots(I.CHARACTER_SLOTS), _isCharacter = true,
    })
end

return I
