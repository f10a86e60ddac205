-- What `npm run build` assembles: the release zip, the mod folder in dist/, the textures, the
-- simulated runtime's prefabs generated from the item XML, and the hand-written Autorun entry.
local profile = require("moonsharp_profile")
local ROOT = profile.ROOT

local readFile = require("kits.files").read

local exists = require("kits.files").exists

local shell = require("kits.shell")
local shellQuote, run = shell.shellQuote, shell.run

local VERSION = readFile(ROOT .. "/package.json"):match('"version"%s*:%s*"([^"]+)"')
local DIST = ROOT .. "/dist/DatabaseIO"
local ZIP = ROOT .. "/dist/DatabaseIO-" .. tostring(VERSION) .. ".zip"

describe("release zip", function()
    local required = {
        "DatabaseIO/filelist.xml",
        "DatabaseIO/Lua/DatabaseIO/databaseio.lua",
        "DatabaseIO/Lua/DatabaseIO/databaseio.min.lua",
        "DatabaseIO/Lua/Autorun/databaseio.lua",
        "DatabaseIO/Items/DatabaseIO.xml",
        "DatabaseIO/PreviewImage.png",
    }

    it("is named after package.json's version and passes the zip reader", function()
        assert.is_string(VERSION)
        assert.is_true(exists(ZIP), ZIP)
        local args = { "node", shellQuote(ROOT .. "/scripts/verify-zip.mjs"), shellQuote(ZIP) }
        for _, name in ipairs(required) do args[#args + 1] = shellQuote(name) end
        local code, output = run(table.concat(args, " "))
        assert.are.equal(0, code, output)
        -- The bundle inside has the size of the one in dist/.
        local size = #readFile(DIST .. "/Lua/DatabaseIO/databaseio.lua")
        assert.truthy(output:find("%s" .. size .. " DatabaseIO/Lua/DatabaseIO/databaseio.lua\n"), output)
    end)

    it("passes python's zipfile test when python3 is installed", function()
        local hasPython = run("command -v python3") == 0
        if hasPython then
            local code, output = run("python3 -m zipfile -t " .. shellQuote(ZIP))
            assert.are.equal(0, code, output)
            assert.is_nil(output:find("corrupted", 1, true), output)
            local _, listing = run("python3 -m zipfile -l " .. shellQuote(ZIP))
            for _, name in ipairs(required) do
                assert.truthy(listing:find(name, 1, true), name .. "\n" .. listing)
            end
        else
            -- Without python the node reader above is the check; make sure it really reads.
            local code = run("node " .. shellQuote(ROOT .. "/scripts/verify-zip.mjs") .. " " .. shellQuote(ROOT .. "/package.json"))
            assert.are_not.equal(0, code)
        end
    end)

    it("is refused by the zip reader when damaged", function()
        local data = readFile(ZIP)
        local path = os.tmpname()
        local f = assert(io.open(path, "wb"))
        -- Flip bytes in the middle of the first stored file's data.
        local at = math.floor(#data / 3)
        f:write(data:sub(1, at) .. string.rep("\0", 16) .. data:sub(at + 17))
        f:close()
        local code, output = run("node " .. shellQuote(ROOT .. "/scripts/verify-zip.mjs") .. " " .. shellQuote(path))
        os.remove(path)
        assert.are_not.equal(0, code, output)
    end)
end)

describe("assembled mod folder", function()
    local manifest
    before_each(function()
        manifest = readFile(DIST .. "/filelist.xml")
    end)

    it("has package.json's version in its manifest", function()
        assert.are.equal(VERSION, manifest:match('<contentpackage[^>]-modversion="([^"]+)"'))
        assert.are.equal("Database IO", manifest:match('<contentpackage[^>]-name="([^"]+)"'))
    end)

    it("contains every file its manifest lists", function()
        local count = 0
        for file in manifest:gmatch('file="%%ModDir%%/([^"]+)"') do
            count = count + 1
            assert.is_true(exists(DIST .. "/" .. file), file)
        end
        assert.is_true(count >= 3)
    end)

    it("has the bundle where the Autorun entry looks for it", function()
        local autorun = readFile(DIST .. "/Lua/Autorun/databaseio.lua")
        local relative = autorun:match('modPath %.%. "(/Lua/[^"]+)"')
        assert.are.equal("/Lua/DatabaseIO/databaseio.lua", relative)
        assert.is_true(exists(DIST .. relative))
        assert.is_true(exists(DIST .. "/PreviewImage.png"))
    end)
end)

describe("textures", function()
    local function pngSize(path)
        local data = readFile(path)
        assert.are.equal("\137PNG\r\n\26\n", data:sub(1, 8))
        local function u32(at)
            local a, b, c, d = data:byte(at, at + 3)
            return ((a * 256 + b) * 256 + c) * 256 + d
        end
        return u32(17), u32(21)
    end

    it("are what scripts/make-textures.mjs draws", function()
        local code, output = run("node " .. shellQuote(ROOT .. "/scripts/make-textures.mjs") .. " --check")
        assert.are.equal(0, code, output)
    end)

    it("include a 512x512 Workshop preview", function()
        local w, h = pngSize(ROOT .. "/mod/PreviewImage.png")
        assert.are.equal(512, w)
        assert.are.equal(512, h)
    end)

    it("match the sprite rectangles the item XML asks for", function()
        local xml = readFile(ROOT .. "/mod/Items/DatabaseIO.xml")
        for tag, texture, rect in xml:gmatch('<(%w+) texture="%%ModDir%%/([^"]+)" sourcerect="([^"]+)"') do
            local x, y, w, h = rect:match("^(%d+),(%d+),(%d+),(%d+)$")
            local tw, th = pngSize(ROOT .. "/mod/" .. texture)
            assert.is_true(tonumber(x) + tonumber(w) <= tw and tonumber(y) + tonumber(h) <= th, tag .. " " .. texture)
        end
    end)
end)

describe("generated sim prefabs (lua/sim/mod_prefabs.lua)", function()
    local prefabs, core
    before_each(function()
        prefabs = dofile(ROOT .. "/lua/sim/mod_prefabs.lua")
        core = nil
        for _, p in ipairs(prefabs) do
            if p.identifier == "databasecore" then core = p end
        end
    end)

    local function component(prefab, kind)
        for _, c in ipairs(prefab.components) do
            if c.type == kind then return c end
        end
    end

    it("has the Database Core with the names from the text files", function()
        assert.is_table(core)
        local en = readFile(ROOT .. "/mod/Texts/English.xml"):match("<entityname%.databasecore>(.-)</entityname%.databasecore>")
        local zh = readFile(ROOT .. "/mod/Texts/SimplifiedChinese.xml"):match("<entityname%.databasecore>(.-)</entityname%.databasecore>")
        assert.are.equal(en, core.name.en)
        assert.are.equal(zh, core.name.zh)
        assert.are.equal("Database Core", core.name.en)
    end)

    it("describes the core as the item XML does", function()
        assert.are.equal("Machine", core.category)
        assert.are.same({ "dbio_core" }, core.tags)
        assert.are.equal(1, core.maxStackSize)
        assert.are.equal(100, core.maxCondition)
        assert.is_false(core.hasQuality)
        local memory = component(core, "MemoryComponent")
        assert.is_table(memory)
        assert.are.equal(2000000, memory.maxValueLength)
        assert.is_table(component(core, "ItemLabel"))
    end)

    it("lists every item of every item XML the manifest names", function()
        local manifest = readFile(ROOT .. "/filelist.xml")
        local ids = {}
        for file in manifest:gmatch('<Item%s+file="%%ModDir%%/([^"]+)"') do
            -- recipes name their parts with <Item identifier=...> too: leave them out
            local xml = readFile(ROOT .. "/mod/" .. file):gsub("<Deconstruct.-</Deconstruct>", ""):gsub("<Fabricate.-</Fabricate>", "")
            for id in xml:gmatch('<Item%s[^>]-identifier="([^"]+)"') do ids[#ids + 1] = id:lower() end
        end
        assert.is_true(#ids >= 1)
        table.sort(ids)
        local generated = {}
        for _, p in ipairs(prefabs) do generated[#generated + 1] = p.identifier end
        table.sort(generated)
        assert.are.same(ids, generated)
    end)
end)

describe("Autorun entry (mod/Lua/Autorun/databaseio.lua)", function()
    local ENTRY = ROOT .. "/mod/Lua/Autorun/databaseio.lua"

    local function sandbox(dofileImpl)
        local env = profile.newEnv()
        local printed, assigned = {}, {}
        env.print = function(...)
            local parts = {}
            for i = 1, select("#", ...) do parts[i] = env.tostring((select(i, ...))) end
            printed[#printed + 1] = table.concat(parts, "\t")
        end
        env.dofile = dofileImpl
        setmetatable(env, { __newindex = function(t, k, v) assigned[#assigned + 1] = k; rawset(t, k, v) end })
        return env, printed, assigned
    end

    it("loads the bundle from the mod folder and boots it with the mod path", function()
        local loadedPath, bootedWith
        local env, printed, assigned = sandbox(function(path)
            loadedPath = path
            return { boot = function(modPath) bootedWith = modPath end }
        end)
        assert(loadfile(ENTRY, "t", env))("LocalMods/DatabaseIO")
        assert.are.equal("LocalMods/DatabaseIO/Lua/DatabaseIO/databaseio.lua", loadedPath)
        assert.are.equal("LocalMods/DatabaseIO", bootedWith)
        assert.are.same({}, printed)
        assert.are.same({}, assigned)
    end)

    it("reports a boot failure instead of throwing", function()
        local env, printed = sandbox(function()
            return { boot = function() error("no hooks today") end }
        end)
        assert(loadfile(ENTRY, "t", env))("LocalMods/DatabaseIO")
        assert.are.equal(1, #printed)
        assert.truthy(printed[1]:find("[Database IO] boot failed:", 1, true), printed[1])
        assert.truthy(printed[1]:find("no hooks today", 1, true), printed[1])
    end)

    it("reports a bundle that cannot be loaded or has no boot()", function()
        local env, printed = sandbox(function() error("file not found") end)
        assert(loadfile(ENTRY, "t", env))("LocalMods/DatabaseIO")
        assert.truthy(printed[1]:find("could not load", 1, true), printed[1])

        env, printed = sandbox(function() return { VERSION = "0" } end)
        assert(loadfile(ENTRY, "t", env))("LocalMods/DatabaseIO")
        assert.truthy(printed[1]:find("did not return a module with boot()", 1, true), printed[1])
    end)

    it("refuses to start without a mod path", function()
        local called = false
        local env, printed = sandbox(function() called = true end)
        assert(loadfile(ENTRY, "t", env))()
        assert.is_false(called)
        assert.truthy(printed[1]:find("not started", 1, true), printed[1])
    end)
end)
