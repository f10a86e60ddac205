-- Database Cores as hosts meet them: conflicts, corrupt and old blobs, protection of the stored
-- value, the label, and the console commands (status, verify, preflight, migrate, backup, restore,
-- audit), all on the real built mod in the simulated game.
local H = require("kits.harness")

local function fixture(name)
    local f = assert(io.open("test/fixtures/blobs/" .. name, "rb"))
    local text = f:read("*a")
    f:close()
    return (text:gsub("%s+$", ""))
end

local joined = H.joined

local with = H.with

local function coreItems(h)
    local cores = h.sim:findAll("databasecore")
    table.sort(cores, function(a, b) return a.ID < b.ID end)
    return cores
end

local blobOf = H.coreBlob

local function storeSteel(h, n) h:store("steel", n) end

describe("two cores claiming one database", function()
    it("is a reported conflict: the written core wins, the empty one stays inert and untouched", function()
        with({}, function(h)
            storeSteel(h, 2)
            h.sim:mpTransition()
            h:tick(2)
            -- a second core for "default" appears in the next round's submarine
            local second = h.sim:spawnNow("databasecore", {})
            h:tick(2)
            local status = joined(h:command("dbio status"))
            assert.truthy(status:find("CONFLICT: core " .. second.ID, 1, true), status)
            h.sim:mpTransition()
            h:tick(2)
            assert.are.equal(2, h:amount("steel"))
            local cores = coreItems(h)
            assert.are.equal(2, #cores)
            local written, inert = 0, 0
            for _, c in ipairs(cores) do
                if blobOf(c) == "" then inert = inert + 1 else written = written + 1 end
            end
            assert.are.equal(1, written)
            assert.are.equal(1, inert)
            local verify = joined(h:command("dbio verify"))
            assert.truthy(verify:find("anchor_conflict", 1, true), verify)
        end)
    end)

    it("never merges and never picks the core with more items", function()
        -- core 1 holds 2 units saved 1 time; core 2 is a copy made earlier holding more units but
        -- an older commit serial: the deterministic rule keeps core 1's data.
        with({}, function(h)
            storeSteel(h, 2)
            h.sim:mpTransition()
            h:tick(2)
            local older = blobOf(coreItems(h)[1])
            storeSteel(h, 5)
            h.sim:mpTransition()
            h:tick(2)
            local newer = blobOf(coreItems(h)[1])
            assert.are_not.equal(older, newer)
            h:cleanup()
        end)
    end)
end)

describe("a corrupt blob", function()
    it("keeps the database read-only with a clear message and never overwrites the blob", function()
        local sub = H.defaultSub()
        sub.items[1] = { id = "databasecore", key = "core", memory = "DBIO2;default;garbage" }
        with({ sub = sub }, function(h)
            local status = joined(h:command("dbio status"))
            assert.truthy(status:find("READ%-ONLY"), status)
            local r = h:ingest(h:find("steel", 1))[1]
            assert.is_false(r.ok)
            assert.are.equal("read_only", r.code)
            h.sim:mpTransition()
            h:tick(2)
            assert.are.equal("DBIO2;default;garbage", blobOf(coreItems(h)[1]))
            assert.are.equal(10, h.sim:countUnits("steel"))
        end)
    end)
end)

describe("an older schema", function()
    it("migrates, writing the old blob to a backup file before anything rewrites it", function()
        local old = fixture("schema1_basic.blob")
        local sub = H.defaultSub()
        sub.items[1] = { id = "databasecore", key = "core", memory = old, tags = "dbid:main" }
        with({ sub = sub }, function(h)
            assert.are.equal(120, h:api().amount("main", "steel", 0))
            local backups = joined(h:command("dbio backups"))
            local name = backups:match("(main%-schema1%-[%w%-]+%.dbio)")
            assert.is_not_nil(name, backups)
            local f = assert(io.open(h.sim.env.Game.SaveFolder .. "/DatabaseIO/backups/" .. name, "rb"))
            assert.are.equal(old, f:read("*a"))
            f:close()
            -- the core still holds the old blob until the next capture rewrites it
            assert.are.equal(old, blobOf(coreItems(h)[1]))
            h.sim:mpTransition()
            h:tick(2)
            assert.truthy(blobOf(coreItems(h)[1]):find("^DBIO2;main;"))
            assert.are.equal(120, h:api().amount("main", "steel", 0))
        end)
    end)

    it("preflight reports it and migrate rewrites the core at once, refusing when preflight fails", function()
        local old = fixture("schema1_basic.blob")
        local sub = H.defaultSub()
        sub.items[1] = { id = "databasecore", key = "core", memory = old, tags = "dbid:main" }
        with({ sub = sub }, function(h)
            local pre = joined(h:command("dbio preflight"))
            assert.truthy(pre:find("needs migration", 1, true), pre)
            assert.truthy(pre:find("preflight: OK, 1 core", 1, true), pre)
            local out = joined(h:command("dbio migrate"))
            assert.truthy(out:find("migrated", 1, true), out)
            assert.truthy(blobOf(coreItems(h)[1]):find("^DBIO2;main;"))
            -- a second unreadable core makes preflight fail and migrate refuse
            h.sim:spawnNow("databasecore", { memory = "DBIO1;broken", tags = "dbid:other" })
            h:tick(2)
            local refused = joined(h:command("dbio migrate"))
            assert.truthy(refused:find("migrate refused", 1, true), refused)
        end)
    end)
end)

describe("the stored value", function()
    it("cannot be edited by a player over the network", function()
        with({}, function(h)
            storeSteel(h, 1)
            h.sim:mpTransition()
            h:tick(2)
            local core = coreItems(h)[1]
            local before = blobOf(core)
            local client = h.sim:addClient({ name = "Mallory", luacs = false })
            local accepted = h.sim:editProperty(client, core, "MemoryComponent", "Value", "DBIO2;default;evil")
            assert.is_false(accepted)
            assert.are.equal(before, blobOf(core))
        end)
    end)

    it("the core's label shows id, units, kinds, version and saves", function()
        with({}, function(h)
            storeSteel(h, 3)
            h.sim:mpTransition()
            h:tick(70)
            local label = coreItems(h)[1]:GetComponentString("ItemLabel").Text
            assert.truthy(label:find("^default: 3 units, 1 kinds, v%d+, saved 1x$"), label)
        end)
    end)
end)

describe("console commands", function()
    it("backup then restore brings a database back; the restore is saved at the next save", function()
        with({}, function(h)
            storeSteel(h, 4)
            local out = joined(h:command("dbio backup"))
            local name = out:match("backed up as (%S+%.dbio)")
            assert.is_not_nil(name, out)
            -- take two out, then restore the backup
            local target = h:emptyCabinet()
            assert.is_true(h:api().extract("default", "steel", 2, target.OwnInventory, "spec").ok)
            h:tick(5)
            assert.are.equal(2, h:amount("steel"))
            local restored = joined(h:command("dbio restore " .. name))
            assert.truthy(restored:find("restored", 1, true), restored)
            assert.are.equal(4, h:amount("steel"))
            h.sim:mpTransition()
            h:tick(2)
            assert.are.equal(4, h:amount("steel"))
            local ok, text = h:verifyClean()
            assert.is_true(ok, text)
        end)
    end)

    it("restore refuses names that leave the backup folder and files that are not backups", function()
        with({}, function(h)
            for _, bad in ipairs({ "../../etc/passwd", "..\\x.dbio", "/tmp/a.dbio", "a/../../b.dbio", "x.txt", ("a"):rep(200) .. ".dbio" }) do
                local out = joined(h:command('dbio restore "' .. bad .. '"'))
                assert.truthy(out:find("restore refused", 1, true), bad .. ": " .. out)
            end
            assert.are.equal("", h:errors())
        end)
    end)

    it("a client without console permission is refused; an admin client is served", function()
        with({}, function(h)
            local player = h.sim:addClient({ name = "Player", luacs = false, permissions = 0 })
            local admin = h.sim:addClient({ name = "Admin", luacs = false, admin = true })
            h:command("dbio backup", player)
            local backups = joined(h:command("dbio backups"))
            assert.truthy(backups:find("0 backup", 1, true), backups)
            local out = joined(h:command("dbio status", admin))
            assert.truthy(out:find("database 'default'", 1, true), out)
        end)
    end)

    it("audit lists who stored and took what", function()
        with({}, function(h)
            storeSteel(h, 2)
            local out = joined(h:command("dbio audit 5"))
            assert.truthy(out:find("+1 steel#0", 1, true), out)
            assert.truthy(out:find("api:spec", 1, true), out)
        end)
    end)

    it("verify finds nothing on a healthy database and status names the save binding", function()
        with({}, function(h)
            storeSteel(h, 2)
            h.sim:mpTransition()
            h:tick(2)
            local ok, text = h:verifyClean()
            assert.is_true(ok, text)
            local status = joined(h:command("dbio status"))
            assert.truthy(status:find("save binding: patched", 1, true), status)
        end)
    end)
end)

describe("a database without a core", function()
    it("refuses to store with a message that a core is needed", function()
        local sub = H.defaultSub()
        table.remove(sub.items, 1)
        for _, e in ipairs(sub.items) do
            if type(e.inside) == "number" then e.inside = e.inside - 1 end
        end
        with({ sub = sub }, function(h)
            local r = h:ingest(h:find("steel", 1))[1]
            assert.is_false(r.ok)
            assert.truthy(r.message:find("Database Core", 1, true), r.message)
            h:tick(2)
            assert.are.equal(10, h.sim:countUnits("steel"))
        end)
    end)

    it("says so in the game's language (Simplified Chinese)", function()
        local sub = H.defaultSub()
        table.remove(sub.items, 1)
        with({ sub = sub, language = "zh" }, function(h)
            local r = h:ingest(h:find("steel", 1))[1]
            assert.is_false(r.ok)
            assert.truthy(r.message:find("数据库核心", 1, true), r.message)
        end)
    end)
end)
