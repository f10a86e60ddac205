-- busted helper for the MoonSharp-profile run (--run=moonsharp). Compiled modules under
-- lua/modules are loaded into one MoonSharp-like environment (test/moonsharp_profile.lua), so a
-- spec's require("core.keys") exercises the compiled code the way MoonSharp would run it. The
-- environment's require goes through the real one: each module exists once, in package.loaded.
-- The simulated runtime reads DBIO_PROFILE and builds its Lua states with profile.newEnv().
_G.DBIO_PROFILE = "moonsharp"

local profile = require("moonsharp_profile")
local env = profile.newEnv({ require = function(name) return require(name) end })
profile.installSearcher(env)
