-- The smallest faithful Fabricator (Barotrauma Items/Components/Machines/Fabricator.cs, server
-- side): recipes, StartFabricating (private, patchable) moving ingredients into the input
-- container, and an update that consumes them and spawns the product after RequiredTime.
--
-- A prefab's component `{ type = "Fabricator", recipes = { ... } }` follows its two ItemContainer
-- components (input first, then output, as OnItemLoaded takes them). A recipe:
--   { target = "screwdriver", amount = 1, requiredTime = 2, outCondition = 1.0,
--     requiredItems = { { identifier = "steel", amount = 1 },
--                       { tag = "mineral", amount = 2, minCondition = 0.5, maxCondition = 1.0,
--                         useCondition = false } } }
-- Conditions are fractions 0..1 (defaults 0 and 1, useCondition false). The game defines recipes
-- on the target item with SuitableFabricatorIdentifiers; here the fabricator's prefab lists them
-- and each becomes a FabricationRecipe whose SuitableFabricatorIdentifiers name that prefab, also
-- reachable as `targetPrefab.FabricationRecipes` (a table keyed by RecipeHash).
local Obj = require("sim.object")
local Inv = require("sim.inventory")

local Fab = {}

local NS = "Barotrauma.Items.Components."
Fab.CLASS = "Barotrauma.Items.Components.Fabricator"
Fab.MAX_AMOUNT = 99 -- Fabricator.MaxAmountToFabricate

------------------------------------------------------------------------------------------------
-- FabricationRecipe and RequiredItem
------------------------------------------------------------------------------------------------
local RequiredItem = Obj.class("Barotrauma.FabricationRecipe+RequiredItem")
RequiredItem.getters.Amount = function(self) return self._amount end
RequiredItem.getters.MinCondition = function(self) return self._min end
RequiredItem.getters.MaxCondition = function(self) return self._max end
RequiredItem.getters.UseCondition = function(self) return self._useCondition end
RequiredItem.getters.ItemPrefabs = function(self)
    -- IEnumerable<ItemPrefab>: `for p in required.ItemPrefabs do`.
    local list, i = self._prefabs(), 0
    return function()
        i = i + 1
        return list[i]
    end
end
RequiredItem.getters.FirstMatchingPrefab = function(self) return self._prefabs()[1] end
RequiredItem.methods.MatchesItem = function(self, item)
    if item == nil then return false end
    for _, p in ipairs(self._prefabs()) do
        if p == item._prefab then return true end
    end
    return false
end
--- FabricationRecipe.RequiredItem.IsConditionSuitable: the percentage within the fractions, or
--- nearly equal to either end.
RequiredItem.methods.IsConditionSuitable = function(self, pct)
    local n = pct / 100
    if math.abs(n - self._min) < 0.0001 or math.abs(n - self._max) < 0.0001 then return true end
    return n >= self._min and n <= self._max
end

local ByIdentifier = Obj.class("Barotrauma.FabricationRecipe+RequiredItemByIdentifier", RequiredItem)
ByIdentifier.getters.ItemPrefabIdentifier = function(self) return self._identifier end
ByIdentifier.getters.ItemPrefab = function(self) return self._prefabs()[1] end
ByIdentifier.tostring = function(self) return "RequiredItemByIdentifier (" .. self._identifier._value .. ")" end

local ByTag = Obj.class("Barotrauma.FabricationRecipe+RequiredItemByTag", RequiredItem)
ByTag.getters.Tag = function(self) return self._tag end
ByTag.tostring = function(self) return "RequiredItemByTag (" .. self._tag._value .. ")" end

local Recipe = Obj.class("Barotrauma.FabricationRecipe")
Fab.Recipe = Recipe
Recipe.getters.TargetItem = function(self) return self._registry.get(self._target) end
Recipe.getters.Amount = function(self) return self._amount end
Recipe.getters.RequiredItems = function(self) return Obj.copyList(self._required) end
Recipe.getters.RequiredTime = function(self) return self._requiredTime end
Recipe.getters.OutCondition = function(self) return self._outCondition end
Recipe.getters.RecipeHash = function(self) return self._hash end
Recipe.getters.SuitableFabricatorIdentifiers = function(self) return Obj.copyList(self._suitable) end
Recipe.getters.RequiresRecipe = function() return false end
Recipe.getters.RequiredMoney = function() return 0 end
Recipe.tostring = function(self) return "FabricationRecipe (" .. self._target .. ")" end

