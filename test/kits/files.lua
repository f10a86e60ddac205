-- Files a spec reads: build outputs, fixtures, shipped declarations.
local F = {}

--- The whole file at `path`, as bytes; fails when it cannot be opened.
function F.read(path)
    local f = assert(io.open(path, "rb"))
    local text = f:read("*a")
    f:close()
    return text
end

--- True when a file at `path` can be opened for reading.
function F.exists(path)
    local f = io.open(path, "rb")
    if f == nil then return false end
    f:close()
    return true
end

--- The string table the compiled modules see, found through a module function's _ENV: the
--- global one on plain PUC Lua, a separate copy under the MoonSharp profile
--- (test/moonsharp_profile.lua). Runtime switches go there.
function F.moduleStrings(module_fn)
    local i = 1
    while true do
        local name, value = debug.getupvalue(module_fn, i)
        if name == nil then return string end
        if name == "_ENV" then return value.string end
        i = i + 1
    end
end

return F
