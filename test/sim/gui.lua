-- The game's client GUI as a client Lua state sees it through LuaCs: the `GUI` table and the
-- `Vector2` constructor. Strict where the game is: every constructor takes only the argument lists
-- of its real C# overloads (BarotraumaClient/ClientSource/GUI/*.cs; as LuaCs exposes them: the
-- names are LuaCs's client DefaultLib `GUI = { Frame = CreateStatic("Barotrauma.GUIFrame", true),
-- ... }`, the overloads and members those of its generated GUI annotations), every member that
-- the class does not have raises, and only what MoonSharp converts is accepted: a Lua string for a
-- LocalizedString or RichString parameter goes through the type's implicit operator
-- (evilfactory/moonsharp ScriptToClrConversions.HasImplicitConversion; LocalizedString and
-- RichString define `implicit operator (string)`), a nil reaches a reference or nullable
-- parameter, and an omitted parameter must have a default value.
--
-- Rects follow RectTransform: size = relative size x parent size (the screen for no parent),
-- placed at the anchor with the pivot matching the anchor (RectTransform.MatchPivotToAnchor);
-- a GUILayoutGroup stacks its children along its axis (Stretch scales them to fill), a
-- GUIListBox stacks the children of its Content. `gui:overlaps()` lists sibling components whose
-- rects intersect: what a player would see drawn over each other.
local Obj = require("sim.object")

local G = {}

local SCREEN = { x = 0, y = 0, w = 1920, h = 1080 }

local ANCHORS = {
    TopLeft = { 0, 0 }, TopCenter = { 0.5, 0 }, TopRight = { 1, 0 },
    CenterLeft = { 0, 0.5 }, Center = { 0.5, 0.5 }, CenterRight = { 1, 0.5 },
    BottomLeft = { 0, 1 }, BottomCenter = { 0.5, 1 }, BottomRight = { 1, 1 },
}
-- Barotrauma.Alignment flags (GUI/Alignment.cs).
local ALIGNMENTS = {
    Left = 1, CenterX = 2, Right = 4, Top = 8, CenterY = 16, Bottom = 32,
    TopLeft = 9, TopCenter = 10, TopRight = 12, CenterLeft = 17, Center = 18, CenterRight = 20,
    BottomLeft = 33, BottomCenter = 34, BottomRight = 36,
}

local function enumValue(typeName, name, value)
    return setmetatable({ _enum = typeName, _name = name, _value = value }, {
        __tostring = function() return name end,
        __eq = function(a, b) return a._enum == b._enum and a._value == b._value end,
    })
end

local function enumTable(typeName, names)
    local t = {}
    for name, v in pairs(names) do t[name] = enumValue(typeName, name, v) end
    return setmetatable(t, {
        __index = function(_, k) error("cannot access field " .. tostring(k) .. " of userdata<" .. typeName .. ">", 2) end,
    })
end

--- A value LuaCs hands over as Microsoft.Xna.Framework.Vector2.
local Vector2 = Obj.class("Microsoft.Xna.Framework.Vector2")
Vector2.getters.X = function(self) return self._x end
Vector2.getters.Y = function(self) return self._y end

------------------------------------------------------------------------------------------------
-- Argument conversion (MoonSharp ScriptToClrConversions, with LuaCs's converters)
------------------------------------------------------------------------------------------------
local function typeNameOf(v)
    local c = type(v) == "table" and rawget(v, "_class")
    return c and c.typeName or nil
end

local function isClass(v, name)
    return typeNameOf(v) == name
end

-- kind -> { accepts(v), nullable }: `nullable` kinds take nil (reference types and T?).
local KINDS = {
    RectTransform = { function(v) return isClass(v, "Barotrauma.RectTransform") end, true },
    Vector2 = { function(v) return isClass(v, "Microsoft.Xna.Framework.Vector2") end, false },
    Point = { function(v) return isClass(v, "Microsoft.Xna.Framework.Point") end, false },
    ["Point?"] = { function(v) return isClass(v, "Microsoft.Xna.Framework.Point") end, true },
    ["Color?"] = { function(v) return isClass(v, "Microsoft.Xna.Framework.Color") end, true },
    ["Rectangle?"] = { function(v) return isClass(v, "Microsoft.Xna.Framework.Rectangle") end, true },
    ["Pivot?"] = { function(v) return type(v) == "table" and v._enum == "Barotrauma.Pivot" end, true },
    ScaleBasis = { function(v) return type(v) == "number" end, false },
    GUIFont = { function(v) return isClass(v, "Barotrauma.GUIFont") end, true },
    Sprite = { function(v) return isClass(v, "Barotrauma.Sprite") end, true },
    Anchor = { function(v) return type(v) == "number" or (type(v) == "table" and v._enum == "Barotrauma.Anchor") end, false },
    Alignment = { function(v) return type(v) == "number" or (type(v) == "table" and v._enum == "Barotrauma.Alignment") end, false },
    string = { function(v) return type(v) == "string" end, true },
    LocalizedString = { function(v) return type(v) == "string" or isClass(v, "Barotrauma.LocalizedString") end, true },
    RichString = { function(v) return type(v) == "string" or isClass(v, "Barotrauma.LocalizedString") end, true },
    int = { function(v) return type(v) == "number" end, false },
    float = { function(v) return type(v) == "number" end, false },
    bool = { function(v) return type(v) == "boolean" end, false },
    object = { function() return true end, true },
}

--- True when `args` (n of them) fit the parameter list `params` ({ kind, optional }...).
local function fits(params, args, n)
    if n > #params then return false end
    for i, p in ipairs(params) do
        local kind = assert(KINDS[p[1]], p[1])
        local v = args[i]
        if i > n then
            if not p[2] then return false end -- omitted without a default value
        elseif v == nil then
            if not kind[2] and not p[2] then return false end
        elseif not kind[1](v) then
            return false
        end
    end
    return true
end

local function describe(args, n)
    local parts = {}
    for i = 1, n do
        local v = args[i]
        parts[i] = typeNameOf(v) or (type(v) == "table" and v._enum) or type(v)
    end
    return table.concat(parts, ", ")
end

local function resolve(typeName, overloads, ...)
    local n = select("#", ...)
    local args = { ... }
    for i, params in ipairs(overloads) do
        if fits(params, args, n) then return i, args end
    end
    error(string.format("no overload of %s's constructor takes (%s)", typeName, describe(args, n)), 3)
end

local function text(v)
    if v == nil then return "" end
    if type(v) == "string" then return v end
    return v.Value
end

------------------------------------------------------------------------------------------------
-- RectTransform
------------------------------------------------------------------------------------------------
local RectTransform = Obj.class("Barotrauma.RectTransform")
RectTransform.getters.Parent = function(self) return self._parent end
RectTransform.getters.GUIComponent = function(self) return self._component end
RectTransform.getters.RelativeSize = function(self) return Obj.new(Vector2, { _x = self._rw, _y = self._rh }) end
RectTransform.getters.Anchor = function(self) return self._anchor end
RectTransform.getters.CountChildren = function(self) return #self._children end

-- RectTransform(Vector2 relativeSize, RectTransform parent, Anchor anchor = TopLeft, Pivot? pivot
-- = null, Point? minSize = null, Point? maxSize = null, ScaleBasis scaleBasis = Normal) and
-- RectTransform(Point absoluteSize, RectTransform parent = null, Anchor anchor = TopLeft, Pivot?
-- pivot = null, ScaleBasis scaleBasis = Normal, bool isFixedSize = false).
local RECT_OVERLOADS = {
    { { "Vector2" }, { "RectTransform" }, { "Anchor", true }, { "Pivot?", true }, { "Point?", true }, { "Point?", true }, { "ScaleBasis", true } },
    { { "Point" }, { "RectTransform", true }, { "Anchor", true }, { "Pivot?", true }, { "ScaleBasis", true }, { "bool", true } },
}

local function newRect(gui, ...)
    local which, args = resolve("RectTransform", RECT_OVERLOADS, ...)
    local anchor = args[3] or enumValue("Barotrauma.Anchor", "TopLeft", 0)
    local r = Obj.new(RectTransform, { _gui = gui, _parent = args[2], _anchor = anchor, _children = {} })
    if which == 1 then
        r._rw, r._rh = args[1]._x, args[1]._y
    else
        r._absW, r._absH = args[1]._x, args[1]._y
    end
    if args[2] ~= nil then table.insert(args[2]._children, r) end
    return r
end

------------------------------------------------------------------------------------------------
-- Components
------------------------------------------------------------------------------------------------
local Component = Obj.class("Barotrauma.GUIComponent")
local cg, cs, cm = Component.getters, Component.setters, Component.methods
cg.RectTransform = function(self) return self._rect end
cg.Parent = function(self) return self._rect._parent and self._rect._parent._component end
cg.Visible = function(self) return self._visible end
cs.Visible = function(self, v) self._visible = v == true end
cg.CanBeFocused = function(self) return self._canBeFocused end
cs.CanBeFocused = function(self, v) self._canBeFocused = v == true end
cg.Enabled = function(self) return self._enabled end
cs.Enabled = function(self, v) self._enabled = v == true end
cg.UserData = function(self) return self._userData end
cs.UserData = function(self, v) self._userData = v end
cg.ToolTip = function(self) return self._toolTip end
cs.ToolTip = function(self, v)
    if not KINDS.RichString[1](v) and v ~= nil then error("cannot convert a " .. type(v) .. " to a clr type Barotrauma.RichString", 3) end
    self._toolTip = text(v)
end
cg.CountChildren = function(self) return #self._rect._children end
-- GUIComponent.AddToGUIUpdateList(bool ignoreChildren = false, int order = 0)
cm.AddToGUIUpdateList = function(self, ignoreChildren, order)
    if ignoreChildren ~= nil and type(ignoreChildren) ~= "boolean" then error("AddToGUIUpdateList: ignoreChildren must be a bool", 3) end
    if order ~= nil and type(order) ~= "number" then error("AddToGUIUpdateList: order must be a number", 3) end
    if self._visible then self._rect._gui.updateList[#self._rect._gui.updateList + 1] = self end
end
-- GUIComponent.ClearChildren(): RectTransform.ClearChildren.
cm.ClearChildren = function(self) self._rect._children = {} end

local function setString(kindName)
    return function(self, v)
        if v ~= nil and not KINDS[kindName][1](v) then
            error("cannot convert a " .. type(v) .. " to a clr type Barotrauma." .. kindName, 3)
        end
        self._text = text(v)
    end
end

local function fnSetter(field)
    return function(self, v)
        if type(v) ~= "function" and v ~= nil then error("cannot convert a " .. type(v) .. " to a delegate", 3) end
        self[field] = v
    end
end

local Frame = Obj.class("Barotrauma.GUIFrame", Component)

local TextBlock = Obj.class("Barotrauma.GUITextBlock", Component)
TextBlock.getters.Text = function(self) return self._text end
TextBlock.setters.Text = setString("RichString")

local Button = Obj.class("Barotrauma.GUIButton", Component)
Button.getters.Text = function(self) return self._text end
Button.setters.Text = setString("LocalizedString")
Button.getters.TextBlock = function(self) return self._textBlock end
Button.getters.OnClicked = function(self) return self._onClicked end
Button.setters.OnClicked = fnSetter("_onClicked")

local TextBox = Obj.class("Barotrauma.GUITextBox", Component)
TextBox.getters.Text = function(self) return self._text end
TextBox.setters.Text = function(self, v)
    if type(v) ~= "string" then error("cannot convert a " .. type(v) .. " to a clr type System.String", 3) end
    self._text = v
    if self._onTextChanged then self._onTextChanged(self, v) end
end
-- OnTextChangedDelegate has a public setter only (GUITextBox.OnTextChanged is a private field).
TextBox.setters.OnTextChangedDelegate = fnSetter("_onTextChanged")
TextBox.getters.OnEnterPressed = function(self) return self._onEnter end
TextBox.setters.OnEnterPressed = fnSetter("_onEnter")

local DropDown = Obj.class("Barotrauma.GUIDropDown", Component)
DropDown.getters.Text = function(self) return self._text end
DropDown.setters.Text = setString("LocalizedString")
DropDown.getters.OnSelected = function(self) return self._onSelected end
DropDown.setters.OnSelected = fnSetter("_onSelected")
DropDown.getters.SelectedData = function(self) return self._items[self._selected] and self._items[self._selected].data end
DropDown.getters.SelectedIndex = function(self) return (self._selected or 0) - 1 end
-- AddItem(LocalizedString text, object userData = null, LocalizedString toolTip = null)
DropDown.methods.AddItem = function(self, ...)
    local _, args = resolve("GUIDropDown.AddItem", { { { "LocalizedString" }, { "object", true }, { "LocalizedString", true } } }, ...)
    self._items[#self._items + 1] = { text = text(args[1]), data = args[2] }
end
-- Select(int index): selects and calls OnSelected(component, userData).
DropDown.methods.Select = function(self, index)
    if type(index) ~= "number" then error("Select: index must be a number", 3) end
    local item = self._items[index + 1]
    if item == nil then return end
    self._selected = index + 1
    self._text = item.text
    if self._onSelected then self._onSelected(self, item.data) end
end

local ListBox = Obj.class("Barotrauma.GUIListBox", Component)
ListBox.getters.Content = function(self) return self._content end
ListBox.methods.ClearChildren = function(self) self._content._rect._children = {} end

local LayoutGroup = Obj.class("Barotrauma.GUILayoutGroup", Component)
LayoutGroup.getters.Stretch = function(self) return self._stretch end
LayoutGroup.setters.Stretch = function(self, v) self._stretch = v == true end
LayoutGroup.getters.RelativeSpacing = function(self) return self._relSpacing end
LayoutGroup.setters.RelativeSpacing = function(self, v) self._relSpacing = v end
LayoutGroup.getters.IsHorizontal = function(self) return self._horizontal end
LayoutGroup.methods.Recalculate = function() end

local Image = Obj.class("Barotrauma.GUIImage", Component)

-- Constructor overloads (parameter kind, has a default value).
local OVERLOADS = {
    -- GUIFrame(RectTransform rectT, string style = "", Color? color = null)
    Frame = { Frame, { { { "RectTransform" }, { "string", true }, { "Color?", true } } } },
    -- GUITextBlock(RectTransform rectT, RichString text, Color? textColor = null, GUIFont font = null,
    --   Alignment textAlignment = Left, bool wrap = false, string style = "", Color? color = null)
    TextBlock = { TextBlock, { { { "RectTransform" }, { "RichString" }, { "Color?", true }, { "GUIFont", true },
        { "Alignment", true }, { "bool", true }, { "string", true }, { "Color?", true } } } },
    -- GUIButton(RectTransform rectT, LocalizedString text, Alignment textAlignment = Center, string style = "",
    --   Color? color = null); GUIButton(RectTransform rectT, Alignment textAlignment = Center, string style = "", Color? color = null)
    Button = { Button, {
        { { "RectTransform" }, { "LocalizedString" }, { "Alignment", true }, { "string", true }, { "Color?", true } },
        { { "RectTransform" }, { "Alignment", true }, { "string", true }, { "Color?", true } },
    } },
    -- GUITextBox(RectTransform rectT, string text = "", Color? textColor = null, GUIFont font = null, Alignment
    --   textAlignment = Left, bool wrap = false, string style = "", Color? color = null, bool createClearButton
    --   = false, bool createPenIcon = true)
    TextBox = { TextBox, { { { "RectTransform" }, { "string", true }, { "Color?", true }, { "GUIFont", true },
        { "Alignment", true }, { "bool", true }, { "string", true }, { "Color?", true }, { "bool", true }, { "bool", true } } } },
    -- GUIDropDown(RectTransform rectT, LocalizedString text = null, int elementCount = 4, string style = "",
    --   bool selectMultiple = false, bool dropAbove = false, Alignment textAlignment = CenterLeft)
    DropDown = { DropDown, { { { "RectTransform" }, { "LocalizedString", true }, { "int", true }, { "string", true },
        { "bool", true }, { "bool", true }, { "Alignment", true } } } },
    -- GUIListBox(RectTransform rectT, bool isHorizontal = false, Color? color = null, string style = "",
    --   bool isScrollBarOnDefaultSide = true, bool useMouseDownToSelect = false)
    ListBox = { ListBox, { { { "RectTransform" }, { "bool", true }, { "Color?", true }, { "string", true },
        { "bool", true }, { "bool", true } } } },
    -- GUILayoutGroup(RectTransform rectT, bool isHorizontal = false, Anchor childAnchor = TopLeft)
    LayoutGroup = { LayoutGroup, { { { "RectTransform" }, { "bool", true }, { "Anchor", true } } } },
    -- GUIImage(RectTransform rectT, Sprite sprite, Rectangle? sourceRect = null, bool scaleToFit = false);
    -- GUIImage(RectTransform rectT, string style, bool scaleToFit = false)
    Image = { Image, {
        { { "RectTransform" }, { "Sprite" }, { "Rectangle?", true }, { "bool", true } },
        { { "RectTransform" }, { "string" }, { "bool", true } },
    } },
}

local function newComponent(gui, name, ...)
    local spec = OVERLOADS[name]
    local which, args = resolve("GUI" .. name, spec[2], ...)
    local rect = args[1]
    if rect == nil then error("GUI" .. name .. ": rectT is null (NullReferenceException)", 3) end
    if rect._component ~= nil then error("GUI" .. name .. ": the RectTransform already belongs to a component", 3) end
    local c = Obj.new(spec[1], { _rect = rect, _type = name, _visible = true, _canBeFocused = true, _enabled = true })
    rect._component = c
    gui.created[#gui.created + 1] = c
    if name == "TextBlock" then
        c._text = text(args[2])
    elseif name == "Button" then
        c._text = which == 1 and text(args[2]) or ""
        -- GUIButton makes a GUITextBlock filling the button (RectTransform(Vector2.One, rectT)).
        local inner = newRect(gui, Obj.new(Vector2, { _x = 1, _y = 1 }), rect)
        c._textBlock = Obj.new(TextBlock, { _rect = inner, _type = "TextBlock", _visible = true, _canBeFocused = false,
            _enabled = true, _text = c._text, _internal = true })
        inner._component = c._textBlock
    elseif name == "TextBox" then
        c._text = args[2] or ""
    elseif name == "DropDown" then
        c._text = text(args[2])
        c._items = {}
    elseif name == "ListBox" then
        local inner = newRect(gui, Obj.new(Vector2, { _x = 1, _y = 1 }), rect)
        c._content = Obj.new(Frame, { _rect = inner, _type = "Frame", _visible = true, _canBeFocused = false,
            _enabled = true, _internal = true, _stack = true })
        inner._component = c._content
    elseif name == "LayoutGroup" then
        c._horizontal = args[2] == true
        c._stretch = false
        c._relSpacing = 0
    end
    return c
end

------------------------------------------------------------------------------------------------
-- Layout
------------------------------------------------------------------------------------------------
local function sizeOf(r, parent)
    if r._rw ~= nil then return r._rw * parent.w, r._rh * parent.h end
    return r._absW, r._absH
end

local function layout(r, box, out)
    out[r] = box
    local c = r._component
    local kids = {}
    for _, k in ipairs(r._children) do
        if k._component == nil or k._component._visible then kids[#kids + 1] = k end
    end
    local stack = c ~= nil and (c._stack or typeNameOf(c) == "Barotrauma.GUILayoutGroup")
    if not stack then
        for _, k in ipairs(kids) do
            local w, h = sizeOf(k, box)
            local a = ANCHORS[k._anchor._name] or ANCHORS.TopLeft
            local x = box.x + a[1] * box.w - a[1] * w
            local y = box.y + a[2] * box.h - a[2] * h
            layout(k, { x = x, y = y, w = w, h = h }, out)
        end
        return
    end
    local horizontal = c._horizontal == true
    local spacing = (c._relSpacing or 0) * (horizontal and box.w or box.h)
    local sizes, total = {}, 0
    for i, k in ipairs(kids) do
        local w, h = sizeOf(k, box)
        sizes[i] = { w, h }
        total = total + (horizontal and w or h)
    end
    total = total + spacing * math.max(#kids - 1, 0)
    local scale = 1
    if c._stretch and total > 0 then scale = ((horizontal and box.w or box.h) - spacing * math.max(#kids - 1, 0)) / (total - spacing * math.max(#kids - 1, 0)) end
    local pos = horizontal and box.x or box.y
    for i, k in ipairs(kids) do
        local w, h = sizes[i][1], sizes[i][2]
        if horizontal then w = w * scale else h = h * scale end
        local b = horizontal and { x = pos, y = box.y, w = w, h = h } or { x = box.x, y = pos, w = w, h = h }
        layout(k, b, out)
        pos = pos + (horizontal and w or h) + spacing
    end
end

local function intersects(a, b)
    local eps = 0.01
    return a.x + eps < b.x + b.w and b.x + eps < a.x + a.w and a.y + eps < b.y + b.h and b.y + eps < a.y + a.h
end

------------------------------------------------------------------------------------------------
-- Installation
------------------------------------------------------------------------------------------------

--- Installs `GUI` and `Vector2` into a client state's env. Returns the gui record: created
--- (every component), updateList (components added this frame), and helpers.
function G.install(env)
    local gui = { created = {}, updateList = {} }
    local function ctor(name)
        return function(...) return newComponent(gui, name, ...) end
    end
    env.GUI = setmetatable({
        RectTransform = function(...) return newRect(gui, ...) end,
        Frame = ctor("Frame"), TextBlock = ctor("TextBlock"), Button = ctor("Button"), TextBox = ctor("TextBox"),
        DropDown = ctor("DropDown"), ListBox = ctor("ListBox"), LayoutGroup = ctor("LayoutGroup"), Image = ctor("Image"),
        Anchor = enumTable("Barotrauma.Anchor", { TopLeft = 0, TopCenter = 1, TopRight = 2, CenterLeft = 3, Center = 4,
            CenterRight = 5, BottomLeft = 6, BottomCenter = 7, BottomRight = 8 }),
        Alignment = enumTable("Barotrauma.Alignment", ALIGNMENTS),
    }, {
        __index = function(_, k) error("GUI." .. tostring(k) .. " is not simulated", 2) end,
    })
    env.Vector2 = function(x, y)
        if type(x) ~= "number" or type(y) ~= "number" then error("Vector2(x, y) takes two numbers", 2) end
        return Obj.new(Vector2, { _x = x, _y = y })
    end

    --- The rects of everything under the components added to the update list this frame.
    function gui.layout()
        local out = {}
        for _, c in ipairs(gui.updateList) do
            local r = c._rect
            local w, h = sizeOf(r, SCREEN)
            local a = ANCHORS[r._anchor._name] or ANCHORS.TopLeft
            layout(r, { x = a[1] * (SCREEN.w - w), y = a[2] * (SCREEN.h - h), w = w, h = h }, out)
        end
        return out
    end

    --- Pairs of visible sibling components that are drawn over each other, as text.
    function gui.overlaps()
        local rects = gui.layout()
        local found = {}
        for r in pairs(rects) do
            local kids = {}
            for _, k in ipairs(r._children) do
                if rects[k] ~= nil and k._component ~= nil and k._component._visible then kids[#kids + 1] = k end
            end
            for i = 1, #kids do
                for j = i + 1, #kids do
                    if intersects(rects[kids[i]], rects[kids[j]]) then
                        found[#found + 1] = string.format("%s over %s", gui.describe(kids[i]._component), gui.describe(kids[j]._component))
                    end
                end
            end
        end
        table.sort(found)
        return found
    end

    function gui.describe(c)
        local t = typeNameOf(c):gsub("^Barotrauma%.", "")
        local s = c._text ~= nil and c._text ~= "" and (" '" .. c._text .. "'") or ""
        return t .. s
    end

    --- Visible components of a type under the drawn frames (depth first), e.g. "GUIButton".
    function gui.find(typeName)
        local out = {}
        local rects = gui.layout()
        for _, c in ipairs(gui.created) do
            if rects[c._rect] ~= nil and c._visible and typeNameOf(c) == "Barotrauma." .. typeName then out[#out + 1] = c end
        end
        return out
    end

    --- A click on a button (GUIButton.OnClicked(button, userData)).
    function gui.click(button)
        if button._onClicked then return button._onClicked(button, button._userData) end
    end

    --- A player typing into a text box (GUITextBox.Text setter raises OnTextChanged).
    function gui.type(box, value) box.Text = value end

    return gui
end

return G
