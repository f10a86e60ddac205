-- Items and their components (ItemContainer, MemoryComponent, Powered, CustomInterface, generic).
local Obj = require("sim.object")
local Inv = require("sim.inventory")

local Items = {}

local function vector(x, y)
    return setmetatable({ X = x, Y = y }, {
        __tostring = function(v) return string.format("{X:%g Y:%g}", v.X, v.Y) end,
    })
end
Items.vector = vector

------------------------------------------------------------------------------------------------
-- Components
------------------------------------------------------------------------------------------------
local NS = "Barotrauma.Items.Components."

local ItemComponent = Obj.class(NS .. "ItemComponent")
ItemComponent.getters.Name = function(self) return self._type end
ItemComponent.getters.Item = function(self) return self._item end
ItemComponent.tostring = function(self) return NS .. self._type end
Items.ItemComponent = ItemComponent

local ItemContainer = Obj.class(NS .. "ItemContainer", ItemComponent)
ItemContainer.getters.Inventory = function(self) return self._inventory end
ItemContainer.getters.Capacity = function(self) return self._capacity end
ItemContainer.getters.MaxStackSize = function(self) return self._maxStackSize end
ItemContainer.methods.GetMaxStackSize = function(self) return self._maxStackSize end
ItemContainer.methods.CanBeContained = function(self, item)
    return item ~= nil and Inv.containerAccepts(self, item)
end

local MemoryComponent = Obj.class(NS .. "MemoryComponent", ItemComponent)
MemoryComponent.getters.Value = function(self) return self._value end
MemoryComponent.setters.Value = function(self, v)
    if v == nil then return end
    if type(v) == "number" then v = tostring(v) end
    if type(v) ~= "string" then
        error("cannot convert a " .. type(v) .. " to a clr type System.String", 3)
    end
    -- The game truncates to MaxValueLength, except while a submarine is loading.
    if not self._item._world.loading and #v > self._maxValueLength then
        v = string.sub(v, 1, self._maxValueLength)
    end
    self._value = v
end
MemoryComponent.getters.MaxValueLength = function(self) return self._maxValueLength end

local Powered = Obj.class(NS .. "Powered", ItemComponent)
Powered.getters.Voltage = function(self) return self._voltage end
Powered.setters.Voltage = function(self, v) self._voltage = v end
Powered.getters.MinVoltage = function(self) return self._minVoltage end
Powered.getters.PowerConsumption = function(self) return self._powerConsumption end
Powered.getters.HasPower = function(self) return self._voltage >= self._minVoltage end
Powered.getters.RelativeVoltage = function(self)
    if self._minVoltage <= 0 then return 1 end
    return math.min(self._voltage / self._minVoltage, 1)
end

local localizedLabel
local Element = Obj.class(NS .. "CustomInterface+CustomInterfaceElement")
Element.getters.Label = function(self) return self._label end
Element.getters.Signal = function(self) return self._signal end
Element.setters.Signal = function(self, v)
    if type(v) ~= "string" then error("cannot convert a " .. type(v) .. " to a clr type System.String", 3) end
    self._signal = v
end
Element.getters.MaxTextLength = function(self) return self._maxTextLength end
Element.getters.ConnectionName = function(self) return self._connection end
-- Tick boxes send continuously by default, the other elements do not (CustomInterface constructor).
Element.getters.ContinuousSignal = function(self) return self._kind == "tickbox" end
Element.getters.State = function(self) return self._state end
Element.setters.State = function(self, v) self._state = v == true end
Element.tostring = function(self) return "CustomInterfaceElement (" .. self._label .. ")" end
Items.Element = Element

local CustomInterface = Obj.class(NS .. "CustomInterface", ItemComponent)
CustomInterface.getters.customInterfaceElementList = function(self) return Obj.copyList(self._elements) end
-- CustomInterface.Labels: the labels as given (before UpdateLabels localized them), joined by
-- ","; Signals: joined by ";" (CustomInterface.cs, Labels / Signals getters).
CustomInterface.getters.Labels = function(self)
    local t = {}
    for i, e in ipairs(self._elements) do t[i] = e._key end
    return table.concat(t, ",")
