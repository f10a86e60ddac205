-- Instances of the mod's classes for specs and benches that drive a module directly.
--
--   local new = require("kits.classes").new
--   local store = new(require("core.store").DatabaseStore, {})   -- what `new DatabaseStore({})` does
--
-- The modules export their classes, not factories, and in the compiled Lua `new C(...)` is a call
-- into the compiler's runtime bundle (lua/modules/lualib_bundle.lua). This is the one place in
-- test/ that reaches that bundle: a spec says what it builds, and a change in how the compiler
-- constructs objects is met here once.
local lualib = require("lualib_bundle")

local C = {}

--- A new instance of Class, built with the constructor arguments `...`.
function C.new(Class, ...)
    return lualib.__TS__New(Class, ...)
end

return C
