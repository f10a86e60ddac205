-- Hook.Add / Hook.Call and Hook.Patch semantics of LuaCsHook, per Lua state.
--
-- Hooks: names and identifiers are trimmed and lower-cased; re-adding an identifier replaces the
-- callback in place; every callback runs; the last non-nil return wins (`return nil, true` forces
-- nil); an error is logged and the other callbacks still run.
-- Patches: prefixes share one parameter table; an error aborts the remaining callbacks of that
-- group and discards argument changes; PreventExecution skips the remaining prefixes and the
-- original; postfixes run (Harmony), with a fresh table, after an original that returned; an
-- original that raises runs no postfix and the error goes on to its caller (LuaCs emits an
-- ordinary Harmony postfix, "HarmonyPostfix", not a finalizer: LuaCsHook.CreateDynamicHarmonyPatch).
local H = {}

H.BEFORE = 0
H.AFTER = 1

local function normalize(s)
    if type(s) ~= "string" then error("value cannot be null", 3) end
    return string.lower((s:gsub("^%s+", ""):gsub("%s+$", "")))
end
H.normalize = normalize

local function traceback(e)
    if type(e) ~= "string" then e = tostring(e) end
    return debug.traceback(e, 2)
end

local function describeArgs(...)
    local parts = {}
    for i = 1, select("#", ...) do parts[#parts + 1] = tostring((select(i, ...))) .. " " end
    return table.concat(parts)
end

function H.new()
    return { events = {}, patches = {} }
end

function H.add(hooks, event, id, fn)
    if type(fn) ~= "function" then error("value cannot be null (func)", 3) end
    event, id = normalize(event), normalize(id)
    local ev = hooks.events[event]
    if ev == nil then
        ev = { order = {}, fns = {} }
        hooks.events[event] = ev
    end
    if ev.fns[id] == nil then ev.order[#ev.order + 1] = id end
    ev.fns[id] = fn
end

function H.remove(hooks, event, id)
    event, id = normalize(event), normalize(id)
    local ev = hooks.events[event]
    if ev == nil or ev.fns[id] == nil then return end
    ev.fns[id] = nil
    for i, x in ipairs(ev.order) do
        if x == id then table.remove(ev.order, i) break end
    end
end

function H.exists(hooks, event, id)
    local ev = hooks.events[normalize(event)]
    return ev ~= nil and ev.fns[normalize(id)] ~= nil
end

local function collect(ok, ...)
    return ok, select("#", ...), ...
end

--- Hook.Call. `logError(message)` records a caught error.
function H.call(hooks, logError, event, ...)
    local name = normalize(event)
    local ev = hooks.events[name]
    if ev == nil then return nil end
    local ids = {}
    for i, id in ipairs(ev.order) do ids[i] = id end
    local result = nil
    for _, id in ipairs(ids) do
        local fn = ev.fns[id]
        if fn ~= nil then
            local ok, n, r1, r2 = collect(xpcall(fn, traceback, ...))
            if ok then
                if r1 ~= nil then
                    result = r1
                elseif n > 1 and r2 then
                    result = nil
                end
            else
                logError(string.format("Error in Hook '%s'->'%s', with args '%s':\n%s", name, id,
                    describeArgs(...), tostring(r1)))
            end
        end
    end
    return result
end

------------------------------------------------------------------------------------------------
-- Patches
------------------------------------------------------------------------------------------------
local guidCounter = 0
local function guid()
    guidCounter = guidCounter + 1
    return string.format("%032x", guidCounter)
end

function H.patch(hooks, logMessage, info, id, fn, hookType)
    if type(fn) ~= "function" then error("value cannot be null (patch)", 3) end
    if hookType == nil then hookType = H.BEFORE end
    if hookType ~= H.BEFORE and hookType ~= H.AFTER then error("Invalid HookMethodType enum value.", 3) end
    id = normalize(id or guid())
    local p = hooks.patches[info.key]
    if p == nil then
        p = { prefixes = {}, postfixes = {} }
        hooks.patches[info.key] = p
    end
    local list = hookType == H.BEFORE and p.prefixes or p.postfixes
    for i, e in ipairs(list) do
        if e.id == id then
            table.remove(list, i)
            logMessage((hookType == H.BEFORE and "Replacing existing prefix: " or "Replacing existing postfix: ") .. id)
            break
        end
    end
    list[#list + 1] = { id = id, fn = fn }
    return id
end

function H.removePatch(hooks, info, id, hookType)
    if id == nil then error("value cannot be null (identifier)", 3) end
    id = normalize(id)
    local p = hooks.patches[info.key]
    if p == nil then return false end
    local list
    if hookType == H.BEFORE then list = p.prefixes
    elseif hookType == H.AFTER then list = p.postfixes
    else error("Invalid HookMethodType enum value.", 3) end
    for i, e in ipairs(list) do
        if e.id == id then
            table.remove(list, i)
            return true
        end
    end
    return false
end

-- The parameter table handed to patch callbacks (LuaCsHook.ParameterTable).
--
-- In the game it is a C# object (LuaCsForBarotrauma SharedSource/LuaCs/LuaCsHook.cs, class
-- LuaCsHook.ParameterTable, registered with UserData.RegisterType<ParameterTable>() in
-- LuaCsHook.Initialize): a string indexer `this[string paramName]` (get: ModifiedParameters, then
-- OriginalParameters[paramName], which throws KeyNotFoundException for an unknown name; set:
-- ModifiedParameters[paramName] = value) and the members PreventExecution (get/set), ReturnValue
-- (get/set), OriginalReturnValue (get; private set) and OriginalParameters (get);
-- ModifiedParameters is [MoonSharpHidden]. MoonSharp sends a name index (`ptable.x`, `ptable:x`)
-- of userdata to its members only, and a bracket index (`ptable["x"]`, `ptable[key]`) to the
-- indexer only: `ptable.wasSaved` raises "cannot access field wasSaved of userdata<ParameterTable>",
-- and `ptable["PreventExecution"]` asks the indexer for a parameter of that name.
--
-- At run time Lua cannot tell `t.x` from `t[key]`, so this table reads the source line of the
-- code that indexes it: a `.x` or `:x` there is a name index. When the line cannot be read
-- (code loaded from an unnamed chunk), a member name is taken as a name index and anything else
-- as an indexer call.
local PT_MEMBERS = { PreventExecution = true, ReturnValue = true, OriginalReturnValue = true, OriginalParameters = true }
local PT_SETTABLE = { PreventExecution = true, ReturnValue = true }

local sourceLines = {}
local function linesOf(source)
    local lines = sourceLines[source]
    if lines ~= nil then return lines end
    lines = {}
    local first = source:sub(1, 1)
    if first == "@" then
        local f = io.open(source:sub(2), "rb")
        if f ~= nil then
            local text = f:read("*a")
            f:close()
            for line in (text .. "\n"):gmatch("([^\n]*)\n") do lines[#lines + 1] = line end
        end
    elseif first ~= "=" then
        for line in (source .. "\n"):gmatch("([^\n]*)\n") do lines[#lines + 1] = line end
    end
    sourceLines[source] = lines
    return lines
end

--- true / false: whether the function at `level` indexes `key` by name; nil when unknown.
local function nameIndexAt(level, key)
    if type(key) ~= "string" or not key:match("^[%a_][%w_]*$") then return false end
    local info = debug.getinfo(level + 1, "Sl")
    if info == nil or info.source == nil or info.currentline == nil or info.currentline < 1 then return nil end
    local line = linesOf(info.source)[info.currentline]
    if line == nil then return nil end
    -- `x.key` / `x:key` after a name, a closing bracket or a string; never the `..` operator.
    return line:find("[%w_%)%]\"']%s*[%.:]%s*" .. key .. "%f[^%w_]") ~= nil
end

local function missingField(key)
    return "cannot access field " .. tostring(key) .. " of userdata<ParameterTable>"
end

local function readMember(p, k)
    if k == "PreventExecution" then return p.prevent end
    if k == "ReturnValue" then
        if p.returnSet then return p.returnValue end
        return p.originalReturn
    end
    if k == "OriginalReturnValue" then return p.originalReturn end
    -- OriginalParameters: Dictionary<string, object>, reaches Lua as a table copy.
    local copy = {}
    for name in pairs(p.names) do copy[name] = p.args[name] end
    return copy
end

local PT = {}
PT.__index = function(t, k)
    local p = rawget(t, "_p")
    local byName = nameIndexAt(2, k)
    if byName == nil then byName = PT_MEMBERS[k] == true end
    if byName then
        if PT_MEMBERS[k] then return readMember(p, k) end
        error(missingField(k), 2)
    end
    -- The indexer: this[string paramName].
    if p.modifiedSet[k] then return p.modified[k] end
    if p.names[k] then
        local t2 = p.unconvertible[k]
        if t2 then error("cannot convert clr type " .. t2, 2) end
        return p.args[k]
    end
    error("The given key '" .. tostring(k) .. "' was not present in the dictionary.", 2)
end
PT.__newindex = function(t, k, v)
    local p = rawget(t, "_p")
    local byName = nameIndexAt(2, k)
    if byName == nil then byName = PT_SETTABLE[k] == true end
    if byName then
        if k == "PreventExecution" then
            p.prevent = v == true
        elseif k == "ReturnValue" then
            p.returnSet = true
            p.returnValue = v
        else
            error(missingField(k), 2)
        end
        return
    end
    p.modifiedSet[k] = true
    p.modified[k] = v
end
PT.__tostring = function() return "Barotrauma.LuaCsHook+ParameterTable" end
PT.__metatable = "Barotrauma.LuaCsHook+ParameterTable"

local function newParamTable(info, args, originalReturn)
    local names = {}
    for _, n in ipairs(info.names) do names[n] = true end
    return setmetatable({ _p = {
        names = names, args = args, modified = {}, modifiedSet = {}, prevent = false,
        unconvertible = info.unconvertible, originalReturn = originalReturn,
    } }, PT)
end

local function runGroup(list, info, instance, ptable, logError, stopOnPrevent)
    local snapshot = {}
    for i, e in ipairs(list) do snapshot[i] = e end
    local returned, value = false, nil
    for _, e in ipairs(snapshot) do
        local ok, n, r1 = collect(xpcall(e.fn, traceback, instance, ptable))
        if not ok then
            logError(string.format("Error in patch '%s' on %s.%s:\n%s", e.id, info.className, info.methodName, tostring(r1)))
            return false, returned, value
        end
        if n > 0 then returned, value = true, r1 end
        if stopOnPrevent and rawget(ptable, "_p").prevent then break end
    end
    return true, returned, value
end

--- Runs `original(args)` between the state's prefixes and postfixes for `info`.
--- `args` maps C# parameter names to values; the original sees prefix changes.
function H.invoke(hooks, logError, info, instance, args, original, isAlive)
    local p = hooks and hooks.patches[info.key]
    if p == nil or (#p.prefixes == 0 and #p.postfixes == 0) then
        return original(args)
    end
    local prevent = false
    if #p.prefixes > 0 then
        local pt = newParamTable(info, args)
        local ok = runGroup(p.prefixes, info, instance, pt, logError, true)
        if ok then
            local priv = rawget(pt, "_p")
            prevent = priv.prevent
            for name in pairs(priv.modifiedSet) do
                if priv.names[name] then args[name] = priv.modified[name] end
            end
        end
    end
    local result
    if not prevent then
        local ok, r = pcall(original, args)
        if not ok then error(r, 0) end -- no postfix: the exception goes on to the caller
        result = r
    end
    -- A method that stopped Lua (quit to the main menu) runs no postfix.
    if #p.postfixes > 0 and (isAlive == nil or isAlive()) then
        local pt = newParamTable(info, args, result)
        runGroup(p.postfixes, info, instance, pt, logError, false)
    end
    return result
end

return H
