-- scripts/check-item-attributes.mjs (part of the build's XML step): every attribute of the mod's
-- item XML is one the game reads on that element (scripts/lib/item-attributes.mjs names the
-- member that reads each); a typo or an attribute on the wrong element is reported with its line.
local profile = require("moonsharp_profile")
local ROOT = profile.ROOT

local shell = require("kits.shell")
local shellQuote, run, writeFile = shell.shellQuote, shell.run, shell.writeFile

local ITEMS = [[
<?xml version="1.0" encoding="utf-8"?>
<Items>
  <!-- a comment with <Sprite bogus="1"/> is not an element -->
  <Item identifier="thing" category="Machine" tags="a,b" scale="0.5" canflipx="false">
    <Sprite texture="%ModDir%/T.png" sourcerect="0,0,1,1" depth="0.8" canflipx="false" />
    <Powered powerconsumption="20" isactive="true" />
    <CustomInterface canbeselected="true">
      <GuiFrame relativesize="0.2,0.2" anchor="Center" style="ItemUI" />
      <TextBox text="x.field" maxtextlength="10" signal="" />
      <Button text="x.go"><StatusEffect type="OnUse" target="This"><LuaHook name="x.go" /></StatusEffect></Button>
    </CustomInterface>
    <Deconstruct time="10"><Item identifier="steel" /></Deconstruct>
  </Item>
</Items>
]]

local dir
local function check(items)
    dir = os.tmpname()
    os.remove(dir)
    assert(os.execute("mkdir -p " .. shellQuote(dir .. "/Items")))
    writeFile(dir .. "/Items/Things.xml", items)
    return run(table.concat({ "node", shellQuote(ROOT .. "/scripts/check-item-attributes.mjs"), "--mod", shellQuote(dir) }, " "))
end

after_each(function()
    if dir ~= nil then os.execute("rm -rf " .. shellQuote(dir)) end
    dir = nil
end)

describe("check-item-attributes.mjs", function()
    it("accepts the mod's own item XML", function()
        local code, output = run("node " .. shellQuote(ROOT .. "/scripts/check-item-attributes.mjs"))
        assert.are.equal(0, code, output)
        assert.truthy(output:find("0 problem(s)", 1, true), output)
    end)

    it("accepts attributes the game reads where they are", function()
        local code, output = check(ITEMS)
        assert.are.equal(0, code, output)
    end)

    it("reports an attribute the game ignores, with file and line", function()
        local bad = ITEMS:gsub('isactive="true"', 'isactiv="true"'):gsub('depth="0.8"', 'depth="0.8" flipx="false"')
        local code, output = check(bad)
        assert.are_not.equal(0, code)
        assert.truthy(output:find('Things.xml:6:1: isactiv="..." on <Powered>', 1, true), output)
        assert.truthy(output:find('Things.xml:5:1: flipx="..." on <Sprite>', 1, true), output)
        assert.truthy(output:find("2 problem(s)", 1, true), output)
    end)

    it("reports a <TextBox> attribute that belongs to the <CustomInterface>, and an element without a list", function()
        local bad = ITEMS:gsub('maxtextlength="10"', 'maxtextlength="10" canbeselected="true"'):gsub("<Deconstruct", "<Wearable slots=\"Any\" />\n    <Deconstruct")
        local code, output = check(bad)
        assert.are_not.equal(0, code)
        assert.truthy(output:find('canbeselected="..." on <TextBox>', 1, true), output)
        assert.truthy(output:find("<Wearable> (item/wearable): no list", 1, true), output)
    end)
end)
