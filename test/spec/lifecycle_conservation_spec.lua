-- Randomized conservation across every lifecycle path (issue 13, "Done when"). Each sequence is a
-- fresh campaign (multiplayer or singleplayer, alternating) with a Database Core, a wall terminal,
-- a handheld terminal, a handheld and a wall interface, a restocker keeping a toolbox stocked, and
-- goods (some nested two deep). One or two rounds are played; each round is a random mix of:
--   device moves: ingest through an interface, terminal open / take / deposit / edit inside a page
--   item at any depth, extract, restocker deliveries (a player takes what it stocked), carrying a
--   device;
--   hostile text typed into the restocker field and the terminal search (control characters, very
--   long text);
--   core removal (once per sequence): with a second core of the database on the submarine (it
--   adopts the database) or with none (the next save, or Lua stopping, writes a backup; a core is
--   placed and `dbio restore <file> default` brings the database back);
-- then moves made in the same update right before the path, some of them from a Before patch on
-- the path's first save step (EndRound, SavePlayers, HandleSaveAndQuit), and a random lifecycle path
-- of that mode (test/sim/README.md "Lifecycle").
--
-- Accounting per identifier (test/kits/terminal_kit.lua): units the database owns (Working + leased,
-- nested contents included) + live items the mod has not booked (inspect hook). Every move keeps
-- that total; a saved path keeps the total from just before the save; an unsaved path goes back to
-- the total at the last save; reloadlua keeps the live total. It is checked after every move and
-- after every path (a database whose core was removed and then restored counts through the
-- restore); at the end of a sequence `dbio verify` is clean and the simulated game logged no
-- error (an invalid XML character in a save would be one).
-- The seed is printed; DBIO_SEED=<n> replays one sequence.
local K = require("kits.terminal_kit")
local U = require("kits.units")
local codec = require("core.codec")

local IDS = { "steel", "copper", "wrench", "antibleeding1", "toolbox", "screwdriver", "crowbar", "divingsuit", "oxygentank" }
local SEQUENCES = 200
local MOVES = 10 -- per round, before the same-update moves

local PATHS = {
    server = { "mpTransition", "mpSaveAndQuit", "mpEndWithoutSave", "mpCrewDead", "serverStop", "reloadLua" },
    singleplayer = { "spTransition", "spSaveAndQuit", "spQuitWithoutSaving", "spRetry", "reloadLua" },
}
-- saved: the path writes the save the next round continues from. continues: the world goes on.
local SAVED = { mpTransition = true, mpSaveAndQuit = true, spTransition = true, spSaveAndQuit = true }
local CONTINUES = { reloadLua = true }
-- The first save step of each saved path, patched Before for same-update moves.
local FIRST_STEP = {
    mpTransition = { "Barotrauma.GameSession", "EndRound" },
    mpSaveAndQuit = { "Barotrauma.MultiPlayerCampaign", "SavePlayers" },
    spTransition = { "Barotrauma.GameSession", "EndRound" },
    spSaveAndQuit = { "Barotrauma.CampaignMode", "HandleSaveAndQuit" },
}

local HOSTILE = {
    "\1\2\3\4\5\6\7\8\11\12\14\15\16\17\18\19\20\21\22\23\24\25\26\27\28\29\30\31",
    "steel\0 amount=2",
    "ste\27el",
    string.rep("steel amount=2 ", 400),
    string.rep("\1x", 3000),
    "<tag attr=\"&\">]]></tag>",
}
local CONFIGS = { "steel amount=2", "oxygentank amount=1 spent=yes", "copper amount=1", "" }

local figures = { sequences = 0, server = 0, singleplayer = 0, rounds = 0, paths = {}, moves = {}, violations = 0,
    adopted = 0, backedUp = 0, restored = 0, patched = 0, sameUpdate = 0, setAside = 0, setAsideUnits = 0 }
local function count(tbl, key) tbl[key] = (tbl[key] or 0) + 1 end

