-- The shipped declarations (types/databaseio.d.ts) name exactly the members of the DatabaseIO
-- table the built mod publishes, and the release installs by copying one folder into LocalMods.
-- (The build also type-checks the declarations against src/api: types/check/api-match.ts.)
local Sim = require("sim.runtime")
local ROOT = Sim.ROOT

local readFile = require("kits.files").read

--- Members of `interface Api { ... }`: name -> "function" or "value".
local function declaredMembers(text)
    local body = assert(text:match("\n    interface Api {\n(.-)\n    }\n"), "no interface Api in the declarations")
    local members = {}
    for line in (body .. "\n"):gmatch("([^\n]*)\n") do
        local fn = line:match("^        ([%a_][%w_]*)%(")
        local value = line:match("^        readonly ([%a_][%w_]*):")
        if fn then members[fn] = "function" end
        if value then members[value] = "value" end
    end
    return members
end

local function sortedKeys(t)
    local keys = {}
    for k in pairs(t) do keys[#keys + 1] = k end
    table.sort(keys)
    return keys
end

describe("API declarations", function()
    local declared = declaredMembers(readFile(ROOT .. "/types/databaseio.d.ts"))

    it("are found in the declaration file", function()
        assert.are.equal("function", declared.amount)
        assert.are.equal("value", declared.apiVersion)
    end)

    it("name every member of the published DatabaseIO table, and nothing else", function()
        local sim = Sim.new({ mode = "server" })
        sim:loadMod(ROOT .. "/dist/DatabaseIO")
        local api = sim.env.DatabaseIO
        assert.are.equal("table", type(api))
        local published = {}
        for name, value in pairs(api) do published[name] = type(value) == "function" and "function" or "value" end
        assert.are.same(sortedKeys(declared), sortedKeys(published))
        for name, kind in pairs(published) do
            assert.are.equal(declared[name], kind, name)
        end
        assert.are.same({}, sim.errors)
        sim:cleanup()
    end)

    it("ship inside the mod folder", function()
        assert.are.equal(readFile(ROOT .. "/types/databaseio.d.ts"), readFile(ROOT .. "/dist/DatabaseIO/types/databaseio.d.ts"))
    end)
end)

describe("release zip layout", function()
    local version = readFile(ROOT .. "/package.json"):match('"version"%s*:%s*"([^"]+)"')
    local zip = ROOT .. "/dist/DatabaseIO-" .. version .. ".zip"

    local function entries()
        local handle = assert(io.popen("node '" .. ROOT .. "/scripts/verify-zip.mjs' '" .. zip .. "' 2>&1", "r"))
        local out = handle:read("*a")
        handle:close()
        local names = {}
        for line in out:gmatch("[^\n]+") do
            local name = line:match("^deflate%s+%d+ (.+)$") or line:match("^store%s+%d+ (.+)$")
            if name then names[#names + 1] = name end
        end
        return names, out
    end

    it("holds one folder, DatabaseIO/, that is the mod (copy it into LocalMods/)", function()
        local names, out = entries()
        assert.is_true(#names > 10, out)
        local seen = {}
        for _, name in ipairs(names) do
            assert.are.equal("DatabaseIO/", name:sub(1, 11), name)
            seen[name] = true
        end
        for _, needed in ipairs({ "DatabaseIO/filelist.xml", "DatabaseIO/Lua/Autorun/databaseio.lua", "DatabaseIO/types/databaseio.d.ts" }) do
            assert.is_true(seen[needed] == true, needed .. " missing:\n" .. out)
        end
    end)

    it("has the files of dist/DatabaseIO/ and no others", function()
        local names = entries()
        local handle = assert(io.popen("cd '" .. ROOT .. "/dist' && find DatabaseIO -type f | sort", "r"))
        local files = {}
        for line in handle:lines() do files[#files + 1] = line end
        handle:close()
        table.sort(files)
        local zipped = {}
        for _, name in ipairs(names) do
            if name:sub(-1) ~= "/" then zipped[#zipped + 1] = name end
        end
        table.sort(zipped)
        assert.are.same(files, zipped)
    end)
end)
