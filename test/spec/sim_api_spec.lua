-- The LuaCs API surface of the simulated runtime: mod loading, File, Networking, console
-- commands, players and devices, prefabs and strict game objects.
local K = require("sim.testkit")

describe("simulated mod loading", function()
    local sim
    before_each(function() sim = K.new() end)
    after_each(function() sim:cleanup() end)

    it("runs Autorun files (and one folder deep) with the mod folder as ..., in the mod's own environment", function()
        local FakeMod = sim.env.FakeMod
        assert.are.equal(K.FAKEMOD, FakeMod.path)
        assert.is_true(FakeMod.subLoaded)
        assert.are.equal(K.FAKEMOD, FakeMod.subPath)
        assert.is_nil(FakeMod.deepLoaded)
        assert.are.equal(42, FakeMod.helper.answer)
        assert.are.equal(42, FakeMod.required.answer)
        assert.are.same({ "loaded" }, FakeMod.log)
        assert.is_nil(rawget(_G, "FakeMod"))
        assert.are.equal(sim.env, sim.env._G)
    end)

    it("captures print into sim.printed", function()
        sim.env.print("hello", 3)
        assert.are.equal("hello\t3", sim.printed[#sim.printed])
    end)

    it("logs an Autorun error and keeps going", function()
        local dir = sim.saveFolder .. "/brokenmod"
        assert(os.execute("mkdir -p " .. dir .. "/Lua/Autorun"))
        local f = assert(io.open(dir .. "/Lua/Autorun/a.lua", "w"))
        f:write("error('autorun failed')")
        f:close()
        sim:loadMod(dir)
        assert.are.equal(1, #sim.errors)
        assert.matches("autorun failed", sim.errors[1])
    end)
end)

describe("simulated File", function()
    local sim, File
    before_each(function()
        sim = K.new()
        File = sim.env.File
    end)
    after_each(function() sim:cleanup() end)

    it("reads and writes under the save folder", function()
        local dir = sim.env.Game.SaveFolder .. "/DatabaseIO"
        assert.is_false(File.DirectoryExists(dir))
        assert.is_true(File.CreateDirectory(dir))
        File.Write(dir .. "/a.txt", "one")
        File.Write(dir .. "/b.txt", "two")
        assert.is_true(File.Exists(dir .. "/a.txt"))
        assert.are.equal("two", File.Read(dir .. "/b.txt"))
        assert.are.same({ dir .. "/a.txt", dir .. "/b.txt" }, File.GetFiles(dir))
        File.Delete(dir .. "/a.txt")
        assert.is_false(File.Exists(dir .. "/a.txt"))
        assert.has_error(function() File.Write(dir .. "/missing/c.txt", "x") end)
        assert.has_error(function() File.Read(dir .. "/nothing.txt") end)
    end)

    it("reads the mod folder but does not write it", function()
        local path = K.FAKEMOD .. "/Lua/fakemod/helper.lua"
        assert.is_true(File.Exists(path))
        assert.matches("answer", File.Read(path))
        local ok, e = pcall(File.Write, K.FAKEMOD .. "/Lua/x.lua", "x")
        assert.is_false(ok)
        assert.matches("File access to .* not allowed", e)
    end)

    it("throws for any path outside, even File.Exists, also through ..", function()
        for _, path in ipairs({ "/etc/passwd", sim.saveFolder .. "/../outside.txt", "relative.txt" }) do
            for _, fn in ipairs({ File.Exists, File.Read, File.DirectoryExists, File.GetFiles }) do
                local ok, e = pcall(fn, path)
                assert.is_false(ok)
                assert.are.equal("string", type(e))
                assert.matches("File access to " .. path:gsub("%p", "%%%0") .. " not allowed", e)
            end
            assert.has_error(function() File.Write(path, "x") end)
        end
    end)
end)

describe("simulated Networking", function()
    local sim, env
    before_each(function()
        sim = K.new()
        sim:startCampaign({ items = {} })
        env = sim.env
    end)
    after_each(function() sim:cleanup() end)

    local function broadcast(name, n)
        local msg = env.Networking.Start(name)
        msg.WriteUInt16(n)
        env.Networking.Send(msg)
    end

    it("drops messages to clients without client-side LuaCs", function()
        local vanilla = sim:addClient({ name = "Vanilla", luacs = false })
        local modded = sim:addClient({ name = "Modded", luacs = true })
        broadcast("x.hello", 5)
        local direct = env.Networking.Start("x.direct")
        direct.WriteString("only you")
        env.Networking.Send(direct, vanilla.Connection)
        assert.are.same({}, vanilla.inbox)
        assert.are.equal(1, #modded.inbox)
        assert.are.equal("x.hello", modded.inbox[1].name)
        assert.are.equal(5, modded.inbox[1].reader().ReadUInt16())
    end)

    it("sends to one connection or to everyone", function()
        local a = sim:addClient({ name = "A", luacs = true })
        local b = sim:addClient({ name = "B", luacs = true })
        local msg = env.Networking.Start("x.one")
        msg.WriteBoolean(true)
        env.Networking.Send(msg, b.Connection)
        assert.are.equal(0, #a.inbox)
        assert.are.equal(1, #b.inbox)
        assert.are.same({ "Boolean" }, b.inbox[1].types)
        broadcast("x.all", 1)
        assert.are.equal(1, #a.inbox)
        assert.are.equal(2, #b.inbox)
        assert.are.equal(3, sim.netStats.toClients.messages)
    end)

    it("delivers client messages to the server's receiver with the client", function()
        local c = sim:addClient({ name = "Pinger", luacs = true })
        local handled = sim:clientSend(c, "fakemod.ping", function(w) w.WriteUInt16(41) end)
        assert.is_true(handled)
        local reply = c.inbox[1]
        assert.are.equal("fakemod.pong", reply.name)
        local r = reply.reader()
        assert.are.equal(42, r.ReadUInt16())
        assert.are.equal("Pinger", r.ReadString())
        assert.is_false(sim:clientSend(c, "nobody.listens"))
    end)

    it("errors like a real message on a mismatched or too long read (logged from the receiver)", function()
        local c = sim:addClient({ name = "Bad", luacs = true })
        sim:clientSend(c, "fakemod.ping", function(w) w.WriteString("not a number") end)
        sim:clientSend(c, "fakemod.ping", function() end)
        assert.are.equal(2, #sim.errors)
        assert.matches("NetMessageReceive%(fakemod.ping%)", sim.errors[1])
        assert.matches("UInt16", sim.errors[1])
        assert.matches("past the buffer", sim.errors[2])
    end)

    it("rejects values a message type cannot hold", function()
        local msg = env.Networking.Start("x")
        assert.has_error(function() msg.WriteByte(256) end)
        assert.has_error(function() msg.WriteUInt16(1.5) end)
        assert.has_error(function() msg.WriteString(12) end)
        assert.has_error(function() msg.WriteBoolean(1) end)
        msg.WriteVariableUInt32(300)
        msg.WriteString("abc")
        assert.are.equal(2 + 1 + 3, msg.LengthBytes)
    end)

    it("fires client.connected for everyone and client.packages only for LuaCs clients", function()
        local connected, packages = {}, {}
        env.Hook.Add("client.connected", "spec", function(c) connected[#connected + 1] = c.Name end)
        env.Hook.Add("client.packages", "spec", function(c, list) packages[#packages + 1] = c.Name .. ":" .. #list end)
        local left
        env.Hook.Add("client.disconnected", "spec", function(c) left = c.Name end)
        local v = sim:addClient({ name = "V" })
        sim:addClient({ name = "L", luacs = true })
        assert.are.same({ "V", "L" }, connected)
        assert.are.same({ "L:1" }, packages)
        local ch = v.Character
        sim:disconnect(v)
        assert.are.equal("V", left)
        assert.are.equal(1, #env.Client.ClientList)
        assert.is_false(ch.Removed)
    end)

    -- GameServer.DisconnectClient (ServerSource/Networking/GameServer.cs) calls the hook before
    -- connectedClients.Remove(client), and Client.ClientList is GameMain.Server.ConnectedClients
    -- (SharedSource/LuaCs/Lua/LuaBarotraumaAdditions.cs).
    it("client.disconnected fires while the client is still in Client.ClientList", function()
        local a = sim:addClient({ name = "A" })
        sim:addClient({ name = "B" })
        local seen
        env.Hook.Add("client.disconnected", "spec", function(c)
            seen = {}
            for _, x in ipairs(env.Client.ClientList) do seen[#seen + 1] = x.Name end
        end)
        sim:disconnect(a)
        assert.are.same({ "A", "B" }, seen)
        assert.are.equal(1, #env.Client.ClientList)
    end)

    it("runs the mod in a client Lua state that receives server messages on the next tick", function()
        local c = sim:addClient({ name = "Lua", luacs = true, lua = true })
        local cenv = sim:clientEnv(c)
        assert.is_true(cenv.CLIENT)
        assert.is_false(cenv.SERVER)
        assert.is_true(cenv.Game.IsMultiplayer)
        sim:clientSend(c, "fakemod.ping", function(w) w.WriteUInt16(9) end)
        assert.are.equal(0, cenv.FakeMod.pongs)
        sim:tick()
        assert.are.equal(10, cenv.FakeMod.pongs)
        -- a client cannot spawn
        cenv.Entity.Spawner.AddItemToSpawnQueue(cenv.ItemPrefab.GetItemPrefab("steel"), c.Character.WorldPosition)
        sim:tick()
        assert.are.equal(0, sim:countUnits("steel"))
        -- a message sent by the client's Lua arrives at the server on the next tick
        local got
        env.Networking.Receive("x.up", function(msg, from) got = from.Name .. ":" .. msg.ReadString() end)
        local up = cenv.Networking.Start("x.up")
        up.WriteString("hi")
        cenv.Networking.Send(up)
        assert.is_nil(got)
        sim:tick()
        assert.are.equal("Lua:hi", got)
    end)
end)

describe("simulated console commands", function()
    local sim
    before_each(function()
        sim = K.new()
        sim:startCampaign({ items = {} })
    end)
    after_each(function() sim:cleanup() end)

    it("runs a command from the server console with its arguments", function()
        assert.is_true(sim:runCommand('fakemod_status one "two words"'))
        assert.are.equal("fakemod status: 2 args, first=one", sim.printed[#sim.printed])
        assert.is_false(sim:runCommand("no_such_command"))
    end)

    it("checks a client's permission and uses the client-request handler", function()
        local got
        sim.env.Game.AssignOnClientRequestExecute("fakemod_status", function(client, cursor, args)
            got = client.Name .. ":" .. args[1] .. ":" .. type(cursor.X)
        end)
        local player = sim:addClient({ name = "Player" })
        local admin = sim:addClient({ name = "Admin", admin = true })
        local mod = sim:addClient({ name = "Mod", permissions = sim.env.ClientPermissions.ConsoleCommands })
        assert.is_false(sim:runCommand("fakemod_status x", player))
        assert.is_nil(got)
        assert.is_true(sim:runCommand("fakemod_status x", admin))
        assert.are.equal("Admin:x:number", got)
        assert.is_true(sim:runCommand("fakemod_status y", mod))
        assert.are.equal("Mod:y:number", got)
        assert.is_true(admin:HasPermission(sim.env.ClientPermissions.ConsoleCommands))
        assert.is_false(player.HasPermission(sim.env.ClientPermissions.ConsoleCommands))
    end)

    it("drops the commands of a stopped Lua state", function()
        sim.env.Game.AddCommand("spec_cmd", "", function() end)
        assert.is_true(sim:runCommand("spec_cmd"))
        sim:reloadLua()
        assert.is_false(sim:runCommand("spec_cmd"))
        assert.is_true(sim:runCommand("fakemod_status"))
    end)
end)

describe("simulated players and devices", function()
    local sim, env, term
    before_each(function()
        sim = K.new()
        sim:startCampaign({ items = { { id = "simterminal" } } })
        env = sim.env
        term = sim:find("simterminal")
    end)
    after_each(function() sim:cleanup() end)

    it("presses a CustomInterface button: its LuaHook names fire with the game's arguments", function()
        local calls = {}
        env.Hook.Add("sim.next", "spec", function(effect, dt, item, targets, pos, element)
            calls[#calls + 1] = { "next", tostring(effect), dt, item, targets[1], pos.X, element:GetAttributeString("step", "none") }
        end)
        env.Hook.Add("sim.again", "spec", function(_, _, _, _, _, element)
            calls[#calls + 1] = { "again", element:GetAttributeString("step", "none"), element:GetAttributeInt("step", 0) }
        end)
        local player = sim:addClient({ name = "P" })
        assert.is_true(sim:pressButton(player.Character, term, "next"))
        assert.are.same({ "next", "Barotrauma.StatusEffect", 1.0, term, term, term.WorldPosition.X, "none" }, calls[1])
        assert.are.same({ "again", "2", 2 }, calls[2])
        env.Hook.Add("statusEffect.apply.simterminal", "spec", function() return true end)
        assert.is_false(sim:pressButton(player.Character, term, 1))
        assert.are.equal(2, #calls)
    end)

    it("sets a text field's Signal, cut to its maximum length", function()
        sim:setText(nil, term, "search", "a very long query")
        local ci = term:GetComponentString("CustomInterface")
        assert.are.equal("a very l", ci.customInterfaceElementList[2].Signal)
        assert.are.equal("next,search", ci.Labels)
    end)

    it("selects items without an item.interact event, and tracks power", function()
        local p = sim:addClient({ name = "P" }).Character
        local interacts = 0
        env.Hook.Add("item.interact", "spec", function() interacts = interacts + 1 return true end)
        assert.is_true(sim:select(p, term))
        assert.are.equal(term, p.SelectedItem)
        assert.is_nil(p.SelectedSecondaryItem)
        sim:deselect(p)
        assert.is_nil(p.SelectedItem)
        assert.is_true(sim:select(p, term, true))
        assert.are.equal(term, p.SelectedSecondaryItem)
        assert.is_nil(p.SelectedItem)
        sim:deselect(p)
        assert.is_nil(p.SelectedSecondaryItem)
        assert.are.equal(0, interacts)
        local powered = term:GetComponentString("Powered")
        assert.is_true(powered.HasPower)
        sim:setVoltage(term, 0.2)
        assert.is_false(powered.HasPower)
        assert.are.equal(0.5, powered.MinVoltage)
    end)

    it("applies a client's property edit unless item.readPropertyChange refuses it", function()
        local p = sim:addClient({ name = "P" })
        local mem = term:GetComponentString("MemoryComponent")
        assert.is_true(sim:editProperty(p, term, "MemoryComponent", "Value", "edited"))
        assert.are.equal("edited", mem.Value)
        local seen
        env.Hook.Add("item.readPropertyChange", "spec", function(item, property, target, allow, client)
            seen = { item, property.Name, target, allow, client }
            return true
        end)
        assert.is_false(sim:editProperty(p, term, "MemoryComponent", "Value", "again"))
        assert.are.equal("edited", mem.Value)
        assert.are.same({ term, "Value", mem, true, p }, seen)
    end)

    it("drops an item from an inventory onto the floor unless item.drop refuses", function()
        local p = sim:addClient({ name = "P" }).Character
        local bar = sim:spawnNow("crowbar", { inventory = p.Inventory })
        env.Hook.Add("item.drop", "spec", function(item) return item.Prefab.Identifier.Value == "wrench" end)
        assert.is_true(sim:dropItem(bar, p))
        assert.is_nil(bar.ParentInventory)
        local wrench = sim:spawnNow("wrench", { inventory = p.Inventory })
        assert.is_false(sim:dropItem(wrench, p))
        assert.are.equal(p.Inventory, wrench.ParentInventory)
    end)
end)

describe("simulated game objects", function()
    local sim, env
    before_each(function()
        sim = K.new({ language = "zh" })
        sim:startCampaign({ items = {} })
        env = sim.env
    end)
    after_each(function() sim:cleanup() end)

    it("sets the globals of a dedicated server", function()
        assert.is_true(env.SERVER)
        assert.is_false(env.CLIENT)
        assert.is_true(env.Game.IsMultiplayer)
        assert.is_false(env.Game.IsSingleplayer)
        assert.is_true(env.Game.IsDedicated)
        assert.are.equal(sim.saveFolder, env.Game.SaveFolder)
        assert.is_not_nil(env.Game.GameSession)
        assert.are.equal("Sim Submarine", env.Submarine.MainSub.Info.Name)
        assert.are.equal(128, env.ClientPermissions.ConsoleCommands)
    end)

    it("errors on members the game type does not have, and on read-only members", function()
        local steel = sim:spawnNow("steel")
        local ok, e = pcall(function() return steel.NoSuchMember end)
        assert.is_false(ok)
        assert.matches("cannot access field NoSuchMember of userdata<Barotrauma.Item>", e)
        assert.has_error(function() steel.ID = 5 end)
        assert.has_error(function() env.Game.NoSuchThing = 1 end)
        assert.has_error(function() return env.Game.NoSuchThing end)
    end)

    it("finds prefabs case-insensitively and localizes names", function()
        local p = env.ItemPrefab.GetItemPrefab("STEEL")
        assert.are.equal("steel", p.Identifier.Value)
        assert.are.equal("钢锭", p.Name.Value)
        assert.are.equal(12, p.MaxStackSize)
        assert.are.equal(100, p.Health)
        assert.are.equal(1024, p.Category)
        local tags = {}
        for t in p.Tags do tags[#tags + 1] = t.Value end
        assert.are.same({ "smallitem", "mineral", "refined" }, tags)
        assert.is_nil(env.ItemPrefab.GetItemPrefab("nope"))
        assert.are.equal(p, env.ItemPrefab.GetItemPrefab("钢锭"))
        assert.is_true(p.Identifier == env.ItemPrefab.GetItemPrefab("steel").Identifier)
        sim.language = "en"
        assert.are.equal("Steel Bar", sim:spawnNow("steel").Name)
    end)

    it("gives a fresh item list on every access", function()
        sim:spawnNow("steel")
        local a, b = env.Item.ItemList, env.Item.ItemList
        assert.are_not.equal(a, b)
        assert.are.same(a, b)
        table.remove(a)
        assert.are.equal(1, #env.Item.ItemList)
    end)

    it("keeps item properties like the game", function()
        local steel = sim:spawnNow("steel")
        steel.Quality = 3
        assert.are.equal(0, steel.Quality)
        local wrench = sim:spawnNow("wrench")
        wrench.Quality = 9
        assert.are.equal(3, wrench.Quality)
        steel.Condition = 250
        assert.are.equal(100, steel.Condition)
        assert.is_true(steel.IsFullCondition)
        steel.Condition = 25
        assert.are.equal(25, steel.ConditionPercentage)
        steel:AddTag("Lease:7")
        assert.is_true(steel:HasTag("lease:7"))
        steel:ReplaceTag("lease:7", "done")
        assert.is_false(steel.HasTag("lease:7"))
        assert.are.equal("smallitem,mineral,refined,done", steel.Tags)
        steel.Tags = "a, b,,a"
        assert.are.equal("a,b", steel.Tags)
        assert.is_true(steel:HasTag("mineral"))
    end)
end)