local function sub()
    return { name = "Lifecycle Sub", items = {
        { id = "databasecore", key = "core" },
        { id = "databaseterminalfixed", key = "wall" },
        { id = "databaseinterfacefixed", key = "iwall" },
        { id = "databaseinterface", key = "ihand" },
        { id = "storagecabinet", key = "cab" },
        { id = "databaseterminal", inside = "cab" },
        { id = "steel", count = 10, inside = "cab" },
        { id = "copper", count = 4, inside = "cab" },
        { id = "wrench", inside = "cab" },
        { id = "wrench", inside = "cab", condition = 40 },
        { id = "antibleeding1", count = 4, inside = "cab" },
        { id = "oxygentank", inside = "cab", condition = 0 },
        { id = "toolbox", inside = "cab",
          contents = { { id = "screwdriver" }, { id = "toolbox", contents = { { id = "crowbar" }, { id = "screwdriver" } } } } },
        { id = "divingsuit", contents = { { id = "oxygentank" } } },
        { id = "storagecabinet", key = "spare" },
        { id = "toolbox", key = "box" },
        { id = "databaserestocker", key = "r", signals = { ["restocker.config"] = "steel amount=2" }, links = { "box" } },
    } }
end

local tree = U.tree

local GOOD = {}
for _, id in ipairs(IDS) do GOOD[id] = true end

