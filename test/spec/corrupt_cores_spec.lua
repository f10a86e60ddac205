-- Corrupt Database Core blobs on the real mod in the simulated server: at least 2,000 random
-- truncations, character flips, insertions, deletions and swaps of a saved blob, each loaded
-- through a real rebuild (a round start after a save, a round start from a changed capture, or
-- reloadlua). Every one must be detected (the database goes read-only and shows nothing) or
-- read back as exactly the saved data; none may raise, none may be overwritten by a later save,
-- and backup files already in the backup folder stay byte-identical.
-- Randomized: the seed is printed; DBIO_SEED=<seed> replays a run.
local H = require("kits.harness")
local F = require("kits.fuzz")

local CORRUPTIONS = 2000
local PRINTABLE = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"

local function coreItem(h)
    return h.sim:find("databasecore")
end

local function memoryOf(item)
    return item:GetComponentString("MemoryComponent")
end

-- What a save file can carry in an XML attribute: printable text, non-ASCII included (control
-- characters cannot be in a loaded save).
local function randomChar(r)
    if r(16) == 1 then return F.pick(r, { "数", "é", "\\u0000", "\\" }) end
    local i = r(#PRINTABLE)
    return PRINTABLE:sub(i, i)
end

--- One corrupted copy of `blob` (never empty: an empty core is a new database by design).
local function corrupt(r, blob)
    local out = blob
    local how = {}
    for _ = 1, (r(4) == 1 and r(2, 4) or 1) do
        local kind = r(5)
        local n = #out
        if kind == 1 and n > 1 then
            local keep = r(1, n - 1)
            out = out:sub(1, keep)
            how[#how + 1] = "truncate"
        elseif kind == 2 then
            local p = r(n)
            local c = randomChar(r)
            while c == out:sub(p, p) do c = randomChar(r) end
            out = out:sub(1, p - 1) .. c .. out:sub(p + 1)
            how[#how + 1] = "flip"
        elseif kind == 3 then
            local p = r(n + 1)
            local ins = {}
            for i = 1, r(1, 6) do ins[i] = randomChar(r) end
            out = out:sub(1, p - 1) .. table.concat(ins) .. out:sub(p)
            how[#how + 1] = "insert"
        elseif kind == 4 and n > 1 then
            local p = r(n)
            local len = r(1, math.min(8, n - 1))
            out = out:sub(1, p - 1) .. out:sub(p + len)
            how[#how + 1] = "delete"
        else
            local p = r(math.max(1, n - 1))
            local a, b = out:sub(p, p), out:sub(p + 1, p + 1)
            if a ~= b and b ~= "" then
                out = out:sub(1, p - 1) .. b .. a .. out:sub(p + 2)
                how[#how + 1] = "swap"
            else
                out = out .. randomChar(r)
                how[#how + 1] = "append"
            end
        end
    end
    if out == "" then out = blob:sub(1, 1) end
    return out, table.concat(how, "+")
end

local function backupFiles(h)
    local folder = h.sim.env.Game.SaveFolder .. "/DatabaseIO/backups"
    local files = {}
    local p = io.popen('ls -1 "' .. folder .. '" 2>/dev/null')
    for name in p:lines() do
        local f = io.open(folder .. "/" .. name, "rb")
        files[name] = f:read("*a")
        f:close()
    end
    p:close()
    return files
end

local function capturedCoreRecord(capture)
    for _, rec in ipairs(capture.items) do
        if rec.identifier == "databasecore" then return rec end
    end
    error("no core in the capture")
end

local function savedCoreBlob(h)
    for _, rec in ipairs(h.sim:savedRecords()) do
        if rec.identifier == "databasecore" then return rec.memory[1] end
    end
    return nil
end

describe("corrupt Database Core blobs", function()
    it("are all detected or read back exactly, never raise and are never overwritten", function()
        local seed = F.seed("corrupt_cores")
        local r = F.rng(seed)
        local h = H.new({ mode = "server" })
        local api = h:api()
        -- A database with aggregated, damaged and nested entries, saved once.
        local items = {}
        for _, id in ipairs({ "steel", "copper", "wrench", "toolbox" }) do
            for _, item in ipairs(h:find(id)) do
                if item.ParentInventory ~= nil and item.ParentInventory.Owner.Prefab.Identifier.Value == "storagecabinet" then
                    items[#items + 1] = item
                end
            end
        end
        local extra = {
            { "plastic", 7 }, { "fpgacircuit", 3 }, { "oxygentank", 2, 55 }, { "weldingfueltank", 1, 12.5 },
            { "divingsuit", 1 }, { "smground", 12 }, { "antibleeding1", 4 }, { "fuelrod", 2, 80 },
            { "wrench", 2, nil, 2 }, { "screwdriver", 3, 99 }, { "battery", 5 }, { "idcard", 1 },
        }
        for _, e in ipairs(extra) do
            for _ = 1, e[2] do
                items[#items + 1] = h.sim:spawnNow(e[1], { condition = e[3], quality = e[4] })
            end
        end
        items[#items + 1] = h.sim:spawnNow("smg", { contents = { { id = "smgmagazine", contents = { { id = "smground", count = 9 } } } } })
        for _, result in ipairs(h:ingest(items)) do assert.is_true(result.ok, result.message) end
        h:tick(3)
        h.sim:mpTransition()
        h:tick(2)
        local original = memoryOf(coreItem(h)).Value
        local savedDump = F.dumpDatabases(api)
        assert.is_true(#original > 40)
        assert.is_truthy(savedDump:find("exact", 1, true), "the saved database has exact entries")
        h:command("dbio backup")
        local backupsBefore = backupFiles(h)
        assert.is_true(next(backupsBefore) ~= nil, "a backup file exists to watch")
        local worldUnits = {}
        for _, id in ipairs({ "steel", "copper", "wrench", "toolbox", "screwdriver", "crowbar" }) do worldUnits[id] = h.sim:countUnits(id) end

        local figures = { tried = 0, readOnly = 0, same = 0, wrong = 0, crashed = 0, overwritten = 0,
                          viaCapture = 0, viaSave = 0, viaReload = 0, kinds = {} }
        local readOnly = false

        local function rebuildWith(blob)
            local before = #h.sim.printed
            local errorsBefore = #h.sim.errors
            if not readOnly then
                -- A healthy database would be written into the core at the next save: the
                -- corrupted blob goes into the capture the next round loads instead.
                h.sim:mpEndWithoutSave()
                capturedCoreRecord(h.sim:lastCapture()).memory = { blob }
                h.sim:startRound()
                figures.viaCapture = figures.viaCapture + 1
            elseif r(40) == 1 then
                -- reloadlua: a read-only database is not flushed into its core when Lua stops.
                memoryOf(coreItem(h)).Value = blob
                h.sim:reloadLua()
                api = h:api()
                figures.viaReload = figures.viaReload + 1
            else
                -- Into the live core, then a save and the next round: the save must keep it.
                memoryOf(coreItem(h)).Value = blob
                h.sim:mpTransition()
                figures.viaSave = figures.viaSave + 1
                if savedCoreBlob(h) ~= blob then figures.overwritten = figures.overwritten + 1 end
            end
            h:tick(1)
            local said = {}
            for i = before + 1, #h.sim.printed do said[#said + 1] = h.sim.printed[i] end
            return table.concat(said, "\n"), #h.sim.errors - errorsBefore
        end

        for i = 1, CORRUPTIONS do
            local blob, how = corrupt(r, original)
            figures.tried = figures.tried + 1
            for part in how:gmatch("[^+]+") do figures.kinds[part] = (figures.kinds[part] or 0) + 1 end
            local said, raised = rebuildWith(blob)
            if raised > 0 then figures.crashed = figures.crashed + 1 end
            local dump = F.dumpDatabases(api)
            local core = coreItem(h)
            if memoryOf(core).Value ~= blob then figures.overwritten = figures.overwritten + 1 end
            if said:find("READ-ONLY", 1, true) and dump == "database default" then
                figures.readOnly = figures.readOnly + 1
                readOnly = true
            elseif dump == savedDump then
                figures.same = figures.same + 1
                readOnly = false
            else
                figures.wrong = figures.wrong + 1
                readOnly = false
                print(string.format("[corrupt_cores] #%d (%s) loaded different data:\n%s\nblob: %s", i, how, dump, blob:sub(1, 300)))
            end
        end

        -- The world was never touched by any of this.
        for id, n in pairs(worldUnits) do assert.are.equal(n, h.sim:countUnits(id), id) end
        local backupsAfter = backupFiles(h)
        local changedBackups, newBackups = 0, 0
        for name, text in pairs(backupsBefore) do
            if backupsAfter[name] ~= text then changedBackups = changedBackups + 1 end
        end
        for name in pairs(backupsAfter) do
            if backupsBefore[name] == nil then newBackups = newBackups + 1 end
        end

        local kinds = {}
        for k, n in pairs(figures.kinds) do kinds[#kinds + 1] = string.format("%s=%d", k, n) end
        table.sort(kinds)
        print(string.format("[corrupt_cores] blob of %d characters; corruptions tried %d (%s)", #original, figures.tried, table.concat(kinds, ", ")))
        print(string.format("[corrupt_cores] loaded by: round start from a changed capture %d, save then round start %d, reloadlua %d",
            figures.viaCapture, figures.viaSave, figures.viaReload))
        print(string.format("[corrupt_cores] detected (read-only) %d, read back exactly %d, loaded different data %d, Lua errors %d, blobs overwritten %d, backups changed %d (new %d)",
            figures.readOnly, figures.same, figures.wrong, figures.crashed, figures.overwritten, changedBackups, newBackups))

        assert.are.same({}, h.sim.errors)
        assert.are.equal(0, figures.wrong)
        assert.are.equal(0, figures.crashed)
        assert.are.equal(0, figures.overwritten)
        assert.are.equal(0, changedBackups)
        assert.are.equal(CORRUPTIONS, figures.readOnly + figures.same)
        assert.is_true(figures.readOnly >= CORRUPTIONS * 0.9, "almost every corruption is detected")
        h:cleanup()
    end)
end)
