/**
 * Bundle entry. LuaCs runs Lua/Autorun/databaseio.lua, which loads this bundle and calls boot()
 * with the mod's folder. Nothing here runs at load time except building the module table.
 */
export const VERSION = "0.1.0";
