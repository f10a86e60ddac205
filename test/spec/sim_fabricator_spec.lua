-- The simulated Fabricator (sim/fabricator.lua): recipes, StartFabricating moving ingredients like
-- the game, the update that consumes them and spawns the product, and the patch point.
local K = require("sim.testkit")

describe("simulated Fabricator", function()
    local sim, env, fabItem, player
    before_each(function()
        sim = K.new({ noMod = true })
        sim:startCampaign({ items = { { id = "fabricator", key = "fab" }, { id = "medicalfabricator" } } })
        env = sim.env
        fabItem = sim:find("fabricator")
        player = sim.world:createCharacter("Tester")
        sim:select(player, fabItem)
    end)
    after_each(function() sim:cleanup() end)

    local function give(id, n, opts)
        for _ = 1, n do
            local o = { inventory = player.Inventory }
            for k, v in pairs(opts or {}) do o[k] = v end
            sim:spawnNow(id, o)
        end
    end

    it("lists recipes with identifier and tag ingredients, fractions and a hash", function()
        local fab, recipe = sim:fabricator(fabItem, "fpgacircuit")
        assert.are.equal("Barotrauma.Items.Components.Fabricator", tostring(fab))
        assert.are.equal("fpgacircuit", recipe.TargetItem.Identifier.Value)
        local req = recipe.RequiredItems
        assert.are.equal(2, #req)
        assert.are.equal("mineral", req[1].Tag.Value)
        local ids = {}
        for p in req[1].ItemPrefabs do ids[#ids + 1] = p.Identifier.Value end
        table.sort(ids)
        assert.are.same({ "copper", "steel" }, ids)
        assert.are.equal("plastic", req[2].ItemPrefabIdentifier.Value)
        local _, crowbar = sim:fabricator(fabItem, "crowbar")
        local tank = crowbar.RequiredItems[2]
        assert.are.equal(0.5, tank.MinCondition)
        assert.is_true(tank.IsConditionSuitable(50))
        assert.is_false(tank.IsConditionSuitable(30))
        assert.is_true(recipe.RecipeHash > 0)
        assert.are_not.equal(recipe.RecipeHash, crowbar.RecipeHash)
        -- ItemPrefab.FabricationRecipes of the target, keyed by hash, names the fabricator.
        local byHash = env.ItemPrefab.GetItemPrefab("fpgacircuit").FabricationRecipes
        assert.are.equal(recipe, byHash[recipe.RecipeHash])
        assert.are.equal("fabricator", recipe.SuitableFabricatorIdentifiers[1].Value)
    end)

    it("moves the user's ingredients into the input, consumes them after RequiredTime, makes the product", function()
        give("steel", 1)
        give("plastic", 1)
        assert.is_true(sim:startFabricating(player, fabItem, "screwdriver", 1))
        local fab = fabItem:GetComponentString("Fabricator")
        local input = fab.InputContainer.Inventory
        assert.are.equal(2, #input.AllItemsMod)
        sim:tick(60)
        assert.are.equal(0, sim:countUnits("screwdriver"))
        sim:tick(62)
        assert.are.equal(0, sim:countUnits("steel"))
        assert.are.equal(0, sim:countUnits("plastic"))
        assert.are.equal(1, sim:countUnits("screwdriver"))
        assert.are.equal(fab.OutputContainer.Inventory, sim:find("screwdriver").ParentInventory)
        assert.is_nil(fab._fabricatedItem)
    end)

    -- MapEntity.UpdateAll (SharedSource/Map/MapEntity.cs) updates the items, then runs
    -- Spawner.Update: what Fabricator.Update queues at completion lands in the same fixed update,
    -- before the think hook (LuaCsSetup.Update, after Screen.Update in GameMain.Update).
    it("the product lands in the update that completes it, before think", function()
        give("steel", 1)
        give("plastic", 1)
        local fab = fabItem:GetComponentString("Fabricator")
        local seen = {}
        env.Hook.Add("think", "spec", function()
            if fab._fabricatedItem == nil and #seen == 0 then
                seen[1] = sim:countUnits("screwdriver")
                seen[2] = sim:countUnits("steel")
            end
        end)
        assert.is_true(sim:startFabricating(player, fabItem, "screwdriver", 1))
        sim:tick(200)
        assert.are.same({ 1, 0 }, seen)
    end)

    it("cancels on the next update when an ingredient is missing; nothing is consumed", function()
        give("steel", 1)
        sim:startFabricating(player, fabItem, "screwdriver", 1)
        sim:tick()
        local fab = sim:fabricator(fabItem)
        assert.is_nil(fab._fabricatedItem)
        assert.are.equal(1, sim:countUnits("steel"))
        assert.are.equal(0, sim:countUnits("screwdriver"))
    end)

    it("makes quantity > 1 batch after batch while ingredients last", function()
        give("steel", 3)
        give("plastic", 3)
        sim:startFabricating(player, fabItem, "screwdriver", 2)
        sim:tick(60 * 5)
        assert.are.equal(1, sim:countUnits("steel"))
        assert.are.equal(2, sim:countUnits("screwdriver"))
    end)

    it("honours a condition range and leaves a usecondition ingredient behind with less condition", function()
        give("steel", 2)
        give("weldingfueltank", 1, { condition = 30 })
        sim:startFabricating(player, fabItem, "crowbar", 1)
        sim:tick()
        assert.is_nil(sim:fabricator(fabItem)._fabricatedItem)
        give("weldingfueltank", 1, { condition = 80 })
        sim:startFabricating(player, fabItem, "crowbar", 1)
        sim:tick(60 * 4)
        assert.are.equal(1, sim:countUnits("crowbar"))
        assert.are.equal(0, sim:countUnits("steel"))
        local left = {}
        for _, t in ipairs(sim:findAll("weldingfueltank")) do left[#left + 1] = t.Condition end
        table.sort(left)
        assert.are.same({ 30, 30 }, left)
    end)

    it("counts items in linked containers, and only while the user has it selected", function()
        local cab = sim:spawnNow("storagecabinet", { links = { fabItem } })
        sim:spawnNow("steel", { inventory = cab.OwnInventory })
        give("plastic", 1)
        sim:deselect(player)
        assert.is_false(sim:startFabricating(player, fabItem, "screwdriver", 1))
        sim:select(player, fabItem)
        assert.is_true(sim:startFabricating(player, fabItem, "screwdriver", 1))
        sim:tick(60 * 3)
        assert.are.equal(1, sim:countUnits("screwdriver"))
    end)

    it("runs Lua prefixes; PreventExecution skips it; the private method needs MakeMethodAccessible", function()
        local calls = {}
        env.Hook.Patch("spec", "Barotrauma.Items.Components.Fabricator", "StartFabricating",
            { "Barotrauma.FabricationRecipe", "Barotrauma.Character", "System.Boolean" },
            function(instance, p)
                -- Arguments sit behind the ParameterTable's indexer: a bracket index (a name index raises).
                calls[#calls + 1] = { instance = instance, recipe = p["selectedItem"], user = p["user"], log = p["addToServerLog"],
                    byName = pcall(function() return p.selectedItem end) }
                p.PreventExecution = true
            end, env.Hook.HookMethodType.Before)
        give("steel", 1)
        give("plastic", 1)
        sim:startFabricating(player, fabItem, "screwdriver", 1)
        local fab, recipe = sim:fabricator(fabItem, "screwdriver")
        assert.are.equal(1, #calls)
        assert.are.equal(fab, calls[1].instance)
        assert.are.equal(recipe, calls[1].recipe)
        assert.are.equal(player, calls[1].user)
        assert.is_false(calls[1].byName)
        assert.is_true(calls[1].log)
        assert.is_nil(fab._fabricatedItem)
        assert.are.equal(0, #fab.InputContainer.Inventory.AllItemsMod)
        assert.has_error(function() fab.StartFabricating(recipe, player, true) end)
        local d = env.LuaUserData.RegisterType("Barotrauma.Items.Components.Fabricator")
        env.LuaUserData.MakeMethodAccessible(d, "StartFabricating")
        fab.StartFabricating(recipe, player, true)
        assert.are.equal(2, #calls)
        env.Hook.RemovePatch("spec", "Barotrauma.Items.Components.Fabricator", "StartFabricating",
            { "Barotrauma.FabricationRecipe", "Barotrauma.Character", "System.Boolean" }, env.Hook.HookMethodType.Before)
        fab:StartFabricating(recipe, player, true)
        assert.are.equal(recipe, fab._fabricatedItem)
        assert.are.same({}, sim.errors)
    end)

    it("the medical fabricator makes its own recipes only", function()
        local med = sim:find("medicalfabricator")
        local fab, bandage = sim:fabricator(med, "antibleeding1")
        assert.is_not_nil(bandage)
        assert.is_nil(select(2, sim:fabricator(med, "screwdriver")))
        sim:select(player, med)
        give("plastic", 1)
        sim:startFabricating(player, med, "antibleeding1", 1)
        sim:tick(90)
        assert.are.equal(2, sim:countUnits("antibleeding1"))
        assert.are.equal(fab.OutputContainer.Inventory, sim:find("antibleeding1").ParentInventory)
    end)
end)
