-- The MoonSharp profile (test/moonsharp_profile.lua) must behave like MoonSharp 2.0.0.0 inside
-- LuaCs wherever PUC Lua can imitate it, and must leave the real global table alone.
local profile = require("moonsharp_profile")

local function upvalue(fn, wanted)
    for i = 1, 255 do
        local name, value = debug.getupvalue(fn, i)
        if name == nil then return nil end
        if name == wanted then return value end
    end
end

describe("MoonSharp profile", function()
    local env
    before_each(function()
        env = profile.newEnv()
    end)

    describe("error()", function()
        it("rejects a table like MoonSharp does", function()
            local ok, err = pcall(env.error, { message = "x" })
            assert.is_false(ok)
            assert.is_string(err)
            assert.truthy(err:find("bad argument #1 to 'error' (string expected, got table)", 1, true), err)
        end)

        it("rejects numbers and nil too", function()
            local ok1, err1 = pcall(env.error, 42)
            assert.is_false(ok1)
            assert.truthy(err1:find("got number", 1, true), err1)
            local ok2, err2 = pcall(env.error)
            assert.is_false(ok2)
            assert.truthy(err2:find("got no value", 1, true), err2)
        end)

        it("raises strings with position information, or bare with level 0", function()
            local chunk = assert(env.load("error('plain', 0)", nil, "=probe"))
            local ok, err = pcall(chunk)
            assert.is_false(ok)
            assert.are.equal("plain", err)
            chunk = assert(env.load("\n\nerror('where')", nil, "=probe"))
            ok, err = pcall(chunk)
            assert.is_false(ok)
            assert.are.equal("probe:3: where", err)
        end)
    end)

    describe("tostring() of numbers uses .NET formatting", function()
        local cases = {
            { 1e15, "1E+15" },
            { 1e14, "100000000000000" },
            { 2 ^ 53, "9.007199254740992E+15" },
            { 0.1 + 0.2, "0.30000000000000004" },
            { 1 / 0, "Infinity" },
            { -1 / 0, "-Infinity" },
            { 0 / 0, "NaN" },
            { -0.0, "-0" },
            { 0, "0" },
            { 3, "3" },
            { -2.5, "-2.5" },
            { 1e-5, "1E-05" },
            { 1.5e-7, "1.5E-07" },
            { 0.0001, "0.0001" },
            { 1e100, "1E+100" },
            { 123456.789, "123456.789" },
            { -123456789012345678, "-1.2345678901234568E+17" },
        }
        for _, case in ipairs(cases) do
            it(string.format("%.17g -> %s", case[1], case[2]), function()
                assert.are.equal(case[2], env.tostring(case[1]))
            end)
        end

        it("applies to string.format %s, table.concat and print", function()
            assert.are.equal("1E+15 and 3", env.string.format("%s and %d", 1e15, 3))
            assert.are.equal("100%", env.string.format("%d%%", 100))
            assert.are.equal("1E+15,a,2.5", env.table.concat({ 1e15, "a", 2.5 }, ","))
        end)

        it("leaves other values to the real tostring", function()
            assert.are.equal("true", env.tostring(true))
            assert.are.equal("nil", env.tostring(nil))
            assert.are.equal("x", env.tostring("x"))
            assert.has_error(function() env.tostring() end)
        end)
    end)

    it("has MoonSharp's math.huge: the largest double, not infinity", function()
        assert.are.equal(1.7976931348623157e308, env.math.huge)
        assert.are_not.equal(1 / 0, env.math.huge)
        assert.is_true(env.math.huge < 1 / 0)
    end)

    it("has no debug.getinfo but keeps debug.traceback", function()
        assert.is_nil(env.debug.getinfo)
        assert.is_function(env.debug.traceback)
    end)

    it("reports MoonSharp's _VERSION", function()
        assert.are.equal("MoonSharp 2.0.0.0", env._VERSION)
    end)

    it("lacks what MoonSharp lacks", function()
        assert.is_nil(env.utf8)
        assert.is_nil(env.loadstring)
        assert.is_nil(env.string.pack)
        assert.is_nil(env.string.unpack)
        assert.is_nil(env.module)
        assert.is_nil(env.setfenv)
        assert.is_function(env.unpack)
    end)

    describe("loading", function()
        it("takes load(code, env, name) in LuaCs order", function()
            local f = assert(env.load("return x", { x = 5 }, "=probe"))
            assert.are.equal(5, f())
            local g = assert(env.load("return _VERSION"))
            assert.are.equal("MoonSharp 2.0.0.0", g())
        end)

        it("refuses the PUC order load(code, name)", function()
            local ok, err = pcall(env.load, "return 1", "chunkname")
            assert.is_false(ok)
            assert.truthy(err:find("bad argument #2 to 'load' (table expected, got string)", 1, true), err)
        end)

        it("loads lua/modules with require into the same env", function()
            local keys = env.require("core.keys")
            assert.is_function(keys.makeKey)
            assert.are.equal(env, upvalue(keys.makeKey, "_ENV"))
            assert.are.equal(keys, env.require("core.keys"))
            assert.has_error(function() env.require("core.no_such_module") end)
        end)
    end)

    it("is its own _G and leaves the real globals alone", function()
        assert.are.equal(env, env._G)
        assert.are_not.equal(_G, env)
        assert.are.equal(1 / 0, math.huge)
        assert.is_function(debug.getinfo)
        local ok, err = pcall(error, { tag = "table error" })
        assert.is_false(ok)
        assert.are.equal("table error", err.tag)
        assert.are.equal("1e+15", tostring(1e15))
        assert.is_nil(rawget(env, "DBIO_PROFILE"))
    end)

    it("two envs share nothing", function()
        local other = profile.newEnv()
        env.math.answer = 42
        assert.is_nil(other.math.answer)
        assert.is_nil(math.answer)
    end)
end)

describe("busted run profile " .. tostring(DBIO_PROFILE), function()
    it("loads compiled modules the way the profile says", function()
        local keys = require("core.keys")
        local moduleEnv = upvalue(keys.makeKey, "_ENV")
        assert.is_table(moduleEnv)
        if DBIO_PROFILE == "moonsharp" then
            assert.are.equal("MoonSharp 2.0.0.0", moduleEnv._VERSION)
            assert.is_nil(moduleEnv.debug.getinfo)
        else
            assert.are.equal("puc", DBIO_PROFILE)
            assert.are.equal(_VERSION, moduleEnv._VERSION)
        end
    end)
end)
