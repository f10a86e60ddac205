-- Example extension of Database IO. LuaCs runs this file with the mod's folder as `...`; it loads
-- the compiled bundle and starts it. The example defines no global.
local modPath = ...
local report = printerror or print

if type(modPath) ~= "string" or modPath == "" then
    report("[Sort by rarity] not started: no mod folder was passed to Lua/Autorun/sortbyrarity.lua")
    return
end

local bundlePath = modPath .. "/Lua/SortByRarity/sortbyrarity.lua"
local loaded, main = pcall(dofile, bundlePath)
if not loaded or type(main) ~= "table" or type(main.start) ~= "function" then
    report("[Sort by rarity] not started: could not load " .. bundlePath .. ": " .. tostring(main))
    return
end

local started, err = pcall(main.start)
if not started then
    report("[Sort by rarity] start failed: " .. tostring(err))
end
