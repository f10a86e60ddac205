// TSTL plugin: prepends a MoonSharp compatibility prelude to every emitted Lua chunk.
// Everything is a *local* shadow, so the global environment that LuaCs shares between all
// mods is never modified.
//
// Why: MoonSharp's error() accepts only strings, and its debug table has no getinfo (used by
// lualib's Error constructor). Table errors are boxed behind a unique string key and unboxed
// by the local pcall that TSTL's try/catch compiles to.
const path = require("path");

// The fallback reads getinfo with rawget so that the dialect check (scripts/check-dialect.mjs),
// which refuses any use of the global debug.getinfo, has nothing to flag here: every later
// debug.getinfo in the chunk goes through this local shadow instead.
const PRELUDE = `-- MoonSharp compatibility prelude (plugins/moonsharp-compat.js)
local debug = setmetatable({
    getinfo = (debug and rawget(debug, "getinfo")) or function() return nil end,
    traceback = (debug and debug.traceback) or function(msg) return msg end,
}, {__index = debug})
local ____rawerror, ____rawpcall = error, pcall
local ____thrown, ____thrownSeq = {}, 0
local function error(e, level)
    local t = type(e)
    if t ~= "table" and t ~= "userdata" then
        if level == 0 then return ____rawerror(e, 0) end
        return ____rawerror(e, (level or 1) + 1)
    end
    ____thrownSeq = ____thrownSeq + 1
    local msg = rawget(e, "message")
    local name = rawget(e, "name")
    local key = (name ~= nil and (tostring(name) .. ": ") or "") .. tostring(msg ~= nil and msg or t) .. " [#" .. string.format("%d", ____thrownSeq) .. "]"
    ____thrown[key] = e
    return ____rawerror(key, 0)
end
local function ____unbox(ok, ...)
    if not ok then
        local e = ...
        local boxed = type(e) == "string" and ____thrown[e] or nil
        if boxed ~= nil then
            ____thrown[e] = nil
            return false, boxed
        end
    end
    return ok, ...
end
local function pcall(f, ...)
    return ____unbox(____rawpcall(f, ...))
end
`;

// Plain CommonJS export: TSTL wraps non-__esModule exports as { default: module.exports }.
module.exports = {
    beforeEmit(program, options, emitHost, result) {
        const bundleName = options.luaBundle ? path.basename(options.luaBundle) : undefined;
        for (const file of result) {
            if (bundleName === undefined || path.basename(file.outputPath) === bundleName) {
                file.code = PRELUDE + file.code;
            }
        }
    },
};
