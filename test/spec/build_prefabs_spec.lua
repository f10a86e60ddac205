-- scripts/make-prefabs.mjs (the build's last step) on a small made-up mod: every component kind
-- the simulated runtime understands, several items, category flags, escaping of names, and the
-- refusal of an item without a translation.
local profile = require("moonsharp_profile")
local ROOT = profile.ROOT

local shell = require("kits.shell")
local shellQuote, run, writeFile = shell.shellQuote, shell.run, shell.writeFile


local MANIFEST = [[
<?xml version="1.0" encoding="utf-8"?>
<contentpackage name="Fixture" modversion="1.0.0" corepackage="false">
  <Item file="%ModDir%/Items/Things.xml" />
  <Text file="%ModDir%/Texts/English.xml" />
  <Text file="%ModDir%/Texts/Chinese.xml" />
</contentpackage>
]]

local ITEMS = [[
<?xml version="1.0" encoding="utf-8"?>
<Items>
  <Item identifier="DBIO_Terminal" category="Machine,Electrical" Tags="dbio_terminal, machine" health="250">
    <ItemContainer capacity="10" maxstacksize="63">
      <Containable items="smallitem,mediumitem" />
      <Containable items="smallitem, tool" />
    </ItemContainer>
    <Powered minvoltage="0.4" powerconsumption="30" />
    <CustomInterface canbeselected="true">
      <Button text="dbio.next"><StatusEffect type="OnUse"><LuaHook name="dbio.next" /></StatusEffect></Button>
      <GuiFrame relativesize="0.2,0.2" />
      <TextBox text="dbio.search" maxtextlength="64" />
      <NumberInput text="dbio.count" min="1" max="9" signal="2" />
      <TickBox text="dbio.power" />
    </CustomInterface>
    <Holdable attachable="true" />
  </Item>
  <Item identifier="dbio_card" category="Equipment" tags="smallitem" maxstacksize="8">
    <Quality />
    <MemoryComponent maxvaluelength="500" />
  </Item>
</Items>
]]

local ENGLISH = [[
<?xml version="1.0" encoding="utf-8"?>
<infotexts language="English">
  <entityname.dbio_terminal>Terminal "Deluxe" \ A&amp;B</entityname.dbio_terminal>
  <entityname.dbio_card>Data Card</entityname.dbio_card>
  <dbio.search>Search</dbio.search>
</infotexts>
]]

local CHINESE = [[
<?xml version="1.0" encoding="utf-8"?>
<infotexts language="Simplified Chinese">
  <entityname.dbio_terminal>数据库终端</entityname.dbio_terminal>
  <entityname.dbio_card>数据卡</entityname.dbio_card>
  <dbio.search>搜索</dbio.search>
</infotexts>
]]

local dir
local function fixture(chinese)
    dir = os.tmpname()
    os.remove(dir)
    assert(os.execute("mkdir -p " .. shellQuote(dir .. "/mod/Items") .. " " .. shellQuote(dir .. "/mod/Texts")))
    writeFile(dir .. "/filelist.xml", MANIFEST)
    writeFile(dir .. "/mod/Items/Things.xml", ITEMS)
    writeFile(dir .. "/mod/Texts/English.xml", ENGLISH)
    writeFile(dir .. "/mod/Texts/Chinese.xml", chinese or CHINESE)
end

local function generate()
    return run(table.concat({
        "node", shellQuote(ROOT .. "/scripts/make-prefabs.mjs"),
        "--manifest", shellQuote(dir .. "/filelist.xml"),
        "--mod", shellQuote(dir .. "/mod"),
        "--out", shellQuote(dir .. "/prefabs.lua"),
    }, " "))
end

after_each(function()
    if dir ~= nil then os.execute("rm -rf " .. shellQuote(dir)) end
    dir = nil
end)

local function byId(prefabs)
    local out = {}
    for _, p in ipairs(prefabs) do out[p.identifier] = p end
    return out
end

describe("make-prefabs.mjs", function()
    it("turns item XML into sim prefab definitions", function()
        fixture()
        local code, output = generate()
        assert.are.equal(0, code, output)
        local prefabs = dofile(dir .. "/prefabs.lua")
        assert.are.equal(2, #prefabs)
        assert.are.equal("dbio_card", prefabs[1].identifier) -- sorted by identifier
        local p = byId(prefabs)

        local terminal = p.dbio_terminal
        assert.are.same({ en = 'Terminal "Deluxe" \\ A&B', zh = "数据库终端" }, terminal.name)
        assert.are.same({ "Machine", "Electrical" }, terminal.category)
        assert.are.same({ "dbio_terminal", "machine" }, terminal.tags)
        assert.are.equal(1, terminal.maxStackSize)
        assert.are.equal(250, terminal.maxCondition)
        assert.is_false(terminal.hasQuality)
        assert.are.same({
            { type = "ItemContainer", capacity = 10, maxStackSize = 63, containable = { "smallitem", "mediumitem", "tool" } },
            { type = "Powered", minVoltage = 0.4, powerConsumption = 30 },
            { type = "CustomInterface", elements = {
                { kind = "button", label = "dbio.next", hooks = { "dbio.next" } },
                { kind = "textbox", label = "dbio.search", text = { en = "Search", zh = "搜索" }, maxTextLength = 64 },
                { kind = "numberinput", label = "dbio.count", signal = "2", min = 1, max = 9 },
                { kind = "tickbox", label = "dbio.power" },
            } },
            { type = "Holdable", props = { attachable = "true" } },
        }, terminal.components)

        local card = p.dbio_card
        assert.are.equal("Equipment", card.category)
        assert.are.equal(8, card.maxStackSize)
        assert.are.equal(100, card.maxCondition)
        assert.is_true(card.hasQuality)
        assert.are.same({ type = "MemoryComponent", maxValueLength = 500 }, card.components[2])
    end)

    it("refuses an item without a Chinese name, naming the item file and line", function()
        fixture(CHINESE:gsub("<entityname%.dbio_card>.-</entityname%.dbio_card>\n", ""))
        local code, output = generate()
        assert.are_not.equal(0, code)
        assert.truthy(output:find("Things.xml:18:1: no Simplified Chinese entityname.dbio_card", 1, true), output)
    end)
end)

-- The mod finds its text fields by position in customInterfaceElementList (the game localizes
-- labels): src/features/shared/interfaceFields.ts names the positions, the item XML must match them.
describe("the mod's interface text fields", function()
    local function position(name)
        local f = assert(io.open(ROOT .. "/src/features/shared/interfaceFields.ts", "r"))
        local src = f:read("*a")
        f:close()
        local digits = src:match("export const " .. name .. " = (%d+);")
        assert(digits ~= nil, name)
        return tonumber(digits)
    end

    it("sit at the positions the mod reads, start empty, and have translated labels", function()
        local prefabs = byId(dofile(ROOT .. "/lua/sim/mod_prefabs.lua"))
        local cases = {
            { "databaseterminal", position("TERMINAL_SEARCH_POSITION"), "dbioterminal.search" },
            { "databaseterminalfixed", position("TERMINAL_SEARCH_POSITION"), "dbioterminal.search" },
            { "databaserestocker", position("RESTOCKER_CONFIG_POSITION"), "restocker.config" },
        }
        for _, case in ipairs(cases) do
            local id, at, label = case[1], case[2], case[3]
            local ci
            for _, c in ipairs(prefabs[id].components) do
                if c.type == "CustomInterface" then ci = c end
            end
            assert.is_table(ci, id)
            local e = ci.elements[at]
            assert.is_table(e, id)
            assert.are.equal("textbox", e.kind, id)
            assert.are.equal(label, e.label, id)
            -- without signal="" the game starts a text box at "1" (CustomInterfaceElement constructor)
            assert.are.equal("", e.signal, id)
            assert.is_string(e.text.en, id)
            assert.is_string(e.text.zh, id)
        end
    end)
end)
