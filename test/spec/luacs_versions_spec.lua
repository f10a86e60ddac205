-- The mod on the LuaCs layers it may meet (docs/hosting.md "LuaCs versions"): the established
-- layer players install, and the services rewrite, whose LuaGame has no
-- AssignOnClientRequestExecute. What the rewrite lacks degrades with one clear console line; the
-- rest of the mod works.
local H = require("kits.harness")

local scenario = H.with

describe("LuaCs versions", function()
    it("established: client console commands are wired, no degrade message", function()
        scenario({ mode = "server" }, function(h)
            assert.are.equal("", h:errors())
            local printed = table.concat(h.sim.printed, "\n")
            assert.falsy(printed:find("AssignOnClientRequestExecute", 1, true), printed)
            local admin = h.sim:addClient({ name = "Ann", admin = true })
            local out = table.concat(h:command("dbio status", admin), "\n")
            assert.truthy(out:find("(for Ann)", 1, true), out)
        end)
    end)

    it("services rewrite: loads without an error, says clients cannot run dbio, the server console can", function()
        scenario({ mode = "server", luacs = "services" }, function(h)
            assert.are.equal("", h:errors())
            local printed = table.concat(h.sim.printed, "\n")
            assert.truthy(printed:find("AssignOnClientRequestExecute", 1, true), printed)
            local status = table.concat(h:command("dbio status"), "\n")
            assert.truthy(status:find("save binding: patched", 1, true), status)
            for _, r in ipairs(h:ingest(h:find("steel", 2))) do assert.is_true(r.ok, r.message) end
            h:tick(2)
            h.sim:mpTransition()
            h:tick(2)
            assert.are.equal(2, h:amount("steel"))
            assert.are.equal("", h:errors())
        end)
    end)
end)
