-- Small helpers the build specs share: run a command and capture what it printed, quote for a
-- POSIX shell, write a file.
local M = {}

function M.shellQuote(s)
    return "'" .. s:gsub("'", "'\\''") .. "'"
end

--- Runs `command` (stderr merged); returns its exit code and everything it printed.
function M.run(command)
    local handle = assert(io.popen(command .. " 2>&1", "r"))
    local output = handle:read("*a")
    local ok, _, code = handle:close()
    return (ok and 0 or code), output
end

function M.writeFile(path, text)
    local f = assert(io.open(path, "wb"))
    f:write(text)
    f:close()
end

return M
