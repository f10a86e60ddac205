-- A MoonSharp-like Lua environment on PUC Lua 5.2, for running the mod's compiled Lua the way
-- LuaCs runs it (docs/platform.md). It never touches _G: busted and luassert need the real
-- stdlib, so every difference lives in a separate environment table.
--
--   local profile = require("moonsharp_profile")
--   local env = profile.newEnv()            -- fresh env: env._G == env
--   local chunk = loadfile(path, "t", env)  -- or env.loadfile(path) / env.require("core.keys")
--
-- Simulated (as MoonSharp 2.0.0.0 inside LuaCs does it):
--   error()                only strings: error({}) -> "bad argument #1 to 'error' (string expected, got table)"
--   debug.getinfo          absent (the rest of debug stays)
--   _VERSION               "MoonSharp 2.0.0.0"
--   math.huge              1.7976931348623157e308 (the largest double), not infinity
--   utf8, loadstring, string.pack/unpack/packsize, module, setfenv, getfenv: absent
--   tostring(number)       .NET formatting: "1E+15", "Infinity", "-Infinity", "NaN", "-0",
--                          "0.30000000000000004" (shortest round trip; exponent form from 1e15
--                          up and below 1e-4); also used by print, table.concat and
--                          string.format's %s for numbers
--   load(code, env, name)  LuaCs argument order; loadfile(path, env, name), dofile(path, env, name)
--   require(name)          loads lua/modules/<name>.lua into this env (cached per env)
--   unpack                 global, as in MoonSharp
--
-- Not simulated (PUC Lua cannot): UTF-16 strings (#s, string.byte above 255), number-to-string
-- coercion inside `..`, methods called on string values (("%s"):format(x) uses the real string
-- table), void values returned by functions that return nothing, ignored weak tables and __gc,
-- and the goto crash inside while/repeat loops (the build refuses goto instead).
local M = {}

M.VERSION = "MoonSharp 2.0.0.0"
M.HUGE = 1.7976931348623157e308

local realG = _G
local rawerror, rawload, rawloadfile = error, load, loadfile
local rawtostring, rawtype, rawselect = tostring, type, select
local rawformat, rawconcat = string.format, table.concat
local rawprint = print

-- Repository root, from this file's location (test/moonsharp_profile.lua).
local function rootDir()
    local source = debug.getinfo(1, "S").source
    local path = source:sub(1, 1) == "@" and source:sub(2) or "test/moonsharp_profile.lua"
    local dir = path:match("^(.*)[/\\][^/\\]*$") or "."
    local root = dir:match("^(.*)[/\\][^/\\]*$")
    if root == nil or root == "" then
        return dir == "test" and "." or (dir .. "/..")
    end
    return root
end

M.ROOT = rootDir()
M.MODULE_PATHS = { M.ROOT .. "/lua/modules/?.lua" }

--- Formats a number the way .NET's double.ToString(InvariantCulture) does on .NET Core 3+.
function M.formatNumber(n)
    if n ~= n then return "NaN" end
    if n == 1 / 0 then return "Infinity" end
    if n == -1 / 0 then return "-Infinity" end
    if n == 0 then return (1 / n < 0) and "-0" or "0" end
    local s
    for precision = 1, 17 do
        s = rawformat("%." .. rawformat("%d", precision - 1) .. "e", n)
        if tonumber(s) == n then break end
    end
    local sign, first, rest, exponent = s:match("^(-?)(%d)%.?(%d*)e([-+]%d+)$")
    local digits = (first .. rest):gsub("0+$", "")
    local x = tonumber(exponent)
    if x >= 15 or x < -4 then
        local mantissa = digits:sub(1, 1)
        if #digits > 1 then mantissa = mantissa .. "." .. digits:sub(2) end
        return sign .. mantissa .. "E" .. (x < 0 and "-" or "+") .. rawformat("%02d", math.abs(x))
    end
    if x >= 0 then
        if #digits <= x + 1 then return sign .. digits .. string.rep("0", x + 1 - #digits) end
        return sign .. digits:sub(1, x + 1) .. "." .. digits:sub(x + 2)
    end
    return sign .. "0." .. string.rep("0", -x - 1) .. digits
end

local formatNumber = M.formatNumber

local function msTostring(...)
    if rawselect("#", ...) == 0 then rawerror("bad argument #1 to 'tostring' (value expected)", 2) end
    local v = ...
    if rawtype(v) == "number" then return formatNumber(v) end
    return rawtostring(v)
end
M.tostring = msTostring

local function typeName(...)
    if rawselect("#", ...) == 0 then return "no value" end
    return rawtype((...))
end

local function msError(...)
    local message, level = ...
    if rawtype(message) ~= "string" then
        rawerror("bad argument #1 to 'error' (string expected, got " .. typeName(...) .. ")", 2)
    end
    if level == 0 then rawerror(message, 0) end
    rawerror(message, (level or 1) + 1)
end

-- string.format: numbers given to %s are written with .NET formatting, as MoonSharp does.
local function msFormat(fmt, ...)
    local args = table.pack(...)
    local index = 0
    for _, conversion in rawtostring(fmt):gmatch("%%([-+ #0]*%d*%.?%d*)([%a%%])") do
        if conversion ~= "%" then
            index = index + 1
            if conversion == "s" and rawtype(args[index]) == "number" then args[index] = formatNumber(args[index]) end
        end
    end
    return rawformat(fmt, table.unpack(args, 1, args.n))
end

local function msConcat(list, sep, i, j)
    local copy = {}
    for k = i or 1, j or #list do
        local v = list[k]
        copy[#copy + 1] = rawtype(v) == "number" and formatNumber(v) or v
    end
    return rawconcat(copy, sep or "")
end

local function copyTable(t, without)
    local out = {}
    for k, v in pairs(t) do
        if without == nil or not without[k] then out[k] = v end
    end
    return out
end

--- A fresh environment table with a MoonSharp-like stdlib.
-- opts.modulePaths: patterns for require (default M.MODULE_PATHS);
-- opts.require: a require function to use instead of the env's own loader.
function M.newEnv(opts)
    opts = opts or {}
    local env = {}
    for _, name in ipairs({
        "assert", "collectgarbage", "getmetatable", "ipairs", "next", "pairs", "pcall", "rawequal",
        "rawget", "rawlen", "rawset", "select", "setmetatable", "tonumber", "type", "xpcall",
    }) do
        env[name] = realG[name]
    end
    env._G = env
    env._VERSION = M.VERSION
    env.error = msError
    env.tostring = msTostring
    env.unpack = table.unpack
    env.print = function(...)
        local parts = {}
        for i = 1, rawselect("#", ...) do parts[i] = msTostring((rawselect(i, ...))) end
        rawprint(rawconcat(parts, "\t"))
    end

    env.string = copyTable(string, { pack = true, unpack = true, packsize = true, gfind = true })
    env.string.format = msFormat
    env.table = copyTable(table)
    env.table.concat = msConcat
    env.math = copyTable(math)
    env.math.huge = M.HUGE
    env.os = copyTable(os)
    env.io = copyTable(io)
    env.coroutine = copyTable(coroutine)
    env.debug = copyTable(debug, { getinfo = true })
    if realG.bit32 ~= nil then env.bit32 = copyTable(realG.bit32) end

    -- LuaCs: load(code, env?, chunkName?), loadfile(path, env?, name?), dofile(path, env?, name?).
    env.load = function(chunk, chunkEnv, name)
        if chunkEnv ~= nil and rawtype(chunkEnv) ~= "table" then
            rawerror("bad argument #2 to 'load' (table expected, got " .. rawtype(chunkEnv) .. ")", 2)
        end
        if rawtype(chunk) == "function" then
            local pieces = {}
            while true do
                local piece = chunk()
                if piece == nil or piece == "" then break end
                pieces[#pieces + 1] = piece
            end
            chunk = rawconcat(pieces)
        end
        return rawload(chunk, name or "=(load)", "t", chunkEnv or env)
    end
    env.loadfile = function(path, chunkEnv, name)
        if chunkEnv ~= nil and rawtype(chunkEnv) ~= "table" then
            rawerror("bad argument #2 to 'loadfile' (table expected, got " .. rawtype(chunkEnv) .. ")", 2)
        end
        local f, err = rawloadfile(path, "t", chunkEnv or env)
        if f == nil then return nil, err end
        return f
    end
    env.dofile = function(path, chunkEnv, name)
        local f, err = env.loadfile(path, chunkEnv, name)
        if f == nil then rawerror(err, 2) end
        return f()
    end

    if opts.require ~= nil then
        env.require = opts.require
    else
        local paths = opts.modulePaths or M.MODULE_PATHS
        local loaded = {}
        env.require = function(name)
            if loaded[name] ~= nil then return loaded[name] end
            local path, tried = M.findModule(name, paths)
            if path == nil then rawerror("module '" .. rawtostring(name) .. "' not found:" .. tried, 2) end
            local chunk = assert(rawloadfile(path, "t", env))
            local value = chunk(name)
            if value == nil then value = true end
            loaded[name] = value
            return value
        end
    end
    return env
end

--- Path of module `name` under the given patterns, or nil plus the list of tried paths.
function M.findModule(name, paths)
    local tried = {}
    local file = rawtostring(name):gsub("%.", "/")
    for _, pattern in ipairs(paths or M.MODULE_PATHS) do
        local path = pattern:gsub("%?", file)
        local handle = io.open(path, "r")
        if handle ~= nil then
            handle:close()
            return path
        end
        tried[#tried + 1] = "\n\tno file '" .. path .. "'"
    end
    return nil, rawconcat(tried)
end

--- Makes the real `require` load lua/modules/* into `env` (front of package.searchers), so
-- specs that require("core.keys") run the compiled code under this profile while sharing
-- package.loaded with everything else.
function M.installSearcher(env, paths)
    local searchers = package.searchers or package.loaders
    local function searcher(name)
        local path, tried = M.findModule(name, paths)
        if path == nil then return tried end
        local chunk, err = rawloadfile(path, "t", env)
        if chunk == nil then rawerror(err, 0) end
        return function(modname) return chunk(modname) end, path
    end
    table.insert(searchers, 1, searcher)
    return searcher
end

return M