end
CustomInterface.getters.Signals = function(self)
    local t = {}
    for i, e in ipairs(self._elements) do t[i] = e._signal end
    return table.concat(t, ";")
end

local ItemLabel = Obj.class(NS .. "ItemLabel", ItemComponent)
ItemLabel.getters.Text = function(self) return self._text end
ItemLabel.setters.Text = function(self, v)
    if type(v) ~= "string" then error("cannot convert a " .. type(v) .. " to a clr type System.String", 3) end
    self._text = v
end

-- Component types that derive from Powered in the game.
local POWERED = {
    Powered = true, Fabricator = true, Deconstructor = true, Pump = true, Reactor = true,
    PowerContainer = true, Engine = true, Steering = true, Sonar = true, Turret = true,
    LightComponent = true, OxygenGenerator = true, MiniMap = true, ElectricalDischarger = true,
    PowerTransfer = true, RelayComponent = true,
}
Items.POWERED = POWERED

--- True when a component of type `t` is a `name` for GetComponentString.
function Items.componentIs(t, name)
    if t == name or name == "ItemComponent" then return true end
    if name == "Powered" and POWERED[t] then return true end
    return false
end

--- The Label the game gives a CustomInterface element. CustomInterface constructor: an element
--- without `text` is labelled "Signal out <n>" (n counts the earlier elements with the same
--- ContinuousSignal, false for buttons and text boxes). Then UpdateLabels (called by the Labels
--- setter at the end of the constructor) replaces each label outside the submarine editor with
--- `TextManager.Get(label).Fallback(label).Value` (older builds: `TextManager.Get(label,
--- returnNull: true) ?? label`): the text of that tag in the current language; else
--- (LocalizedString.Fallback with useDefaultLanguageIfFound = true: FallbackLString, TagLString)
--- the English text; else the raw label. The newest game source keeps the raw label in
--- UpdateLabels and translates only on the client (CreateGUI); the mod must work either way, so
--- it never reads Label. `texts` maps a language key ("en", "zh") to the mod's text for the tag
--- (generated from the mod's text files); the simulation is never the submarine editor.
localizedLabel = function(key, texts, language, kind, earlier)
    if key == "" then
        local n = 0
        for _, e in ipairs(earlier) do
            if (e._kind == "tickbox") == (kind == "tickbox") then n = n + 1 end
        end
        key = "Signal out " .. string.format("%d", n)
    end
    if type(texts) == "table" then return texts[language] or texts.en or key end
    return key
end

local function newComponent(world, item, def)
    local t = def.type
    if t == "ItemContainer" then
        local c = Obj.new(ItemContainer, {
            _type = t, _item = item, _capacity = def.capacity or 5, _maxStackSize = def.maxStackSize or 64,
            _extraStackSize = def.extraStackSize or 0, _containable = def.containable,
        })
        c._inventory = Inv.newItemInventory(world, item, c, c._capacity)
        return c
    elseif t == "MemoryComponent" then
        return Obj.new(MemoryComponent, {
            _type = t, _item = item, _value = def.value or "", _maxValueLength = def.maxValueLength or 200,
        })
    elseif t == "Fabricator" then
        return require("sim.fabricator").newComponent(world, item, def)
    elseif POWERED[t] then
        return Obj.new(Powered, {
            _type = t, _item = item, _voltage = world.defaultVoltage, _minVoltage = def.minVoltage or 0.5,
            _powerConsumption = def.powerConsumption or 0,
        })
    elseif t == "ItemLabel" then
        return Obj.new(ItemLabel, { _type = t, _item = item, _text = def.text or (def.props and def.props.text) or "" })
    elseif t == "CustomInterface" then
        -- The game's CustomInterface constructor (SharedSource/Items/Components/Signal/CustomInterface.cs)
        -- adds one element per <Button>/<TextBox>/<NumberInput>/<TickBox> child in document order
        -- (other children such as <GuiFrame> are skipped): customInterfaceElementList[i] is the
        -- i-th such child. Each element's Signal is its `signal` attribute, else (no propertyname)
        -- "1": a text box without signal="" starts with "1" (CustomInterfaceElement constructor).
        -- Its Label is localized, see localizedLabel.
        local language = world.prefabs and world.prefabs.language and world.prefabs.language() or "en"
        local elements = {}
        for i, e in ipairs(def.elements or {}) do
            local hooks = {}
            for j, h in ipairs(e.hooks or {}) do
                if type(h) == "string" then hooks[j] = { name = h, attributes = {} }
                else hooks[j] = { name = h.name, attributes = h.attributes or {} } end
            end
            local key = e.label or ""
            elements[i] = Obj.new(Element, {
                _key = key, _label = localizedLabel(key, e.text, language, e.kind or "button", elements),
                _kind = e.kind or "button", _hooks = hooks, _signal = e.signal or "1",
                _maxTextLength = e.maxTextLength or 256, _connection = e.connection or "", _state = false,
                _index = i,
            })
        end
        return Obj.new(CustomInterface, { _type = t, _item = item, _elements = elements })
    else
        return Obj.new(ItemComponent, { _type = t or "ItemComponent", _item = item })
    end
end

------------------------------------------------------------------------------------------------
-- Item
------------------------------------------------------------------------------------------------
local Item = Obj.class("Barotrauma.Item")
Items.Item = Item

Item.tostring = function(self)
    return self._prefab._id .. " (" .. string.format("%d", self._id) .. ")"
end

local g, s, m = Item.getters, Item.setters, Item.methods
g.ID = function(self) return self._id end
g.Prefab = function(self) return self._prefab end
g.Name = function(self) return self._world.prefabs.name(self._prefab) end
g.Condition = function(self) return self._condition end
s.Condition = function(self, v)
    if type(v) ~= "number" or v ~= v then return end
    local max = self._prefab._maxCondition
    if v < 0 then v = 0 elseif v > max then v = max end
    self._condition = v
end
g.MaxCondition = function(self) return self._prefab._maxCondition end
g.Health = g.MaxCondition
g.ConditionPercentage = function(self)
    local max = self._prefab._maxCondition
    if max <= 0 then return 0 end
    return self._condition / max * 100
end
g.IsFullCondition = function(self) return Inv.isFullCondition(self) end
g.Quality = function(self) return self._quality end
s.Quality = function(self, v)
    -- No-op without a Quality component, as in the game.
    if not self._prefab._hasQuality then return end
    if type(v) ~= "number" then return end
    v = math.floor(v)
    if v < 0 then v = 0 elseif v > 3 then v = 3 end
    self._quality = v
end
g.Tags = function(self) return table.concat(self._tags, ",") end
s.Tags = function(self, v)
    self._tags, self._tagSet = {}, {}
    if type(v) ~= "string" then return end
    for part in string.gmatch(v, "[^,]+") do
        local t = part:match("^%s*(.-)%s*$")
        if t ~= "" and not self._tagSet[string.lower(t)] then
            self._tagSet[string.lower(t)] = true
            self._tags[#self._tags + 1] = t
        end
    end
end
g.Removed = function(self) return self._removed end
g.WorldPosition = function(self)
    local r = Inv.rootPosition(self)
    return vector(r.x, r.y)
end
g.Position = g.WorldPosition
g.Submarine = function(self)
    return Inv.rootPosition(self).sub
end
g.OwnInventory = function(self) return self._ownInvs[1] end
g.OwnInventories = function(self) return Obj.copyList(self._ownInvs) end
g.ParentInventory = function(self) return self._parentInv end
-- Item.Container is its own field (Barotrauma SharedSource/Items/Item.cs): the ParentInventory
-- setter sets it to the new inventory's owner item (nil for a character) but never clears it, and
-- only Item.Drop sets it to nil. Item.Remove clears the parentInventory field alone, so during
-- item.removed an item still names the container it was in (see Inventory.putItem/drop).
g.Container = function(self) return self._containerItem end
g.RootContainer = function(self)
    local root = nil
    local inv = self._parentInv
    while inv ~= nil and not inv._isCharacter do
        root = inv._owner
        inv = root._parentInv
    end
    return root
end
g.ContainedItems = function(self)
    local all = {}
    for _, inv in ipairs(self._ownInvs) do
        for s2 = 1, inv._cap do
            for _, it in ipairs(inv._slots[s2]) do all[#all + 1] = it end
        end
    end
    local i = 0
    return function()
        i = i + 1
        return all[i]
    end
end
g.Components = function(self) return Obj.copyList(self._components) end
-- MapEntity.linkedTo (List<MapEntity>, links made in the submarine editor): enumerated with
-- `for e in item.linkedTo do`. Removed items drop out, as MapEntity.Remove unlinks them.
g.linkedTo = function(self)
    local live = {}
    for _, other in ipairs(self._links) do
        if not other._removed then live[#live + 1] = other end
    end
    local i = 0
    return function()
        i = i + 1
        return live[i]
    end
end
g.StolenDuringRound = function(self) return self._stolen end
s.StolenDuringRound = function(self, v) self._stolen = v == true end
g.AllowStealing = function(self) return self._allowStealing end
s.AllowStealing = function(self, v) self._allowStealing = v == true end
g.SpawnedInCurrentOutpost = function(self) return self._spawnedInOutpost end
s.SpawnedInCurrentOutpost = function(self, v) self._spawnedInOutpost = v == true end
g.Illegitimate = function(self) return (not self._allowStealing) and self._spawnedInOutpost end
g.OriginalOutpost = function(self) return self._outpost end
s.OriginalOutpost = function(self, v)
    if v ~= nil and type(v) ~= "string" then error("cannot convert a " .. type(v) .. " to a clr type System.String", 3) end
    self._outpost = v or ""
end
g.Description = function(self) return self._description end
s.Description = function(self, v)
    if v ~= nil and type(v) ~= "string" then error("cannot convert a " .. type(v) .. " to a clr type System.String", 3) end
    self._description = v or ""
end

m.HasTag = function(self, tag)
    if tag == nil then return true end
    if type(tag) ~= "string" then tag = tostring(tag) end
    local l = string.lower(tag)
    return self._tagSet[l] == true or self._prefab._tagSet[l] == true
end
m.AddTag = function(self, tag)
    if type(tag) ~= "string" then tag = tostring(tag) end
    local l = string.lower(tag)
    if l == "" or self._tagSet[l] then return end
    self._tagSet[l] = true
    self._tags[#self._tags + 1] = tag
end
m.ReplaceTag = function(self, tag, newTag)
    local l = string.lower(tag)
    if not self._tagSet[l] then return end
    for i, t in ipairs(self._tags) do
        if string.lower(t) == l then table.remove(self._tags, i) break end
    end
    self._tagSet[l] = nil
    m.AddTag(self, newTag)
end
m.GetComponentString = function(self, name)
    for _, c in ipairs(self._components) do
        if Items.componentIs(c._type, name) then return c end
    end
    return nil
end
m.Remove = function(self)
    -- Immediate and unsynced in the game; the queue (Entity.Spawner) is the synced way.
    self._world:removeItem(self)
end

--- Constructs an item (no hooks: the world fires item.created).
function Items.construct(world, prefab, id)
    local tags, tagSet = {}, {}
    for i, t in ipairs(prefab._tags) do
        tags[i] = t
        tagSet[string.lower(t)] = true
    end
    local item = Obj.new(Item, {
        _world = world, _id = id, _prefab = prefab, _condition = prefab._maxCondition, _quality = 0,
        _tags = tags, _tagSet = tagSet, _stolen = false, _allowStealing = true, _outpost = "",
        _spawnedInOutpost = false, _description = "", _removed = false, _inRemoveQueue = false, _parentInv = nil,
        _containerItem = nil, _ownInvs = {}, _components = {}, _sub = nil, _x = 0, _y = 0, _links = {},
    })
    for _, def in ipairs(prefab._components) do
        local c = newComponent(world, item, def)
        item._components[#item._components + 1] = c
        if c._inventory then item._ownInvs[#item._ownInvs + 1] = c._inventory end
    end
    return item
end

--- The item's components of one type, in order (e.g. every MemoryComponent).
--- Links `a` and `b` both ways, as the submarine editor does (no duplicates).
function Items.link(a, b)
    local function add(x, y)
        for _, l in ipairs(x._links) do
            if l == y then return end
        end
        x._links[#x._links + 1] = y
    end
    add(a, b)
    add(b, a)
end

function Items.componentsOf(item, t)
    local out = {}
    for _, c in ipairs(item._components) do
        if c._type == t then out[#out + 1] = c end
    end
    return out
end

return Items
