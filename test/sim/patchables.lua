-- The game methods Hook.Patch can resolve in the simulation, and which side's executable has them.
--
-- A method here is one the simulation actually calls at the moment the game would, running the
-- Lua prefixes and postfixes around it. To make another method patchable, add it below and call
-- it through Sim:_invoke at the right point of a lifecycle path.
local R = {}

-- side: nil = both executables, "server" = dedicated server only, "client" = game client only.
-- params: C# parameter types (what Hook.Patch's paramTypes must match); names: C# parameter names
-- (the keys of the ptable); static: no instance; unconvertible: parameters whose C# type MoonSharp
-- cannot hand to Lua (reading them from the ptable throws, as for an unregistered struct).
R.classes = {
    ["Barotrauma.Submarine"] = {
        methods = {
            SaveToXElement = { {
                params = { "System.Xml.Linq.XElement" }, names = { "element" },
            } },
        },
    },
    ["Barotrauma.SaveUtil"] = {
        methods = {
            SaveGame = { {
                params = { "Barotrauma.CampaignDataPath", "System.Boolean" },
                names = { "filePath", "isSavingOnLoading" }, static = true,
                unconvertible = { filePath = "Barotrauma.CampaignDataPath" },
            } },
            -- SaveGame's last step: packs the temp folder into the save file. An exception here
            -- is caught by SaveGame (SaveUtil.SaveGame, "Error compressing save file").
            CompressDirectory = { {
                params = { "System.String", "System.String" },
                names = { "sInDir", "sOutFile" }, static = true,
            } },
        },
    },
    ["Barotrauma.Networking.GameServer"] = {
        side = "server",
        methods = {
            EndGame = { {
                params = {
                    "Barotrauma.CampaignMode+TransitionType", "System.Boolean",
                    "System.Collections.Generic.IEnumerable`1[Barotrauma.Mission]",
                },
                names = { "transitionType", "wasSaved", "missions" },
            } },
        },
    },
    ["Barotrauma.GameSession"] = {
        methods = {
            EndRound = { {
                params = {
                    "System.String", "Barotrauma.CampaignMode+TransitionType",
                    "System.Nullable`1[Barotrauma.TraitorManager+TraitorResults]", "System.Boolean",
                },
                names = { "endMessage", "transitionType", "traitorResults", "createRoundSummary" },
            } },
            LoadPreviousSave = { { params = {}, names = {} } },
        },
    },
    ["Barotrauma.CampaignMode"] = {
        methods = {
            HandleSaveAndQuit = { { params = {}, names = {} } },
        },
    },
    ["Barotrauma.Items.Components.CustomInterface"] = {
        methods = {
            -- private void TextChanged(CustomInterfaceElement textElement, string text)
            -- (SharedSource/Items/Components/Signal/CustomInterface.cs); LuaCs resolves patches
            -- with NonPublic binding flags (LuaCsHook.ResolveMethod). See Sim:setText.
            TextChanged = { {
                params = { "Barotrauma.Items.Components.CustomInterface+CustomInterfaceElement", "System.String" },
                names = { "textElement", "text" },
            } },
        },
    },
    ["Barotrauma.MultiPlayerCampaign"] = {
        methods = {
            -- public void SavePlayers() (BarotraumaServer/ServerSource/GameSession/GameModes/
            -- MultiPlayerCampaign.cs): called by DoLevelTransition after EndRound and by
            -- GameServer's ManageRound "save & quit" before HandleSaveAndQuit; see Sim:_savePlayers.
            SavePlayers = { { side = "server", params = {}, names = {} } },
            LoadCampaign = { {
                side = "server",
                params = { "Barotrauma.CampaignDataPath", "Barotrauma.Networking.Client" },
                names = { "path", "client" }, static = true,
                unconvertible = { path = "Barotrauma.CampaignDataPath" },
            } },
        },
    },
    ["Barotrauma.Items.Components.Fabricator"] = {
        methods = {
            -- private; the server calls it from ServerEventRead (a client pressed Start) and to
            -- continue a batch (addToServerLog = false); see sim/fabricator.lua.
            StartFabricating = { {
                params = { "Barotrauma.FabricationRecipe", "Barotrauma.Character", "System.Boolean" },
                names = { "selectedItem", "user", "addToServerLog" },
            } },
        },
    },
    -- Screen.AddToGUIUpdateList (ClientSource/Screens/Screen.cs, overridden by GameScreen): the
    -- game client builds its GUI update list every frame; the sim calls it after the client
    -- states' think (client states with a simulated GUI only).
    ["Barotrauma.GameScreen"] = {
        side = "client",
        methods = {
            AddToGUIUpdateList = { { params = {}, names = {} } },
        },
    },
    ["Barotrauma.GameMain"] = {
        methods = {
            QuitToMainMenu = {
                { side = "client", params = { "System.Boolean" }, names = { "save" }, static = true },
                { side = "client", params = { "System.Boolean", "System.Boolean" },
                  names = { "save", "showVerificationPrompt" }, static = true },
            },
        },
    },
}

