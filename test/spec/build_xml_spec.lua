-- scripts/check-xml.mjs (the build's XML step) on small made-up mods: malformed XML is reported
-- with file:line:column, and broken file references with the line that holds them.
local profile = require("moonsharp_profile")
local ROOT = profile.ROOT

local shell = require("kits.shell")
local shellQuote, run, writeFile = shell.shellQuote, shell.run, shell.writeFile


local GOOD_MANIFEST = [[
<?xml version="1.0" encoding="utf-8"?>
<contentpackage name="Fixture" modversion="1.0.0">
  <Item file="%ModDir%/Items/Things.xml" />
</contentpackage>
]]

local GOOD_ITEMS = [[
<?xml version="1.0" encoding="utf-8"?>
<Items>
  <Item identifier="thing">
    <Sprite texture="%ModDir%/Textures/Thing.png" sourcerect="0,0,1,1" />
  </Item>
</Items>
]]

local dir
local function fixture(files)
    dir = os.tmpname()
    os.remove(dir)
    assert(os.execute("mkdir -p " .. shellQuote(dir .. "/mod/Items") .. " " .. shellQuote(dir .. "/mod/Textures")))
    writeFile(dir .. "/filelist.xml", files.manifest or GOOD_MANIFEST)
    writeFile(dir .. "/mod/Items/Things.xml", files.items or GOOD_ITEMS)
    if files.texture ~= false then writeFile(dir .. "/mod/Textures/Thing.png", "png") end
end

local function check()
    return run(table.concat({
        "node", shellQuote(ROOT .. "/scripts/check-xml.mjs"),
        "--manifest", shellQuote(dir .. "/filelist.xml"), "--mod", shellQuote(dir .. "/mod"),
    }, " "))
end

after_each(function()
    if dir ~= nil then os.execute("rm -rf " .. shellQuote(dir)) end
    dir = nil
end)

describe("check-xml.mjs", function()
    it("accepts a consistent mod", function()
        fixture({})
        local code, output = check()
        assert.are.equal(0, code, output)
    end)

    it("reports malformed XML with file, line and column", function()
        fixture({ items = "<?xml version=\"1.0\"?>\n<Items>\n  <Item identifier=\"a\">\n  </Itme>\n</Items>\n" })
        local code, output = check()
        assert.are_not.equal(0, code)
        assert.truthy(output:find("Things.xml:4:%d+: InvalidTag"), output)
    end)

    it("reports a listed file that does not exist, at its manifest line", function()
        fixture({ manifest = GOOD_MANIFEST:gsub("</contentpackage>", '  <Text file="%%ModDir%%/Texts/Missing.xml" />\n</contentpackage>') })
        local code, output = check()
        assert.are_not.equal(0, code)
        assert.truthy(output:find('filelist.xml:4:1: file="%ModDir%/Texts/Missing.xml" not found', 1, true), output)
    end)

    it("reports a listed file outside %ModDir%", function()
        fixture({ manifest = GOOD_MANIFEST:gsub("%%ModDir%%/Items/Things.xml", "Content/Items/Things.xml") })
        local code, output = check()
        assert.are_not.equal(0, code)
        assert.truthy(output:find("filelist.xml:3:1: file=\"Content/Items/Things.xml\" must start with %ModDir%/", 1, true), output)
    end)

    it("reports a texture the item XML names but the mod lacks", function()
        fixture({ texture = false })
        local code, output = check()
        assert.are_not.equal(0, code)
        assert.truthy(output:find('Things.xml:4:1: <Sprite> texture="%ModDir%/Textures/Thing.png" not found', 1, true), output)
    end)
end)