local function runOnce(seed)
    math.randomseed(seed)
    local rnd = math.random
    local mode = seed % 2 == 0 and "server" or "singleplayer"
    figures.sequences = figures.sequences + 1
    figures[mode] = figures[mode] + 1
    local k = K.new({ mode = mode, sub = sub() })
    local log = {}
    local function fail(fmt, ...)
        figures.violations = figures.violations + 1
        error(string.format("seed %d (%s): ", seed, mode) .. string.format(fmt, ...) .. "; steps: " .. table.concat(log, ","), 0)
    end
    local dbGone = false -- the database is in a backup file only, until the restore
    local lastSaveBackup -- the backup holding the database when the last save had no core

    -- Units a restore set aside: `dbio restore` replaces the database, and what it held then
    -- (stored after the new core was placed) goes to a backup file it names (commands.ts). They
    -- are counted there, and the figures show how many.
    local filed = {}
    for _, id in ipairs(IDS) do filed[id] = 0 end
    local copy = U.copy
    -- a rollback goes back to a save taken before any later set-aside
    local filedAtSave = copy(filed)

    --- Units per identifier (test/kits/terminal_kit.lua K:units, with "no database" read as empty).
    local function units()
        local t = {}
        for _, id in ipairs(IDS) do t[id] = filed[id] end
        local s, why = k:snapshot()
        if s == nil then
            if not dbGone then fail("no database snapshot: %s", tostring(why)) end
        else
            U.addSnapshot(t, s, true)
        end
        U.eachUnbooked(k.sim, k:inspect().booked, function(item)
            local id = item.Prefab.Identifier.Value
            if t[id] then t[id] = t[id] + 1 end
        end)
        return t
    end
    local function check(expected, where)
        local got = units()
        for _, id in ipairs(IDS) do
            if got[id] ~= expected[id] then fail("%s: %s is %d, expected %d", where, id, got[id], expected[id]) end
        end
        if #k.sim.errors > 0 then fail("%s: %s", where, k.sim.errors[1]) end
    end

    local function player()
        if k.sim.isServer then return k.clients[1] and k.clients[1].Character end
        return k.sim.player
    end
    local function live(id)
        local out = {}
        for _, it in ipairs(k.sim:findAll(id)) do if not it.Removed then out[#out + 1] = it end end
        table.sort(out, function(a, b) return a.ID < b.ID end)
        return out
    end
    local function terminals()
        local list = live("databaseterminalfixed")
        for _, t in ipairs(live("databaseterminal")) do list[#list + 1] = t end
        return list
    end
    local function interfaces()
        local list = live("databaseinterfacefixed")
        for _, t in ipairs(live("databaseinterface")) do list[#list + 1] = t end
        return list
    end
    local function pick(list) if #list == 0 then return nil end return list[rnd(#list)] end
    local function goodsIn(inv)
        local out = {}
        for _, it in ipairs(inv.AllItemsMod) do
            if GOOD[it.Prefab.Identifier.Value] then out[#out + 1] = it end
        end
        table.sort(out, function(a, b) return a.ID < b.ID end)
        return out
    end
    local function cabinet(n) return live("storagecabinet")[n] end
    local boxId
    for _, t in ipairs(live("toolbox")) do if t.Container == nil then boxId = t.ID end end
    local function box()
        for _, t in ipairs(live("toolbox")) do if t.ID == boxId then return t end end
        return nil
    end
    local function restocker() return live("databaserestocker")[1] end

    -- The database starts with part of the goods (through the public API: the total is the same).
    local seedItems = {}
    local inCab = goodsIn(cabinet(1).OwnInventory)
    local wanted = { steel = 3, copper = 1, toolbox = 1 }
    for _, it in ipairs(inCab) do
        local id = it.Prefab.Identifier.Value
        if (wanted[id] or 0) > 0 then
            wanted[id] = wanted[id] - 1
            seedItems[#seedItems + 1] = it
        end
    end
    seedItems[#seedItems + 1] = live("divingsuit")[1]
    for _, item in ipairs(seedItems) do
        if rnd() < 0.8 then
            local r = k:api().ingest(item, "default", "seed")
            if not r.ok then fail("seed ingest: %s", r.message) end
        end
    end
    k:tick(4)
    local expected = units()
    local saved = expected
    local coreRemoved = false
    if rnd() < 0.5 then
        -- a second core of the same database (it takes the database if the first one goes)
        k.sim:spawnNow("databasecore", {})
        k:tick(2)
    end

    local moves = {}
    moves.ingest = function(p)
        local source = rnd() < 0.5 and p.Inventory or cabinet(1).OwnInventory
        local it = pick(goodsIn(source))
        local iface = pick(interfaces())
        if it == nil or iface == nil then return "ingest-none" end
        k.sim:moveItem(it, iface.OwnInventory, nil, p)
        return "ingest"
    end
    moves.open = function(p)
        local t = pick(terminals())
        if t == nil then return "open-none" end
        k.sim:select(p, t)
        return "open"
    end
    moves.take = function(p)
        local t = pick(terminals())
        local it = t and pick(k:contents(t))
        if it == nil then return "take-none" end
        k.sim:moveItem(it, p.Inventory, nil, p)
        return "take"
    end
    moves.deposit = function(p)
        local it = pick(goodsIn(p.Inventory))
        local t = pick(terminals())
        if it == nil or t == nil then return "deposit-none" end
        k.sim:moveItem(it, t.OwnInventory, nil, p)
        return "deposit"
    end
    moves.edit = function(p)
        -- inside a page item, at any depth: take out, put in (a slot in use swaps), or page item in
        local holders, at = {}, {}
        for _, t in ipairs(terminals()) do
            for _, it in ipairs(k:contents(t)) do
                for _, x in ipairs(tree(it)) do
                    if x.OwnInventory ~= nil then
                        holders[#holders + 1] = x
                        at[#holders] = t
                    end
                end
            end
        end
        if #holders == 0 then return "edit-none" end
        local i = rnd(#holders)
        local holder, t = holders[i], at[i]
        local r = rnd(3)
        if r == 1 then
            local inside = holder.OwnInventory.AllItemsMod
            if #inside == 0 then return "edit-none" end
            k.sim:moveItem(inside[rnd(#inside)], p.Inventory, nil, p)
        elseif r == 2 then
            local it = pick(goodsIn(p.Inventory))
            if it == nil or it == holder then return "edit-none" end
            k.sim:moveItem(it, holder.OwnInventory, rnd(holder.OwnInventory.Capacity) - 1, p)
        else
            local other = pick(k:contents(t))
            if other == nil or other == holder then return "edit-none" end
            k.sim:moveItem(other, holder.OwnInventory, nil, p)
        end
        return holder.Container == t and "edit" or "edit-deep"
    end
    moves.extract = function(p)
        local ids = { "steel", "copper", "toolbox", "divingsuit", "screwdriver" }
        local target = rnd() < 0.6 and p.Inventory or cabinet(2).OwnInventory
        k:api().extract("default", ids[rnd(#ids)], rnd(2), target, "spec")
        return "extract"
    end
    moves.restock = function(p)
        -- a player takes what the restocker stocked; it delivers again
        local b = box()
        local it = b and pick(b.OwnInventory.AllItemsMod)
        if it == nil then return "restock-none" end
        k.sim:moveItem(it, p.Inventory, nil, p)
        return "restock"
    end
    moves.configure = function(p)
        local r = restocker()
        if r == nil then return "configure-none" end
        k.sim:setText(p, r, "restocker.config", CONFIGS[rnd(#CONFIGS)])
        return "configure"
    end
    moves.carry = function(p)
        local devices = { live("databaseterminal")[1], live("databaseinterface")[1], box() }
        local d = pick(devices)
        if d == nil then return "carry-none" end
        if p.Inventory:FindIndex(d) >= 0 then
            k.sim:moveItem(d, cabinet(2).OwnInventory, nil, p)
        else
            k.sim:moveItem(d, p.Inventory, nil, p)
        end
        return "carry"
    end
    moves.hostile = function(p)
        local text = HOSTILE[rnd(#HOSTILE)]
        -- Into the restocker's field or a terminal's search, also after the first save step (from
        -- the patch on it): a carried terminal is stored with its player then, so the text must
        -- be clean where it enters (seed 1796604426 saved a control character that way).
        if rnd() < 0.5 then
            local r = restocker()
            if r == nil then return "hostile-none" end
            k.sim:setText(p, r, "restocker.config", text)
        else
            local t = pick(terminals())
            if t == nil then return "hostile-none" end
            k.sim:setText(p, t, "dbioterminal.search", text)
        end
        return "hostile"
    end
    moves.core = function()
        if coreRemoved then return "core-again" end
        local cores = live("databasecore")
        coreRemoved = true
        k.sim:removeNow(cores[1])
        if #cores > 1 then figures.adopted = figures.adopted + 1 return "core-adopt" end
        return "core-none"
    end
    moves.tick = function() k:tick(rnd(1, 20)) return "tick" end
    local KINDS = { "ingest", "open", "take", "deposit", "edit", "edit", "extract", "restock", "configure", "carry",
        "hostile", "core", "tick", "tick" }
    -- same update: everything but ticking
    local SAME = { "ingest", "take", "deposit", "edit", "extract", "restock", "carry", "hostile", "configure" }

    local function move(kinds)
        local p = player()
        if p == nil or p.IsDead then return end
        local what = moves[kinds[rnd(#kinds)]](p)
        count(figures.moves, what)
        log[#log + 1] = what
        return what
    end

    local rounds = rnd() < 0.4 and 2 or 1
    for round = 1, rounds do
        figures.rounds = figures.rounds + 1
        if rnd() < 0.7 then
            -- most rounds start with the player at the wall terminal, its page open
            local wall = live("databaseterminalfixed")[1]
            local p = player()
            if wall and p and k.sim:select(p, wall) then k:settle(wall) end
            check(expected, "page opened")
        end
        for _ = 1, MOVES do
            local what = move(KINDS)
            if what then check(expected, what) end
        end
        local paths = PATHS[mode]
        local path = paths[rnd(#paths)]
        -- The sim gives a client that joins a running round no saved inventory: a server restart
        -- goes back to the campaign's first save only (round 1: no player records in it yet).
        while path == "serverStop" and round > 1 do path = paths[rnd(#paths)] end
        count(figures.paths, mode .. ":" .. path)
        log[#log + 1] = "PATH:" .. path
        local before = units()
        for id, n in pairs(before) do
            if n ~= expected[id] then fail("before %s: %s is %d, expected %d", path, id, n, expected[id]) end
        end
        -- moves in the same update, right before the path
        for _ = 1, rnd(0, 3) do
            figures.sameUpdate = figures.sameUpdate + 1
            move(SAME)
        end
        local Hook = k.sim.env.Hook
        local step = FIRST_STEP[path]
        if step and rnd() < 0.6 then
            figures.patched = figures.patched + 1
            Hook.Patch("spec.sameupdate", step[1], step[2], function()
                Hook.RemovePatch("spec.sameupdate", step[1], step[2], Hook.HookMethodType.Before)
                figures.sameUpdate = figures.sameUpdate + 1
                move(SAME)
            end, Hook.HookMethodType.Before)
        end
        local printedBefore = #k.sim.printed
        local coreless = #live("databasecore") == 0
        if path == "mpTransition" then k.sim:mpTransition()
        elseif path == "mpSaveAndQuit" then k.sim:mpSaveAndQuit({ nextRound = true })
        elseif path == "mpEndWithoutSave" then k.sim:mpEndWithoutSave({ nextRound = true })
        elseif path == "mpCrewDead" then k.sim:mpCrewDead({ nextRound = true })
        elseif path == "serverStop" then
            k.sim:serverStop()
            k.sim:serverStart()
            k.clients = { k.sim:addClient({ name = "Alice" }) }
        elseif path == "spTransition" then k.sim:spTransition()
        elseif path == "spSaveAndQuit" then k.sim:spSaveAndQuit() k.sim:spLoadGame()
        elseif path == "spQuitWithoutSaving" then k.sim:spQuitWithoutSaving() k.sim:spLoadGame()
        elseif path == "spRetry" then k.sim:spRetry()
        elseif path == "reloadLua" then k.sim:reloadLua()
        end
        if k.sim.isServer then
            for i, c in ipairs(k.sim.clients) do k.clients[i] = c end
        end
        local function announced()
            local name
            for i = printedBefore + 1, #k.sim.printed do
                name = k.sim.printed[i]:match("dbio restore ([%w_%-%.]+%.dbio)") or name
            end
            if name == nil then fail("%s with no core: no backup to restore was announced", path) end
            figures.backedUp = figures.backedUp + 1
            return name
        end
        local restoreFrom
        if SAVED[path] then
            saved = before
            filedAtSave = copy(filed)
            -- a save with no core holds the database in a backup file, not in the save
            lastSaveBackup = coreless and announced() or nil
            restoreFrom = lastSaveBackup
        elseif CONTINUES[path] then
            -- Lua restarted: a database with no core went to a backup when Lua stopped
            if coreless then restoreFrom = announced() end
        else
            expected = saved
            filed = copy(filedAtSave)
            coreRemoved = false
            -- back to a save that had no core: its database is in that save's backup
            restoreFrom = lastSaveBackup
        end
        k:tick(2)
        if restoreFrom ~= nil then
            -- the host places a core and restores; the units are in that file until then
            dbGone = true
            k.sim:spawnNow("databasecore", {})
            k:tick(2)
            local out = table.concat(k:command("dbio restore " .. restoreFrom .. " default"), "\n")
            if not out:find("restored", 1, true) then fail("restore %s: %s", restoreFrom, out) end
            local setAside = out:match("backed up as (%S+%.dbio)")
            if setAside ~= nil then
                local f = assert(io.open(k.sim.saveFolder .. "/DatabaseIO/backups/" .. setAside, "rb"))
                local decoded = codec.decodeSnapshot(f:read("*a"))
                f:close()
                if not decoded.ok then fail("set-aside backup %s unreadable: %s", setAside, decoded.message) end
                local before = 0
                for _, id in ipairs(IDS) do before = before + filed[id] end
                addSnapshot(filed, decoded.value.snapshot)
                local after = 0
                for _, id in ipairs(IDS) do after = after + filed[id] end
                figures.setAside = figures.setAside + 1
                figures.setAsideUnits = figures.setAsideUnits + after - before
            end
            figures.restored = figures.restored + 1
            dbGone = false
            coreRemoved = false
            k:tick(2)
        end
        check(expected, "after " .. path)
    end
    -- at rest: nobody at a terminal, pages returned, verify clean
    local p = player()
    if p then k.sim:deselect(p) end
    k:tick(60 * 3)
    k:quiet()
    check(expected, "at rest")
    local clean, report = k:verifyClean()
    if not clean and #live("databasecore") > 1 then
        -- two cores of one database on the submarine are a conflict `dbio verify` reports (the
        -- second one stays inert): only that finding is allowed then
        clean = true
        for line in report:gmatch("[^\n]+") do
            if not line:find("anchor_conflict", 1, true) and not line:find("finding(s)", 1, true) then clean = false end
        end
    end
    if not clean then fail("verify: %s", report) end
    k:cleanup()
end

describe("lifecycle conservation (randomized)", function()
    it("keeps every unit exactly once over device moves, same-update moves, core removal, hostile text and every lifecycle path", function()
        local fixed = tonumber(os.getenv("DBIO_SEED") or "")
        local base = fixed or os.time()
        -- DBIO_SEQUENCES=<n> with DBIO_SEED runs n sequences from that seed (a whole run replays
        -- with the printed base and 200); DBIO_SCAN=1 runs them all and lists every failing seed
        local runs = tonumber(os.getenv("DBIO_SEQUENCES") or "") or (fixed and 1 or SEQUENCES)
        print(string.format("lifecycle conservation: seed %d (%d sequence(s); DBIO_SEED=<seed> replays one)", base, runs))
        if U.scan(base, runs, runOnce) then return end
        for i = 0, runs - 1 do runOnce(base + i) end
        local function list(t)
            local keys = {}
            for key in pairs(t) do keys[#keys + 1] = key end
            table.sort(keys)
            local out = {}
            for _, key in ipairs(keys) do out[#out + 1] = key .. "=" .. t[key] end
            return table.concat(out, " ")
        end
        print(string.format("lifecycle conservation: %d sequences (%d multiplayer, %d singleplayer), %d rounds, %d violations",
            figures.sequences, figures.server, figures.singleplayer, figures.rounds, figures.violations))
        print("lifecycle conservation: paths: " .. list(figures.paths))
        print("lifecycle conservation: moves: " .. list(figures.moves))
        print(string.format("lifecycle conservation: same-update moves %d (%d from a patch on the first save step); cores adopted %d, backed up %d, restored %d (%d restore(s) set %d unit(s) stored meanwhile aside in a named backup)",
            figures.sameUpdate, figures.patched, figures.adopted, figures.backedUp, figures.restored, figures.setAside, figures.setAsideUnits))
    end)
end)
