-- Shared setup for the simulation's own specs (test/spec/sim_*_spec.lua).
local Sim = require("sim.runtime")

local K = {}

K.FAKEMOD = Sim.ROOT .. "/test/fixtures/fakemod"

-- Test-only prefabs: a device with every simulated component, and a prefab whose max stack is
-- above the game's 63 cap.
K.PREFABS = {
    { identifier = "simterminal", name = { en = "Sim Terminal", zh = "模拟终端" }, category = "Machine",
      tags = { "terminal" }, maxStackSize = 1, maxCondition = 100, pickable = false,
      components = {
          { type = "ItemContainer", capacity = 4, maxStackSize = 64 },
          { type = "ItemContainer", capacity = 2, maxStackSize = 5, containable = { "mineral" } },
          { type = "MemoryComponent", maxValueLength = 1000 },
          { type = "Powered", minVoltage = 0.5, powerConsumption = 10 },
          { type = "CustomInterface", elements = {
              { kind = "button", label = "next", hooks = { "sim.next", { name = "sim.again", attributes = { step = "2" } } } },
              { kind = "textbox", label = "search", maxTextLength = 8 },
          } },
      } },
    { identifier = "bigstack", name = { en = "Big Stack", zh = "大堆" }, category = "Material",
      tags = { "smallitem" }, maxStackSize = 100, maxCondition = 100 },
}

--- A simulation with the test prefabs; loads the fake mod unless opts.noMod.
function K.new(opts)
    opts = opts or {}
    local prefabs = {}
    for _, d in ipairs(K.PREFABS) do prefabs[#prefabs + 1] = d end
    for _, d in ipairs(opts.prefabs or {}) do prefabs[#prefabs + 1] = d end
    local sim = Sim.new({ mode = opts.mode or "server", language = opts.language, prefabs = prefabs,
        verbose = opts.verbose, saveFolder = opts.saveFolder })
    if not opts.noMod then sim:loadMod(K.FAKEMOD) end
    return sim
end

--- A small campaign: a cabinet with steel, a memory component, a terminal.
K.SUB = {
    name = "Kit Sub",
    items = {
        { id = "storagecabinet", key = "cabinet" },
        { id = "steel", count = 5, inside = "cabinet" },
        { id = "memorycomponent", memory = "saved" },
        { id = "simterminal" },
    },
}

return K