-- Every type name the resolver knows (others are "invalid parameter type").
R.knownTypes = {
    ["System.Boolean"] = true, ["System.String"] = true, ["System.Int32"] = true, ["System.Single"] = true,
    ["System.Double"] = true, ["System.UInt16"] = true, ["System.Object"] = true,
    ["Barotrauma.Item"] = true, ["Barotrauma.Character"] = true,
}
for _, c in pairs(R.classes) do
    for _, overloads in pairs(c.methods) do
        for _, o in ipairs(overloads) do
            for _, t in ipairs(o.params) do R.knownTypes[t] = true end
        end
    end
end

local function visible(side, entrySide)
    return entrySide == nil or entrySide == side
end

local function sameTypes(a, b)
    if #a ~= #b then return false end
    for i = 1, #a do
        if a[i] ~= b[i] then return false end
    end
    return true
end

--- Resolves like LuaCsHook.ResolveMethod. `side` is "server" or "client" (singleplayer is a
--- client). Returns the method info or raises the same kind of message LuaCs does.
function R.resolve(side, className, methodName, params)
    if type(className) ~= "string" or type(methodName) ~= "string" then
        error("bad argument: class and method names must be strings", 0)
    end
    if className:find("^Barotrauma%.Lua") or className:find("^Barotrauma%.Cs")
        or className:find("^Barotrauma%.ContentPackageManager") then
        error("Hooks into the modding environment are prohibited.", 0)
    end
    local class = R.classes[className]
    if class == nil or not visible(side, class.side) then
        error("invalid class name '" .. className .. "'", 0)
    end
    if params ~= nil then
        for _, t in ipairs(params) do
            if not R.knownTypes[t] then error("invalid parameter type '" .. tostring(t) .. "'", 0) end
        end
    end
    local found = {}
    for _, o in ipairs(class.methods[methodName] or {}) do
        if visible(side, o.side) and (params == nil or sameTypes(o.params, params)) then
            found[#found + 1] = o
        end
    end
    if #found > 1 then error("ambiguous method signature", 0) end
    if #found == 0 then
        local p = params and table.concat(params, ", ") or ""
        error("method '" .. methodName .. "(" .. p .. ")' not found in class '" .. className .. "'", 0)
    end
    local o = found[1]
    return {
        key = className .. "." .. methodName .. "(" .. table.concat(o.params, ",") .. ")",
        className = className, methodName = methodName, names = o.names, static = o.static == true,
        unconvertible = o.unconvertible or {},
    }
end

--- The method info for a call the simulation makes (no error checking: the sim's own table).
function R.method(className, methodName, params)
    local class = assert(R.classes[className], className)
    for _, o in ipairs(class.methods[methodName]) do
        if params == nil or sameTypes(o.params, params) then
            return {
                key = className .. "." .. methodName .. "(" .. table.concat(o.params, ",") .. ")",
                className = className, methodName = methodName, names = o.names, static = o.static == true,
                unconvertible = o.unconvertible or {},
            }
        end
    end
    error("no such simulated method " .. className .. "." .. methodName)
end

return R
