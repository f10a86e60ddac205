-- The build's own checkers (scripts/check-dialect.mjs, scripts/check-paren-calls.mjs) and helpers
-- (busted summary parsing, Lua literal escaping), run the way the build runs them: as node
-- scripts, on small samples written to temporary files.
local profile = require("moonsharp_profile")
local ROOT = profile.ROOT

local shell = require("kits.shell")
local shellQuote, run = shell.shellQuote, shell.run

local function node(script, args)
    local parts = { "node", shellQuote(ROOT .. "/" .. script) }
    for _, a in ipairs(args or {}) do parts[#parts + 1] = shellQuote(a) end
    return run(table.concat(parts, " "))
end

local tempFiles = {}
local function tempFile(content)
    local path = os.tmpname()
    local f = assert(io.open(path, "wb"))
    f:write(content)
    f:close()
    tempFiles[#tempFiles + 1] = path
    return path
end

teardown(function()
    for _, path in ipairs(tempFiles) do os.remove(path) end
end)

local function escapePattern(s)
    return (s:gsub("[%^%$%(%)%%%.%[%]%*%+%-%?]", "%%%0"))
end

-- Each bad sample: source, the line the finding must point at, and a word the message must hold.
local DIALECT_BAD = {
    { name = "goto", src = "local x = 1\ngoto done\nx = 2\n::done::\n", line = 2, word = "goto" },
    { name = "label", src = "do\n::top::\nend\n", line = 2, word = "label" },
    { name = "floor division", src = "local a = 7 // 2\n", line = 1, word = "//" },
    { name = "bitwise and", src = "local a = 6 & 3\n", line = 1, word = "&" },
    { name = "bitwise or", src = "local a = 6 | 3\n", line = 1, word = "|" },
    { name = "bitwise xor", src = "local a = 6 ~ 3\n", line = 1, word = "~" },
    { name = "bitwise not", src = "local a = ~6\n", line = 1, word = "~" },
    { name = "shift left", src = "local a = 1 << 4\n", line = 1, word = "<<" },
    { name = "shift right", src = "local a = 16 >> 4\n", line = 1, word = ">>" },
    { name = "loadstring", src = "local f = loadstring('return 1')\n", line = 1, word = "loadstring" },
    { name = "utf8", src = "local c = utf8.char(72)\n", line = 1, word = "utf8" },
    { name = "string.pack", src = "local b = string.pack('i4', 7)\n", line = 1, word = "string.pack" },
    { name = "debug.getinfo", src = "\nlocal i = debug.getinfo(1)\n", line = 2, word = "debug.getinfo" },
    { name = "debug['getinfo']", src = "local i = debug['getinfo']\n", line = 1, word = "debug.getinfo" },
    { name = "JSON", src = "local s = JSON.stringify({})\n", line = 1, word = "JSON" },
    { name = "global assignment", src = "local a = 1\nleaked = a\n", line = 2, word = "leaked" },
    { name = "global function", src = "function helper() end\n", line = 1, word = "helper" },
    { name = "global through _G", src = "_G.other = 1\n", line = 1, word = "other" },
    { name = "global through _G[...]", src = "_G['other'] = 1\n", line = 1, word = "other" },
    { name = "shared stdlib table", src = "string.trim = function(s) return s end\n", line = 1, word = "string.trim" },
    { name = "rawset on _G", src = "rawset(_G, 'x', 1)\n", line = 1, word = "rawset" },
    { name = "syntax error", src = "local = 1\n", line = 1, word = "syntax error" },
}

-- Everything here is fine: forbidden words inside strings and comments, table keys and fields
-- named like globals, the local debug shadow, and the one public API global.
local DIALECT_GOOD = [===[
-- goto done; a // b; x & y; JSON; utf8.char; loadstring; debug.getinfo; leaked = 1
--[==[ ::label:: string.pack ]==]
local s = "goto & | ~ << >> // JSON utf8. loadstring string.pack debug.getinfo"
local t = { JSON = 1, utf8 = 2, loadstring = 3 }
local u = t.JSON + t.utf8 + t["loadstring"]
local debug = setmetatable({ getinfo = (debug and rawget(debug, "getinfo")) }, { __index = debug })
local info = debug.getinfo
local long = [[ goto x ]]
DatabaseIO = {}
_G.DatabaseIO = DatabaseIO
DatabaseIO.version = "1"
local function shadow() local leaked = 1; leaked = 2; return leaked end
return shadow
]===]

describe("check-dialect.mjs", function()
    it("rejects each forbidden construct on its own, naming file and line", function()
        local paths = {}
        for i, case in ipairs(DIALECT_BAD) do paths[i] = tempFile(case.src) end
        local code, output = node("scripts/check-dialect.mjs", paths)
        assert.are_not.equal(0, code)
        for i, case in ipairs(DIALECT_BAD) do
            local found = false
            for line in output:gmatch("[^\n]+") do
                if line:find("^" .. escapePattern(paths[i]) .. ":" .. case.line .. ":%d+: ") and line:find(case.word, 1, true) then
                    found = true
                end
            end
            assert.is_true(found, case.name .. " not reported at line " .. case.line .. "\n" .. output)
        end
    end)

    it("accepts code that only mentions those things in strings, comments, keys or locals", function()
        local code, output = node("scripts/check-dialect.mjs", { tempFile(DIALECT_GOOD) })
        assert.are.equal(0, code, output)
        assert.truthy(output:find("0 finding(s)", 1, true), output)
    end)

    it("passes the shipped Lua", function()
        local code, output = node("scripts/check-dialect.mjs", {})
        assert.are.equal(0, code, output)
    end)
end)

local PAREN_BAD = {
    { name = "return", src = "local function f() return 1, 2 end\nreturn (f())\n", line = 2 },
    { name = "call argument", src = "local function f() return 1, 2 end\nprint((f()))\n", line = 2 },
    { name = "table item", src = "local function f() return 1, 2 end\nlocal t = { (f()) }\n", line = 2 },
    { name = "multiple assignment", src = "local function f() return 1, 2 end\nlocal a, b = (f())\n", line = 2 },
    { name = "generic for", src = "for k in (pairs({})) do end\n", line = 1 },
    { name = "vararg", src = "local function f(...) return (...) end\n", line = 1 },
    { name = "match with two captures", src = "local n = tonumber((string.match('1 2', '(%d) (%d)')))\n", line = 1 },
}

local PAREN_GOOD = [[
local function f() return 1, 2 end
local a = (f())
local b, c = (f()), 3
local t = { (f()), 4, x = (f()) }
print((f()), 5)
local s = "return (f())"
-- string.match with one capture (what lualib's parseFloat does) yields exactly one value.
local n = tonumber((string.match("12.5", "^%s*(-?%d+%.?%d*)")))
local m = tonumber((__TS__Match("7", "^(%d)")))
return f()
]]

describe("check-paren-calls.mjs", function()
    it("flags parenthesized calls and varargs in multi-value positions", function()
        local paths = {}
        for i, case in ipairs(PAREN_BAD) do paths[i] = tempFile(case.src) end
        local code, output = node("scripts/check-paren-calls.mjs", paths)
        assert.are_not.equal(0, code)
        for i, case in ipairs(PAREN_BAD) do
            assert.truthy(output:find(escapePattern(paths[i]) .. ":" .. case.line .. ":%d+: parenthesized"), case.name .. "\n" .. output)
        end
    end)

    it("leaves sites where only one value is used", function()
        local code, output = node("scripts/check-paren-calls.mjs", { tempFile(PAREN_GOOD) })
        assert.are.equal(0, code, output)
    end)
end)

-- Patch argument tables (LuaCsHook.ParameterTable) read by name raise on MoonSharp: the build
-- refuses them. Each bad sample names the line the finding must point at.
local PATCH_BAD = {
    { name = "direct callback", line = 2, src = "Hook.Patch('id', 'C', 'M', function(instance, args)\n    if args.wasSaved then end\nend)\n" },
    { name = "write by name", line = 2, src = "Hook.Patch('id', 'C', 'M', {'T'}, function(_, p)\n    p.user = nil\nend, Hook.HookMethodType.Before)\n" },
    { name = "wrapped callback", line = 3, src = "local function guard(fn) return fn end\nHook.Patch('id', 'C', 'M', guard(function(_, p)\n    return p.selectedItem\nend))\n" },
    { name = "callback by name", line = 2, src = "local function onEnd(_, t)\n    print(t.wasSaved)\nend\nHook.Patch('id', 'C', 'M', onEnd)\n" },
    { name = "through an installer", line = 6, src = "local function addPatch(id, c, m, fn)\n"
        .. "    Hook.Patch(id, c, m, function(i, pt) pcall(fn, i, pt) end)\nend\n"
        .. "local Binding = {}\nfunction Binding.install(self)\n"
        .. "    addPatch('id', 'C', 'M', function(_, a) return a.wasSaved end)\nend\n" },
    { name = "ptable parameter", line = 2, src = "local function onStart(self, fab, ptable)\n    local r = ptable.selectedItem\n    return r\nend\nreturn onStart\n" },
    { name = "copied table", line = 3, src = "Hook.Patch('id', 'C', 'M', function(_, p)\n    local q = p\n    return q.user\nend)\n" },
    { name = "hidden member", line = 2, src = "Hook.Patch('id', 'C', 'M', function(_, p)\n    return p.ModifiedParameters\nend)\n" },
}

-- Members by name, arguments through a key in a variable or a literal bracket, and other tables.
local PATCH_GOOD = [[
local function patchArg(ptable, name) return ptable[name] end
Hook.Patch("id", "C", "M", function(instance, ptable)
    ptable.PreventExecution = true
    ptable.ReturnValue = ptable.OriginalReturnValue
    local copy = ptable.OriginalParameters
    local saved = patchArg(ptable, "wasSaved")
    local direct = ptable["user"]
    local other = { wasSaved = 1 }
    local function inner(ptable2, x) return x.wasSaved end
    return instance.Name, other.wasSaved, copy, saved, direct, inner
end, Hook.HookMethodType.Before)
Hook.Add("think", "id", function(a, b) return b.wasSaved end)
local function shadow(_, p)
    for p = 1, 2 do print(p) end
    local ptable = { wasSaved = true }
    return ptable.wasSaved
end
return shadow
]]

describe("check-patch-args.mjs", function()
    it("rejects a patch argument table read or written by name, naming file and line", function()
        local paths = {}
        for i, case in ipairs(PATCH_BAD) do paths[i] = tempFile(case.src) end
        local code, output = node("scripts/check-patch-args.mjs", paths)
        assert.are_not.equal(0, code)
        for i, case in ipairs(PATCH_BAD) do
            assert.truthy(output:find(escapePattern(paths[i]) .. ":" .. case.line .. ":%d+: patch argument table"), case.name .. "\n" .. output)
        end
        assert.truthy(output:find(#PATCH_BAD .. " finding(s)", 1, true), output)
    end)

    it("accepts members by name and arguments through a bracket index", function()
        local code, output = node("scripts/check-patch-args.mjs", { tempFile(PATCH_GOOD) })
        assert.are.equal(0, code, output)
        assert.truthy(output:find("0 finding(s)", 1, true), output)
    end)

    it("passes the shipped Lua", function()
        local code, output = node("scripts/check-patch-args.mjs", {})
        assert.are.equal(0, code, output)
    end)
end)

describe("busted summary parsing (scripts/test.sh)", function()
    local cases = {
        { "+++\n27 successes / 0 failures / 0 errors / 0 pending : 0.03 seconds\n", "27 0 0 0" },
        { "1 success / 1 failure / 1 error / 1 pending : 0.001 seconds\n", "1 1 1 1" },
        { "\27[32m5\27[0m successes / \27[31m2\27[0m failures / \27[35m0\27[0m errors / \27[33m0\27[0m pending : 1 seconds\n", "5 2 0 0" },
        { "2 successes / 0 failures / 0 errors / 0 pending : 1\nlater output\n3 successes / 1 failure / 0 errors / 0 pending : 2\n", "3 1 0 0" },
    }
    for i, case in ipairs(cases) do
        it("reads summary sample " .. i, function()
            local code, output = node("scripts/lib/busted-summary.mjs", { tempFile(case[1]) })
            assert.are.equal(0, code, output)
            assert.are.equal(case[2], output:match("^%s*(.-)%s*$"))
        end)
    end

    it("fails when there is no summary", function()
        local code = node("scripts/lib/busted-summary.mjs", { tempFile("lua: crashed\n") })
        assert.are.equal(2, code)
    end)
end)

describe("Lua literals written by the build", function()
    it("round-trip awkward strings", function()
        local script = [==[
import { toLua } from "./scripts/lib/lua-literal.mjs";
const values = ["plain", "quote \" and \\ backslash", "line\nbreak\ttab\rreturn", "ctrl \u0001\u001f\u007f9",
  "数据库核心", "]]", "[[not a long string]]", ""];
console.log("return " + toLua(values));
]==]
        local path = tempFile(script)
        local code, output = run("cd " .. shellQuote(ROOT) .. " && node --input-type=module < " .. shellQuote(path))
        assert.are.equal(0, code, output)
        local values = assert(load(output, "=literal", "t", {}))()
        assert.are.same({
            "plain", 'quote " and \\ backslash', "line\nbreak\ttab\rreturn", "ctrl \1\31\1279",
            "数据库核心", "]]", "[[not a long string]]", "",
        }, values)
    end)
end)

-- The growth check (scripts/check-growth.mjs; the build's "growth" step on the bundle): each
-- sample holds one pattern that is quadratic on MoonSharp, inside a loop or a callback.
local GROWTH_BAD = {
    { name = "append through # in a for loop", src = "local t = {}\nfor i = 1, 10 do\n  t[#t + 1] = i\nend\n", line = 3, word = "append through the length" },
    { name = "append through # in a generic for", src = "local t = {}\nfor _, v in ipairs({1, 2}) do t[#t + 1] = v end\n", line = 2, word = "append through the length" },
    { name = "append through # in a while loop", src = "local t, i = {}, 0\nwhile i < 10 do\n  i = i + 1\n  t[#t + 1] = i\nend\n", line = 4, word = "append through the length" },
    { name = "append through # in a repeat loop", src = "local t = {}\nrepeat\n  t[#t + 1] = 1\nuntil #t > 3\n", line = 3, word = "append through the length" },
    { name = "append through # to a field", src = "local self = { rows = {} }\nfor i = 1, 3 do self.rows[#self.rows + 1] = i end\n", line = 2, word = "self.rows" },
    { name = "append through # written 1 + #t", src = "local t = {}\nfor i = 1, 3 do t[1 + #t] = i end\n", line = 2, word = "append through the length" },
    { name = "append through # in a callback", src = "local t = {}\nlocal function each(f) f(1) end\neach(function(v)\n  t[#t + 1] = v\nend)\n", line = 4, word = "append through the length" },
    { name = "table.insert in a loop", src = "local t = {}\nfor i = 1, 3 do\n  table.insert(t, i)\nend\n", line = 3, word = "table.insert" },
    { name = "table.insert in a callback", src = "local t = {}\nlocal function each(f) f(1) end\neach(function(v) table.insert(t, v) end)\n", line = 3, word = "table.insert" },
    { name = "positional string.find in a loop", src = "local s, at = 'a,b', 1\nwhile at do\n  at = string.find(s, ',', at + 1, true)\nend\n", line = 3, word = "string.find" },
    { name = "positional string.match in a loop", src = "local s = 'a1b2'\nfor i = 1, #s do\n  local d = string.match(s, '%d', i)\nend\n", line = 3, word = "string.match" },
    { name = "positional :find in a loop", src = "local s = 'a,b'\nfor i = 1, 3 do\n  local at = s:find(',', i, true)\nend\n", line = 3, word = ":find" },
    { name = "positional :match in a loop", src = "local s = 'a,b'\nfor i = 1, 3 do\n  local w = s:match('%a', i)\nend\n", line = 3, word = ":match" },
}

-- Fine: the same outside loops, the counter idiom, whole-string searches, gmatch, an insert at a
-- position, and an allowlisted site (features.terminal's `due`, see GROWTH_ALLOWLIST).
local GROWTH_GOOD = [===[
local t = {}
t[#t + 1] = 1
table.insert(t, 2)
local at = string.find("a,b", ",", 1, true)
local n = 0
local out = {}
for i = 1, 10 do
    n = n + 1
    out[n] = i
    out[#t + 1] = i
    table.insert(out, 1, i)
    local whole = string.find("a,b", ",")
    local m = string.match("k=v", "(%w+)=")
end
for word in string.gmatch("a b c", "%S+") do
    n = n + 1
    out[n] = word
end
local words = "t[#t + 1] = v in a loop; table.insert(t, v)"
____modules = {
["features.terminal.terminals"] = function(...)
local due = {}
for id = 1, 3 do
    due[#due + 1] = id
end
end,
}
]===]

describe("check-growth.mjs", function()
    it("rejects each quadratic pattern on its own, naming file and line", function()
        local paths = {}
        for i, case in ipairs(GROWTH_BAD) do paths[i] = tempFile(case.src) end
        local code, output = node("scripts/check-growth.mjs", paths)
        assert.are_not.equal(0, code)
        for i, case in ipairs(GROWTH_BAD) do
            local found = false
            for line in output:gmatch("[^\n]+") do
                if line:find("^" .. escapePattern(paths[i]) .. ":" .. case.line .. ":%d+: ") and line:find(case.word, 1, true) then
                    found = true
                end
            end
            assert.is_true(found, case.name .. " not reported at line " .. case.line .. "\n" .. output)
        end
        assert.truthy(output:find(#GROWTH_BAD .. " quadratic site(s)", 1, true), output)
    end)

    it("accepts appends and searches outside loops, the counter idiom, gmatch and allowlisted sites", function()
        local code, output = node("scripts/check-growth.mjs", { tempFile(GROWTH_GOOD) })
        assert.are.equal(0, code, output)
        assert.truthy(output:find("0 quadratic site(s)", 1, true), output)
    end)

    it("allows a listed array only in its own module", function()
        local src = "____modules = {\n[\"core.codec\"] = function(...)\nlocal due = {}\nfor id = 1, 3 do\n    due[#due + 1] = id\nend\nend,\n}\n"
        local path = tempFile(src)
        local code, output = node("scripts/check-growth.mjs", { path })
        assert.are_not.equal(0, code)
        assert.truthy(output:find(escapePattern(path) .. ":5:%d+: append through the length"), output)
    end)

    it("passes the shipped bundle", function()
        local code, output = node("scripts/check-growth.mjs", {})
        assert.are.equal(0, code, output)
    end)
end)

-- The cost-counting rewrite (scripts/lib/lua-instrument.mjs) keeps what the code computes and
-- counts what MoonSharp pays (test/kits/cost_meter.lua): n appends through the length count about
-- n^2/2, n appends with a counter count nothing, searches count their subject's length.
describe("cost-counting rewrite", function()
    local SAMPLE = [==[
local n = ...
local grown = {}
for i = 1, n do grown[#grown + 1] = i end
local counted, c = {}, 0
for i = 1, n do c = c + 1; counted[c] = i end
local s = string.rep("a,", n)
local parts = 0
for _ in s:gmatch("[^,]+") do parts = parts + 1 end
local at, finds = 0, 0
while true do
    at = string.find(s, ",", at + 1, true)
    if at == nil then break end
    finds = finds + 1
end
local t = { x = { y = { 1, 2, 3 } } }
return #grown, #counted, parts, finds, #t.x.y + #t["x"].y, (s:gsub(",", ";")):sub(1, 4), #s
]==]

    local function instrumented()
        local script = "import { instrumentCosts } from './scripts/lib/lua-instrument.mjs';\n" ..
            "import { readFileSync } from 'node:fs';\n" ..
            "process.stdout.write(instrumentCosts(readFileSync(process.argv[process.argv.length - 1], 'utf8')));\n"
        local scriptPath = tempFile(script)
        local code, output = run("cd " .. shellQuote(ROOT) .. " && node --input-type=module - " .. shellQuote(tempFile(SAMPLE)) .. " < " .. shellQuote(scriptPath))
        assert.are.equal(0, code, output)
        return output
    end

    it("computes the same results and counts appends through the length quadratically", function()
        local source = instrumented()
        assert.truthy(source:find("____costLen(grown)", 1, true), source)
        local meter = require("kits.cost_meter").new()
        local env = setmetatable({ DBIO_COST = meter }, { __index = _G })
        local chunk = assert(load(source, "=sample", "t", env))
        local plainEnv = setmetatable({}, { __index = _G })
        plain = assert(load(SAMPLE, "=plain", "t", plainEnv))
        local counts = {}
        for _, n in ipairs({ 100, 1000 }) do
            meter:reset()
            assert.are.same({ plain(n) }, { chunk(n) })
            counts[n] = { scanned = meter.scanned, searched = meter.searched }
        end
        -- 1 + 2 + ... + n for the appends, plus a handful of reads
        assert.is_true(counts[100].scanned >= 100 * 101 / 2 and counts[100].scanned < 100 * 101 / 2 + 2 * 100 + 20, tostring(counts[100].scanned))
        assert.is_true(counts[1000].scanned / counts[100].scanned > 90, tostring(counts[1000].scanned / counts[100].scanned))
        -- every positional find copies the 2n-character subject: n + 1 finds
        assert.is_true(counts[1000].searched >= 1001 * 2000, tostring(counts[1000].searched))
    end)
end)
