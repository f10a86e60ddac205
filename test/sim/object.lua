-- Strict "C# object" tables for the simulated runtime.
--
-- Game objects in LuaCs are MoonSharp userdata: reading or writing a member the type does not have
-- raises an error, properties may be read-only, and instance methods can be called with `obj:M(a)`
-- or `obj.M(a)`. A class here has getters, setters and methods; an object is a table whose raw
-- fields are the simulation's private state (names start with "_"), everything public goes through
-- the metatable.
local M = {}

local rawequal, rawset, setmetatable, error, format = rawequal, rawset, setmetatable, error, string.format
local byte, UNDERSCORE = string.byte, string.byte("_")

local function missing(typeName, key)
    error(format("cannot access field %s of userdata<%s>", tostring(key), typeName), 3)
end
M.missing = missing

--- Defines a class. `parent` (optional) is copied in, so children see its members.
function M.class(typeName, parent)
    local cls = { typeName = typeName, getters = {}, setters = {}, methods = {} }
    if parent then
        for k, v in pairs(parent.getters) do cls.getters[k] = v end
        for k, v in pairs(parent.setters) do cls.setters[k] = v end
        for k, v in pairs(parent.methods) do cls.methods[k] = v end
        cls.tostring = parent.tostring
        cls.parent = parent
    end
    local getters, setters, methods = cls.getters, cls.setters, cls.methods
    cls.mt = {
        __index = function(t, k)
            local g = getters[k]
            if g ~= nil then return g(t) end
            local m = methods[k]
            if m ~= nil then
                -- Bound once per object: works for both obj:M(a) and obj.M(a).
                local bound = function(a, ...)
                    if rawequal(a, t) then return m(t, ...) end
                    return m(t, a, ...)
                end
                rawset(t, k, bound)
                return bound
            end
            if type(k) == "string" and byte(k, 1) == UNDERSCORE then return nil end
            missing(typeName, k)
        end,
        __newindex = function(t, k, v)
            local s = setters[k]
            if s ~= nil then
                s(t, v)
                return
            end
            if type(k) == "string" and byte(k, 1) == UNDERSCORE then
                rawset(t, k, v) -- private simulation state
                return
            end
            if getters[k] ~= nil or methods[k] ~= nil then
                error(format("cannot assign to read-only member %s of userdata<%s>", tostring(k), typeName), 2)
            end
            missing(typeName, k)
        end,
        __tostring = function(t)
            if cls.tostring then return cls.tostring(t) end
            return typeName
        end,
        __metatable = typeName,
    }
    return cls
end

--- Makes an object of `cls` from its private state table.
function M.new(cls, state)
    state._class = cls
    return setmetatable(state, cls.mt)
end

--- True when `v` is an object of `cls` or of a class derived from it.
function M.is(v, cls)
    if type(v) ~= "table" then return false end
    local mt = getmetatable(v)
    if mt == nil then return false end
    local c = rawget(v, "_class")
    while c ~= nil do
        if c == cls then return true end
        c = c.parent
    end
    return false
end

--- A static class object (a namespace such as Game or Hook) with getters and functions.
function M.static(typeName, getters, functions, setters)
    local cls = M.class(typeName)
    for k, v in pairs(getters or {}) do cls.getters[k] = function() return v() end end
    for k, v in pairs(setters or {}) do cls.setters[k] = function(_, x) v(x) end end
    local obj = M.new(cls, {})
    -- LuaCs exposes these as objects, so `Hook:Add(...)` works as well as `Hook.Add(...)`.
    for k, f in pairs(functions or {}) do
        if type(f) == "function" then
            rawset(obj, k, function(a, ...)
                if rawequal(a, obj) then return f(...) end
                return f(a, ...)
            end)
        else
            rawset(obj, k, f)
        end
    end
    return obj
end

--- A 1-based array copy (what MoonSharp makes of a C# List).
function M.copyList(list, n)
    local out = {}
    for i = 1, n or #list do out[i] = list[i] end
    return out
end

return M
