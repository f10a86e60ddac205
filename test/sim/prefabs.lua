-- Item prefabs: definitions (see README.md "Prefab definitions"), Identifier and LocalizedString
-- values, and the ItemPrefab objects the mod sees through ItemPrefab.GetItemPrefab.
local Obj = require("sim.object")

local P = {}

-- Barotrauma's MapEntityCategory flags (an unregistered enum reaches Lua as a number).
P.CATEGORY = {
    None = 0, Structure = 1, Decorative = 2, Machine = 4, Medical = 8, Weapon = 16, Diving = 32,
    Equipment = 64, Fuel = 128, Electrical = 256, Material = 1024, Alien = 2048, Wrecked = 4096,
    ItemAssembly = 8192, Legacy = 16384, Misc = 32768,
}

-- Inventory.MaxPossibleStackSize.
P.MAX_STACK = 63

------------------------------------------------------------------------------------------------
-- Identifier: a case-insensitive string value.
------------------------------------------------------------------------------------------------
local Identifier = Obj.class("Barotrauma.Identifier")
Identifier.getters.Value = function(self) return self._value end
Identifier.tostring = function(self) return self._value end
Identifier.mt.__eq = function(a, b) return a._lower == b._lower end
P.Identifier = Identifier

function P.identifier(value)
    return Obj.new(Identifier, { _value = value, _lower = string.lower(value) })
end

------------------------------------------------------------------------------------------------
-- LocalizedString: .Value follows the simulation's current language.
------------------------------------------------------------------------------------------------
local LocalizedString = Obj.class("Barotrauma.LocalizedString")
LocalizedString.getters.Value = function(self) return self._resolve() end
LocalizedString.tostring = function(self) return self._resolve() end
P.LocalizedString = LocalizedString

function P.localized(resolve)
    return Obj.new(LocalizedString, { _resolve = resolve })
end

------------------------------------------------------------------------------------------------
-- ItemPrefab
------------------------------------------------------------------------------------------------
local ItemPrefab = Obj.class("Barotrauma.ItemPrefab")
P.ItemPrefab = ItemPrefab
ItemPrefab.getters.Identifier = function(self) return self._identifier end
ItemPrefab.getters.Name = function(self) return self._nameString end
ItemPrefab.getters.Category = function(self) return self._category end
ItemPrefab.getters.MaxStackSize = function(self) return self._maxStack end
ItemPrefab.getters.Health = function(self) return self._maxCondition end
ItemPrefab.getters.Tags = function(self)
    -- An IEnumerable<Identifier>: MoonSharp hands Lua an iterator for `for tag in prefab.Tags do`.
    local list, i = self._tagIdentifiers, 0
    return function()
        i = i + 1
        return list[i]
    end
end
-- ImmutableDictionary<uint, FabricationRecipe> of the recipes that make this item (by RecipeHash).
ItemPrefab.getters.FabricationRecipes = function(self)
    return require("sim.fabricator").recipesFor(self._registry, self)
end
-- The prefab's sprites (Barotrauma.Sprite): Sprite (MapEntityPrefab.Sprite, shared) and the client's
-- InventoryIcon (ClientSource ItemPrefab; nil when the item defines none: here, always one).
local Sprite = Obj.class("Barotrauma.Sprite")
P.Sprite = Sprite
ItemPrefab.getters.Sprite = function(self) return Obj.new(Sprite, { _of = self._id }) end
ItemPrefab.getters.InventoryIcon = function(self) return Obj.new(Sprite, { _of = self._id, _icon = true }) end
ItemPrefab.tostring = function(self) return "ItemPrefab (" .. self._id .. ")" end

local function categoryValue(c)
    if c == nil then return P.CATEGORY.Misc end
    if type(c) == "number" then return c end
    if type(c) == "string" then c = { c } end
    local v = 0
    for _, name in ipairs(c) do
        local flag = P.CATEGORY[name]
        if flag == nil then error("unknown prefab category '" .. tostring(name) .. "'", 3) end
        v = v + flag
    end
    return v
end

local function nameTable(n, fallback)
    if n == nil then return { en = fallback } end
    if type(n) == "string" then return { en = n } end
    return n
end

function P.hasComponent(def, t)
    for _, c in ipairs(def.components or {}) do
        if c.type == t then return true end
    end
    return false
end

