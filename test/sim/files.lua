-- LuaCs `File` on the real file system, sandboxed like LuaCsFile: writes only under the save
-- folder, reads also under the loaded mod folders. Any other path throws (a string), even for
-- File.Exists.
local lfs = require("lfs")

local F = {}

--- Absolute, normalised path: `/` separators, no `.`/`..`, no trailing slash.
function F.normalize(path)
    path = path:gsub("\\", "/")
    if path:sub(1, 1) ~= "/" then path = lfs.currentdir() .. "/" .. path end
    local parts = {}
    for part in path:gmatch("[^/]+") do
        if part == ".." then
            if #parts > 0 then table.remove(parts) end
        elseif part ~= "." and part ~= "" then
            parts[#parts + 1] = part
        end
    end
    return "/" .. table.concat(parts, "/")
end

local function under(path, root)
    return path == root or path:sub(1, #root + 1) == root .. "/"
end

function F.isDir(path) return lfs.attributes(path, "mode") == "directory" end
function F.isFile(path) return lfs.attributes(path, "mode") == "file" end

function F.mkdirs(path)
    local acc = ""
    for part in path:gmatch("[^/]+") do
        acc = acc .. "/" .. part
        if not F.isDir(acc) then
            local ok, err = lfs.mkdir(acc)
            if not ok and not F.isDir(acc) then return false, err end
        end
    end
    return true
end

function F.removeTree(path)
    if F.isDir(path) then
        for name in lfs.dir(path) do
            if name ~= "." and name ~= ".." then F.removeTree(path .. "/" .. name) end
        end
        lfs.rmdir(path)
    elseif F.isFile(path) then
        os.remove(path)
    end
end

--- A fresh empty temporary directory.
function F.tempDir(prefix)
    local name = os.tmpname()
    os.remove(name)
    local dir = name .. "_" .. (prefix or "dbio")
    assert(F.mkdirs(dir))
    return dir
end

local function list(dir, mode)
    local out = {}
    for name in lfs.dir(dir) do
        if name ~= "." and name ~= ".." and lfs.attributes(dir .. "/" .. name, "mode") == mode then
            out[#out + 1] = name
        end
    end
    table.sort(out)
    return out
end
F.list = list

--- The `File` static class. `roots()` returns { read = {...}, write = {...} } (normalised).
function F.api(roots)
    local function check(path, write)
        if type(path) ~= "string" then error("value cannot be null (path)", 3) end
        local full = F.normalize(path)
        local r = roots()
        for _, root in ipairs(r.write) do
            if under(full, root) then return full end
        end
        if not write then
            for _, root in ipairs(r.read) do
                if under(full, root) then return full end
            end
        end
        error("File access to " .. path .. " not allowed", 3)
    end

    local api = {}
    function api.Read(path)
        local full = check(path, false)
        local f = io.open(full, "rb")
        if f == nil then error("Could not find file '" .. full .. "'.", 2) end
        local s = f:read("*a")
        f:close()
        return s
    end
    function api.Write(path, text)
        local full = check(path, true)
        if type(text) ~= "string" then error("cannot convert a " .. type(text) .. " to a clr type System.String", 2) end
        local dir = full:match("^(.*)/[^/]*$")
        if dir ~= "" and not F.isDir(dir) then error("Could not find a part of the path '" .. full .. "'.", 2) end
        local f = assert(io.open(full, "wb"))
        f:write(text)
        f:close()
    end
    function api.Exists(path)
        return F.isFile(check(path, false))
    end
    function api.Delete(path)
        local full = check(path, true)
        if F.isFile(full) then os.remove(full) end
    end
    function api.Move(src, dst)
        local a, b = check(src, true), check(dst, true)
        if not F.isFile(a) then error("Could not find file '" .. a .. "'.", 2) end
        if F.isFile(b) then os.remove(b) end
        assert(os.rename(a, b))
    end
    function api.CreateDirectory(path)
        local full = check(path, true)
        F.mkdirs(full)
        return true
    end
    function api.DirectoryExists(path)
        return F.isDir(check(path, false))
    end
    function api.DeleteDirectory(path)
        local full = check(path, true)
        if not F.isDir(full) then error("Could not find a part of the path '" .. full .. "'.", 2) end
        F.removeTree(full)
    end
    local function listing(path, mode)
        local full = check(path, false)
        if not F.isDir(full) then error("Could not find a part of the path '" .. full .. "'.", 3) end
        local base = path:gsub("\\", "/"):gsub("/+$", "")
        local out = {}
        for i, name in ipairs(list(full, mode)) do out[i] = base .. "/" .. name end
        return out, full, base
    end
    function api.GetFiles(path)
        return (listing(path, "file"))
    end
    function api.GetDirectories(path)
        return (listing(path, "directory"))
    end
    function api.DirSearch(path)
        -- Files of the folder and of its immediate subfolders (the LuaCs quirk).
        local out, full, base = listing(path, "file")
        for _, d in ipairs(list(full, "directory")) do
            for _, name in ipairs(list(full .. "/" .. d, "file")) do out[#out + 1] = base .. "/" .. d .. "/" .. name end
        end
        return out
    end
    return api
end

return F
