-- Database IO entry point. LuaCs runs this file with the mod's folder as `...`; it loads the
-- compiled bundle (which returns the mod's entry module) and boots it. Everything stays local:
-- the mod's only global is the public API table the bundle sets up itself.
local modPath = ...
local report = printerror or print

if type(modPath) ~= "string" or modPath == "" then
    report("[Database IO] not started: LuaCs did not pass the mod folder to Lua/Autorun/databaseio.lua")
    return
end

local bundlePath = modPath .. "/Lua/DatabaseIO/databaseio.lua"
local loaded, main = pcall(dofile, bundlePath)
if not loaded then
    report("[Database IO] not started: could not load " .. bundlePath .. ": " .. tostring(main))
    return
end
if type(main) ~= "table" or type(main.boot) ~= "function" then
    report("[Database IO] not started: " .. bundlePath .. " did not return a module with boot()")
    return
end

local booted, err = pcall(main.boot, modPath)
if not booted then
    report("[Database IO] boot failed: " .. tostring(err))
end