--- A registry of prefabs, keyed by lower-case identifier. `language()` returns "en" or "zh".
function P.newRegistry(language)
    local reg = { byId = {}, list = {}, language = language }

    function reg.add(def)
        assert(type(def) == "table" and type(def.identifier) == "string", "prefab definition needs an identifier")
        local id = def.identifier
        local names = nameTable(def.name, id)
        local tags, tagSet, tagIds = {}, {}, {}
        for _, t in ipairs(def.tags or {}) do
            local lt = string.lower(t)
            if not tagSet[lt] then
                tagSet[lt] = true
                tags[#tags + 1] = t
                tagIds[#tagIds + 1] = P.identifier(t)
            end
        end
        -- Not pickable: said so, or attached to a wall by default (a Holdable with attachedbydefault).
        local pickable = def.pickable ~= false
        for _, c in ipairs(def.components or {}) do
            if c.type == "Holdable" and c.props and tostring(c.props.attachedbydefault) == "true" then pickable = false end
        end
        local maxStack = def.maxStackSize or 1
        if maxStack < 1 then maxStack = 1 end
        if maxStack > P.MAX_STACK then maxStack = P.MAX_STACK end
        local prefab = Obj.new(ItemPrefab, {
            _def = def,
            _id = id,
            _lower = string.lower(id),
            _identifier = P.identifier(id),
            _names = names,
            _category = categoryValue(def.category),
            _tags = tags,
            _tagSet = tagSet,
            _tagIdentifiers = tagIds,
            _maxStack = maxStack,
            _maxStackCharacter = def.maxStackSizeCharacterInventory,
            _maxCondition = def.maxCondition or 100,
            _pickable = pickable,
            _hasQuality = def.hasQuality == true or P.hasComponent(def, "Quality"),
            _components = def.components or {},
            _registry = reg,
        })
        rawset(prefab, "_nameString", P.localized(function() return reg.name(prefab) end))
        local existing = reg.byId[prefab._lower]
        if existing then
            for i, p in ipairs(reg.list) do
                if p == existing then table.remove(reg.list, i) break end
            end
        end
        reg.byId[prefab._lower] = prefab
        reg.list[#reg.list + 1] = prefab
        return prefab
    end

    function reg.remove(identifier)
        local lower = string.lower(identifier)
        local p = reg.byId[lower]
        if p == nil then return false end
        reg.byId[lower] = nil
        for i, q in ipairs(reg.list) do
            if q == p then table.remove(reg.list, i) break end
        end
        return true
    end

    function reg.get(identifier)
        if type(identifier) ~= "string" then return nil end
        return reg.byId[string.lower(identifier)]
    end

    --- ItemPrefab.GetItemPrefab: a (case-insensitive) name first, then the identifier. LuaCs
    --- (LuaCsForBarotrauma SharedSource/LuaCs/Lua/LuaBarotraumaAdditions.cs, ItemPrefab.GetItemPrefab)
    --- returns `MapEntityPrefab.Find(text, identifier: null) ?? MapEntityPrefab.Find(null, identifier: text)`;
    --- the name search (Barotrauma SharedSource/Map/MapEntityPrefab.cs, Find) walks every prefab
    --- comparing Name, OriginalName and aliases with OrdinalIgnoreCase before any identifier.
    --- Simplified: a name in any language of the definition counts (the game compares the name in
    --- the current language and the XML name), and only item prefabs exist here.
    function reg.find(nameOrId)
        if type(nameOrId) ~= "string" then return nil end
        local lower = string.lower(nameOrId)
        if lower ~= "" then
            for _, q in ipairs(reg.list) do
                for _, n in pairs(q._names) do
                    if string.lower(n) == lower then return q end
                end
            end
        end
        return reg.get(nameOrId)
    end

    function reg.name(prefab)
        local lang = reg.language()
        return prefab._names[lang] or prefab._names.en or prefab._id
    end

    return reg
end

--- ItemPrefab.GetMaxStackSize(inventory): per-slot limit before the container's own cap.
function P.maxStackIn(prefab, isCharacterInventory, extraStackSize)
    local base = prefab._maxStack
    if isCharacterInventory and prefab._maxStackCharacter ~= nil then base = prefab._maxStackCharacter end
    if base == 1 then return 1 end
    local n = base + (extraStackSize or 0)
    if n > P.MAX_STACK then n = P.MAX_STACK end
    return n
end

return P