local function hashOf(text)
    local h = 7
    for i = 1, #text do h = (h * 31 + text:byte(i)) % 4294967296 end
    if h == 0 then h = 1 end -- 0 means "no recipe" on the wire
    return h
end

local function newRequired(registry, P, def)
    local o = {
        _amount = def.amount or 1, _min = def.minCondition or 0, _max = def.maxCondition or 1,
        _useCondition = def.useCondition == true,
    }
    if def.tag ~= nil then
        local tag = string.lower(def.tag)
        o._tag = P.identifier(def.tag)
        o._prefabs = function()
            local out = {}
            for _, p in ipairs(registry.list) do
                if p._tagSet[tag] then out[#out + 1] = p end
            end
            return out
        end
        return Obj.new(ByTag, o)
    end
    o._identifier = P.identifier(def.identifier)
    o._prefabs = function()
        local p = registry.get(def.identifier)
        return p and { p } or {}
    end
    return Obj.new(ByIdentifier, o)
end

--- The recipes a fabricator prefab lists (built once per prefab object).
function Fab.recipesOf(registry, prefab)
    if prefab._recipes ~= nil then return prefab._recipes end
    local P = require("sim.prefabs")
    local list = {}
    for _, c in ipairs(prefab._components) do
        if c.type == "Fabricator" then
            for _, def in ipairs(c.recipes or {}) do
                local required, parts = {}, { prefab._lower, def.target }
                for i, r in ipairs(def.requiredItems or {}) do
                    required[i] = newRequired(registry, P, r)
                    parts[#parts + 1] = string.format("%s:%d", r.identifier or ("#" .. r.tag), r.amount or 1)
                end
                list[#list + 1] = Obj.new(Recipe, {
                    _registry = registry, _target = def.target, _amount = def.amount or 1,
                    _required = required, _requiredTime = def.requiredTime or 1,
                    _outCondition = def.outCondition or 1, _hash = hashOf(table.concat(parts, "|")),
                    _suitable = { P.identifier(prefab._id) },
                })
            end
        end
    end
    rawset(prefab, "_recipes", list)
    return list
end

--- ItemPrefab.FabricationRecipes of `target`: every fabricator prefab's recipe for it, by hash.
function Fab.recipesFor(registry, target)
    local out = {}
    for _, p in ipairs(registry.list) do
        for _, r in ipairs(Fab.recipesOf(registry, p)) do
            if string.lower(r._target) == target._lower then out[r._hash] = r end
        end
    end
    return out
end

------------------------------------------------------------------------------------------------
-- The component
------------------------------------------------------------------------------------------------
local Fabricator = Obj.class(NS .. "Fabricator")
Fab.Fabricator = Fabricator
Fabricator.getters.Name = function() return "Fabricator" end
Fabricator.getters.Item = function(self) return self._item end
Fabricator.getters.Voltage = function(self) return self._voltage end
Fabricator.setters.Voltage = function(self, v) self._voltage = v end
Fabricator.getters.MinVoltage = function(self) return self._minVoltage end
Fabricator.getters.PowerConsumption = function(self) return self._powerConsumption end
Fabricator.getters.HasPower = function(self) return self._voltage >= self._minVoltage end
Fabricator.getters.InputContainer = function(self) return self._item._ownInvs[1]._container end
Fabricator.getters.OutputContainer = function(self) return self._item._ownInvs[2]._container end
Fabricator.getters.FabricationSpeed = function() return 1 end
Fabricator.getters.AmountToFabricate = function(self) return self._amountToFabricate end
Fabricator.setters.AmountToFabricate = function(self, v)
    if type(v) ~= "number" then error("cannot convert a " .. type(v) .. " to a clr type System.Int32", 3) end
    v = math.floor(v)
    if v < 1 then v = 1 elseif v > Fab.MAX_AMOUNT then v = Fab.MAX_AMOUNT end
    self._amountToFabricate = v
end
-- Client build only in the game (the recipe chosen in the fabricator's menu). Client states share
-- the server's objects here, so one value per fabricator, set with sim:selectRecipe; server code
-- must never read it (the game's server has no such member).
Fabricator.getters.SelectedItem = function(self) return self._selectedRecipe end
Fabricator.tostring = function() return NS .. "Fabricator" end

-- Private in the game: reachable from Lua only after LuaUserData.MakeMethodAccessible.
Fabricator.methods.StartFabricating = function(self, recipe, user, addToServerLog)
    local world = self._item._world
    if not (world.accessible or {})[Fab.CLASS .. ".StartFabricating"] then
        Obj.missing(Fab.CLASS, "StartFabricating")
    end
    if addToServerLog == nil then addToServerLog = true end
    Fab.start(self, recipe, user, addToServerLog)
end

function Fab.newComponent(world, item, def)
    local c = Obj.new(Fabricator, {
        _type = "Fabricator", _item = item, _voltage = world.defaultVoltage, _minVoltage = def.minVoltage or 0.5,
        _powerConsumption = def.powerConsumption or 0, _amountToFabricate = 1, _amountRemaining = 0,
        _fabricatedItem = nil, _user = nil, _timeUntilReady = 0, _requiredTime = 0,
    })
    world.fabricators = world.fabricators or {}
    world.fabricators[#world.fabricators + 1] = c
    return c
end

--- What the fabricator's item can make (the private fabricationRecipes, by hash).
function Fab.recipes(c)
    return Fab.recipesOf(c._item._world.prefabs, c._item._prefab)
end

--- A recipe of this fabricator by target identifier or RecipeHash (nil when it has none).
function Fab.findRecipe(c, targetOrHash)
    for _, r in ipairs(Fab.recipes(c)) do
        if r._hash == targetOrHash or (type(targetOrHash) == "string" and string.lower(r._target) == string.lower(targetOrHash)) then
            return r
        end
    end
    return nil
end

-- RefreshAvailableIngredients: the input container, linked containers (a deconstructor's output is
-- not simulated), everything inside those items, and the user's inventory while the user has this
-- fabricator selected. Sorted as SortIngredients: input first, then character inventories, then
-- the rest; then lower condition first.
local function available(c, user)
    local item = c._item
    local list = {}
    local function addInv(inv)
        for s = 1, inv._cap do
            for _, it in ipairs(inv._slots[s]) do list[#list + 1] = it end
        end
    end
    addInv(c.InputContainer._inventory)
    for _, other in ipairs(item._links) do
        if not other._removed and other._ownInvs[1] ~= nil and other ~= item then addInv(other._ownInvs[1]) end
    end
    local i = 1
    while i <= #list do
        for _, inv in ipairs(list[i]._ownInvs) do addInv(inv) end
        i = i + 1
    end
    if user == nil then user = c._user end
    if user ~= nil and not user._removed and user._selected == item then addInv(user._inventory) end
    local input = c.InputContainer._inventory
    local function priority(it)
        if it._parentInv == input then return 3 end
        if it._parentInv ~= nil and it._parentInv._isCharacter then return 2 end
        return 1
    end
    local order = {}
    for k, it in ipairs(list) do order[it] = k end
    table.sort(list, function(a, b)
        local pa, pb = priority(a), priority(b)
        if pa ~= pb then return pa > pb end
        if a._condition ~= b._condition then return a._condition < b._condition end
        return order[a] < order[b]
    end)
    return list
end
Fab.available = available

local function suitable(req, it)
    return req:MatchesItem(it) and req:IsConditionSuitable(it.ConditionPercentage)
end

--- CanBeFabricated: every required item has Amount suitable, distinct items available.
function Fab.canBeFabricated(c, recipe, user)
    if recipe == nil then return false end
    local used = {}
    local items = available(c, user)
    for _, req in ipairs(recipe._required) do
        local n = 0
        for _, it in ipairs(items) do
            if n >= req._amount then break end
            if not used[it] and suitable(req, it) then
                used[it] = true
                n = n + 1
            end
        end
        if n < req._amount then return false end
    end
    return true
end

-- Chooses the items one batch uses (MoveIngredientsToInputContainer / Fabricate order).
local function choose(c, recipe)
    local chosen, used = {}, {}
    local items = available(c)
    for _, req in ipairs(recipe._required) do
        for _ = 1, req._amount do
            for _, it in ipairs(items) do
                if not used[it] and suitable(req, it) then
                    used[it] = true
                    chosen[#chosen + 1] = { item = it, req = req }
                    break
                end
            end
        end
    end
    return chosen, used
end

local function moveIngredients(c, recipe)
    local input = c.InputContainer._inventory
    local chosen, used = choose(c, recipe)
    for _, ch in ipairs(chosen) do
        local it = ch.item
        if it._parentInv ~= input then
            if not input:CanBePut(it) then
                -- Make room: an item the recipe does not use is dropped (Item.Drop).
                for _, other in ipairs(input.AllItemsMod) do
                    if not used[other] then
                        Inv.drop(other)
                        break
                    end
                end
            end
            Inv.tryPut(input, it, nil, false)
        end
    end
end

--- Fabricator.StartFabricating, through the patches of the main Lua state.
function Fab.start(c, recipe, user, addToServerLog)
    local world = c._item._world
    world.host.invoke(Fab.CLASS, "StartFabricating", c,
        { selectedItem = recipe, user = user, addToServerLog = addToServerLog },
        function(args)
            Fab.startOriginal(c, args.selectedItem, args.user)
        end)
end

function Fab.startOriginal(c, recipe, user)
    if recipe == nil then return end
    local target = recipe.TargetItem
    if target == nil or not c.OutputContainer._inventory:CanProbablyBePut(target) then return end
    c._fabricatedItem = recipe
    c._user = user
    moveIngredients(c, recipe)
    c._requiredTime = recipe._requiredTime
    c._timeUntilReady = recipe._requiredTime
    c._item._world.host.note(string.format("fabricator %d started %s", c._item._id, recipe._target))
end

function Fab.cancel(c)
    c._fabricatedItem = nil
    c._user = nil
    c._timeUntilReady = 0
end

--- Fabricate: consumes one batch and spawns the product (into the output, else at the item).
local function fabricate(c)
    local world = c._item._world
    local recipe = c._fabricatedItem
    if not Fab.canBeFabricated(c, recipe) then
        Fab.cancel(c)
        return
    end
    local input = c.InputContainer._inventory
    for _, ch in ipairs((choose(c, recipe))) do
        local it, req = ch.item, ch.req
        if req._useCondition and it.ConditionPercentage - req._min * 100 > 0 then
            -- Left behind with reduced condition.
            it.Condition = it._condition - it._prefab._maxCondition * req._min
        else
            world:queueRemove(it)
            if it._parentInv == input then Inv.detach(it) end
        end
    end
    local target = recipe.TargetItem
    local output = c.OutputContainer._inventory
    local fitting = output:HowManyCanBePut(target)
    for i = 1, recipe._amount do
        local entry = { prefab = target, condition = target._maxCondition * recipe._outCondition, quality = 0 }
        if i <= fitting then
            entry.inventory = output
        else
            local r = Inv.rootPosition(c._item)
            entry.sub, entry.x, entry.y = r.sub, r.x, r.y
        end
        world:queueSpawn(entry)
    end
    world.host.note(string.format("fabricator %d made %s", c._item._id, recipe._target))
    local user = c._user
    Fab.cancel(c)
    c._amountRemaining = c._amountRemaining - 1
    if c._amountRemaining > 0 and Fab.canBeFabricated(c, recipe, user) then
        Fab.start(c, recipe, user, false)
    end
end

--- Fabricator.Update on the server (or in singleplayer).
function Fab.update(c, dt)
    if c._fabricatedItem == nil then return end
    if not Fab.canBeFabricated(c, c._fabricatedItem) then
        Fab.cancel(c)
        return
    end
    if c._voltage < c._minVoltage then return end -- paused
    local factor = c._powerConsumption <= 0 and 1 or math.min(c._voltage, 1)
    c._timeUntilReady = c._timeUntilReady - dt * factor
    if c._timeUntilReady <= 0 then fabricate(c) end
end

--- Every live fabricator of the world, once per update.
function Fab.updateAll(world, dt)
    local list = world.fabricators
    if list == nil then return end
    local kept = {}
    for _, c in ipairs(list) do
        if not c._item._removed then
            kept[#kept + 1] = c
            Fab.update(c, dt)
        end
    end
    world.fabricators = kept
end

return Fab
