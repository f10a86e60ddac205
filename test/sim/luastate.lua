-- One LuaCs Lua state: an environment table (never _G) with the LuaCs globals, its hooks and
-- patches, net receivers and console commands. A stopped state keeps nothing.
local H = require("sim.hooks")
local A = require("sim.api")
local F = require("sim.files")

local State = {}
State.__index = State

local function baseEnv()
    if rawget(_G, "DBIO_PROFILE") == "moonsharp" then
        local ok, profile = pcall(require, "moonsharp_profile")
        if not ok then error("DBIO_PROFILE is moonsharp but test/moonsharp_profile.lua cannot be loaded: " .. tostring(profile)) end
        return profile.newEnv()
    end
    local env = setmetatable({}, { __index = _G })
    env._G = env
    return env
end

--- side: "server" (dedicated server), "sp" (singleplayer client) or "client" (a multiplayer
--- client with client-side LuaCs; `client` is its Client).
function State.new(sim, side, client)
    local st = setmetatable({
        sim = sim, side = side, client = client, alive = true, hooks = H.new(), receivers = {},
        requireCache = {}, commands = {},
    }, State)
    st.env = baseEnv()
    A.install(sim, st)
    return st
end

function State:call(event, ...)
    if not self.alive then return nil end
    local sim = self.sim
    return H.call(self.hooks, function(m) sim:_error(m) end, event, ...)
end

--- Calls a patchable game method with this state's patches around it.
function State:invoke(info, instance, args, original)
    if not self.alive then return original(args) end
    local sim = self.sim
    return H.invoke(self.hooks, function(m) sim:_error(m) end, info, instance, args, original,
        function() return self.alive end)
end

--- Runs one Lua file in this state (errors are logged, as LuaCs does for Autorun files).
function State:runFile(path, ...)
    local chunk, err = loadfile(path, "t", self.env)
    if chunk == nil then
        self.sim:_error("Error loading " .. path .. ": " .. tostring(err))
        return false
    end
    local ok, e = xpcall(chunk, debug.traceback, ...)
    if not ok then
        self.sim:_error("Error running " .. path .. ": " .. tostring(e))
        return false
    end
    return true
end

local function luaFiles(dir)
    local out = {}
    for _, name in ipairs(F.list(dir, "file")) do
        if name:match("%.lua$") then out[#out + 1] = dir .. "/" .. name end
    end
    return out
end

--- ModLoader.lua: every package's Lua/Autorun/*.lua (and one folder deep), then ForcedAutorun,
--- each called with the package folder as `...`; then Hook.Call("loaded").
function State:loadMods(dirs)
    for _, folder in ipairs({ "Autorun", "ForcedAutorun" }) do
        for _, dir in ipairs(dirs) do
            local base = dir .. "/Lua/" .. folder
            if F.isDir(base) then
                local files = luaFiles(base)
                for _, sub in ipairs(F.list(base, "directory")) do
                    for _, f in ipairs(luaFiles(base .. "/" .. sub)) do files[#files + 1] = f end
                end
                for _, f in ipairs(files) do self:runFile(f, dir) end
            end
        end
    end
end

--- LuaCsSetup.Stop: "stop" fires, then hooks, patches, receivers and commands are gone.
function State:stop()
    if not self.alive then return end
    self:call("stop")
    self.alive = false
    self.hooks = H.new()
    self.receivers = {}
    self.commands = {}
end

return State
