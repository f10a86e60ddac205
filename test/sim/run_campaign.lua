-- Plays a short scripted campaign on the simulated game against the built mod and prints a
-- timeline (the game's calls and the console). Run from the repository root:
--   lua5.2 test/sim/run_campaign.lua [modDir]      (default: dist/DatabaseIO)
-- Exits with status 1 if the mod logged an error.
package.path = "test/?.lua;" .. package.path

local Sim = require("sim.runtime")
local modDir = arg and arg[1] or "dist/DatabaseIO"

local f = io.open(modDir .. "/Lua/Autorun/databaseio.lua", "r")
if f == nil then
    io.stderr:write("no built mod at " .. modDir .. " (run npm run build first)\n")
    os.exit(1)
end
f:close()

local SUB = {
    name = "Timeline Sub",
    items = {
        { id = "databasecore" },
        { id = "storagecabinet", key = "cabinet" },
        { id = "steel", count = 20, inside = "cabinet" },
        { id = "toolbox", inside = "cabinet", contents = { { id = "wrench", quality = 1 }, { id = "screwdriver" } } },
        { id = "oxygentank", count = 3, inside = "cabinet" },
    },
}

local errors = 0

local function section(title)
    io.write("\n== ", title, " ==\n")
end

--- One line: what the database and the world hold of a few items.
local function report(sim)
    local api = sim.env.DatabaseIO
    if api == nil then return end
    local parts = {}
    for _, id in ipairs({ "steel", "oxygentank" }) do
        parts[#parts + 1] = string.format("%s db=%d world=%d", id, api.amount("default", id, 0), sim:countUnits(id))
    end
    parts[#parts + 1] = string.format("exact entries=%d", #api.exactEntries("default"))
    io.write("   database: ", table.concat(parts, ", "), "\n")
end

--- A player hands items to the database (through the public API, as an interface would).
local function store(sim, identifier, n)
    local stored = 0
    for _, item in ipairs(sim:findAll(identifier)) do
        if stored >= n then break end
        if not item.Removed and sim.env.DatabaseIO.ingest(item, "default", "timeline").ok then stored = stored + 1 end
    end
    sim:tick(2)
    io.write(string.format("   stored %d %s\n", stored, identifier))
end

local function play(mode, steps)
    local sim = Sim.new({ mode = mode, verbose = true })
    io.write("\n#### ", mode, " (save folder ", sim.saveFolder, ")\n")
    for _, step in ipairs(steps) do
        section(step[1])
        step[2](sim)
        report(sim)
    end
    errors = errors + #sim.errors
    io.write(string.format("\n%s: %d item(s) live, %d save(s) written, %d error(s)\n",
        mode, #sim:items(), sim.saveCount, #sim.errors))
    sim:cleanup()
end

play("server", {
    { "server starts, the mod loads", function(sim) sim:loadMod(modDir) end },
    { "new campaign", function(sim)
        sim:startCampaign(SUB)
        sim:addClient({ name = "Captain", admin = true, luacs = true })
        sim:addClient({ name = "Deckhand" })
        sim:tick(60)
    end },
    { "the crew stores 8 steel and a toolbox", function(sim) store(sim, "steel", 8); store(sim, "toolbox", 1) end },
    { "host runs dbio status", function(sim) sim:runCommand("dbio status") end },
    { "level transition (saved)", function(sim) sim:mpTransition(); sim:tick(60) end },
    { "the crew stores 2 oxygen tanks", function(sim) store(sim, "oxygentank", 2) end },
    { "round ends without a save, next round (the tanks come back out)", function(sim) sim:mpEndWithoutSave({ nextRound = true }); sim:tick(60) end },
    { "crew dies, campaign reloads from disk, next round", function(sim) sim:mpCrewDead({ nextRound = true }); sim:tick(60) end },
    { "reloadlua mid-round", function(sim) sim:reloadLua(); sim:tick(60) end },
    { "save & quit at an outpost", function(sim) sim:mpSaveAndQuit({ nextRound = true }); sim:tick(60) end },
    { "the server process stops and starts again", function(sim) sim:serverStop(); sim:serverStart(); sim:tick(60) end },
    { "host runs dbio verify", function(sim) sim:runCommand("dbio verify") end },
})

play("singleplayer", {
    { "campaign starts, the mod loads", function(sim) sim:loadMod(modDir); sim:startCampaign(SUB); sim:tick(60) end },
    { "the player stores 5 steel", function(sim) store(sim, "steel", 5) end },
    { "level transition", function(sim) sim:spTransition(); sim:tick(60) end },
    { "the player stores 3 more steel", function(sim) store(sim, "steel", 3) end },
    { "save at an outpost mid-round", function(sim) sim:spMidRoundSave(); sim:tick(60) end },
    { "retry (load the previous save)", function(sim) sim:spRetry(); sim:tick(60) end },
    { "the player stores 2 oxygen tanks", function(sim) store(sim, "oxygentank", 2) end },
    { "save & quit, then load the game", function(sim) sim:spSaveAndQuit(); sim:spLoadGame(); sim:tick(60) end },
    { "the player stores 4 steel", function(sim) store(sim, "steel", 4) end },
    { "quit without saving, then load the game", function(sim) sim:spQuitWithoutSaving(); sim:spLoadGame(); sim:tick(60) end },
})

io.write(string.format("\ntimeline done: %d error(s)\n", errors))
os.exit(errors == 0 and 0 or 1)
