-- Damaged or malformed blobs are refused, whole: every truncation, every single-character
-- substitution, random insertions and deletions, and each strictness rule of the decoder.
local codec = require("core.codec")
local text = require("core.text")
local fixtures = dofile("test/fixtures/blobs/snapshots.lua")
local item, inside = fixtures.item, fixtures.inside

-- The string table the compiled modules see (kits/files.lua): runtime switches go there.
local module_strings = require("kits.files").moduleStrings
local S = module_strings(text.runtimeUnicode)

local SEED = tonumber(os.getenv("DBIO_SEED") or "") or os.time()

local function realistic_blob()
    return codec.encodeSnapshot(fixtures.full())
end

local function refused(blob)
    local r = codec.decodeSnapshot(blob)
    return not r.ok, r
end

-- A blob with a valid checksum around arbitrary content, to reach the rules behind the checksum.
local function sealed(content)
    return codec.sealContent(content)
end

local function assert_refused(blob, code, words)
    local r = codec.decodeSnapshot(blob)
    assert.is_false(r.ok, "accepted: " .. blob)
    assert.is_nil(r.value)
    assert.are.equal(code, r.code, "code for " .. blob .. " -> " .. tostring(r.message))
    assert.is_truthy(type(r.message) == "string" and #r.message > 10)
    if words then
        assert.is_truthy(r.message:find(words, 1, true), "message '" .. r.message .. "' should mention '" .. words .. "'")
    end
end

local HEAD = "DBIO2;main;5;1;10;"

describe("codec corruption", function()
    it("refuses every truncation of a realistic blob", function()
        local blob = realistic_blob()
        local tried = 0
        for len = 0, #blob - 1 do
            local no, r = refused(blob:sub(1, len))
            assert.is_true(no, "prefix of length " .. len .. " was accepted")
            assert.is_nil(r.value)
            tried = tried + 1
        end
        print(string.format("\n  truncations refused: %d of %d", tried, tried))
    end)

    it("refuses every single-character substitution by any other printable character", function()
        local blob = realistic_blob()
        local tried = 0
        for pos = 1, #blob do
            local before, original, after = blob:sub(1, pos - 1), blob:byte(pos), blob:sub(pos + 1)
            for c = 32, 126 do
                if c ~= original then
                    local damaged = before .. string.char(c) .. after
                    local no = refused(damaged)
                    if not no then error("substitution at " .. pos .. " by '" .. string.char(c) .. "' was accepted") end
                    tried = tried + 1
                end
            end
        end
        print(string.format("\n  substitutions refused: %d (%d positions x 94 characters)", tried, #blob))
        assert.are.equal(#blob * 94, tried)
    end)

    it("refuses random insertions, deletions and swaps (prints seed)", function()
        print(string.format("\n  random damage: seed %d (replay with DBIO_SEED=%d)", SEED, SEED))
        math.randomseed(SEED)
        local blob = realistic_blob()
        local counts = { insert = 0, delete = 0, swap = 0, burst = 0 }
        for _ = 1, 3000 do
            local pos = math.random(1, #blob)
            local damaged = blob:sub(1, pos - 1) .. string.char(math.random(32, 126)) .. blob:sub(pos)
            assert.is_true((refused(damaged)), "insertion at " .. pos .. " accepted")
            counts.insert = counts.insert + 1

            local n = math.random(1, 4)
            damaged = blob:sub(1, pos - 1) .. blob:sub(pos + n)
            assert.is_true((refused(damaged)), "deletion of " .. n .. " at " .. pos .. " accepted")
            counts.delete = counts.delete + 1

            if pos < #blob and blob:sub(pos, pos) ~= blob:sub(pos + 1, pos + 1) then
                damaged = blob:sub(1, pos - 1) .. blob:sub(pos + 1, pos + 1) .. blob:sub(pos, pos) .. blob:sub(pos + 2)
                assert.is_true((refused(damaged)), "swap at " .. pos .. " accepted")
                counts.swap = counts.swap + 1
            end

            local chars = {}
            for i = 1, math.random(2, 8) do chars[i] = string.char(math.random(32, 126)) end
            local burst = table.concat(chars)
            local replaced = blob:sub(1, pos - 1) .. burst .. blob:sub(pos + #burst)
            if replaced ~= blob then
                assert.is_true((refused(replaced)), "burst at " .. pos .. " accepted")
                counts.burst = counts.burst + 1
            end
        end
        print(string.format("  refused: %d insertions, %d deletions, %d swaps, %d bursts",
            counts.insert, counts.delete, counts.swap, counts.burst))
    end)

    it("refuses an empty or missing value with the code 'empty'", function()
        assert_refused("", "empty")
        assert.are.equal("empty", codec.decodeSnapshot(nil).code)
    end)

    it("refuses a wrong or unknown schema tag", function()
        assert_refused("hello", "schema", "not a Database IO blob")
        assert_refused(sealed("DBIO3;main;5;1;10;0;0;0;0;"), "schema", "schema '3'")
        assert_refused(sealed("dbio2;main;5;1;10;0;0;0;0;"), "schema")
        assert_refused(sealed("DBIO02;main;5;1;10;0;0;0;0;"), "schema")
    end)

    it("refuses a checksum mismatch and a damaged trailer", function()
        local blob = sealed(HEAD .. "0;0;0;0;")
        local last = blob:sub(-1)
        assert_refused(blob:sub(1, -2) .. (last == "0" and "1" or "0"), "checksum", "checksum mismatch")
        assert_refused(blob:sub(1, -2), "truncated", "truncated")
        assert_refused(blob:sub(1, -2) .. "g", "truncated")
        assert_refused(blob:sub(1, -17) .. "?" .. blob:sub(-16), "truncated")
        assert_refused(blob .. ";", "truncated")
    end)

    it("refuses a character outside printable ASCII", function()
        local content = HEAD .. "1;st\200eel#0;1;0;0;0;"
        assert_refused(content .. "!" .. string.rep("0", 16), "charset", "printable ASCII")
    end)

    it("refuses non-integer and out-of-range numbers", function()
        for _, bad in ipairs({ "1.5", "-1", "01", "x", "", "1e3", " 1", "0x10", "1234567890123456" }) do
            assert_refused(sealed(HEAD .. "1;steel#0;" .. bad .. ";0;0;0;"), "number", "count")
            assert_refused(sealed("DBIO2;main;" .. bad .. ";1;10;0;0;0;0;"), "number", "version")
        end
        assert_refused(sealed(HEAD .. "1;steel#0;0;0;0;0;"), "number", "whole number >= 1")
        assert_refused(sealed(HEAD .. "1.0;steel#0;3;0;0;0;"), "number", "aggregated entry count")
        assert_refused(sealed(HEAD .. "0;1;3;smg;one;100.00;0;;0;0;0;"), "number", "quality")
    end)

    it("refuses a duplicate exact id, also across working and leased entries", function()
        local e = "3;smg;0;100.00;0;;0;"
        assert_refused(sealed(HEAD .. "0;2;" .. e .. e .. "0;0;"), "duplicate", "exact id 3")
        assert_refused(sealed(HEAD .. "0;1;" .. e .. "0;1;" .. e), "duplicate", "leased exact entry 1")
    end)

    it("refuses an exact id that is not below nextExactId", function()
        assert_refused(sealed(HEAD .. "0;1;10;smg;0;100.00;0;;0;0;0;"), "id-range", "nextExactId 10")
        assert_refused(sealed(HEAD .. "0;0;0;1;12;smg;0;100.00;0;;0;"), "id-range", "exact id 12")
    end)

    it("refuses a duplicate aggregated key", function()
        assert_refused(sealed(HEAD .. "2;steel#0;1;steel#0;2;0;0;0;"), "duplicate", "steel#0")
    end)

    it("refuses trailing garbage after the last section", function()
        assert_refused(sealed(HEAD .. "0;0;0;0;extra;"), "trailing", "extra")
        assert_refused(sealed(HEAD .. "0;0;0;0;0;0;"), "trailing", "2 unexpected field(s)")
        assert_refused(sealed(HEAD .. "0;0;0;0;x"), "format", "end with ';'")
    end)

    it("refuses lists that claim more entries than the blob holds", function()
        assert_refused(sealed(HEAD .. "5;steel#0;1;0;0;0;"), "truncated", "claims 5 entries")
        assert_refused(sealed(HEAD .. "0;1;3;smg;0;100.00;0;;4;0;0;"), "truncated", "contents")
        assert_refused(sealed(HEAD .. "0;0;0;"), "truncated", "missing")
    end)

    it("refuses malformed conditions, flags and empty names", function()
        for _, bad in ipairs({ "100.01", "5.5", "5", "-1.00", "050.00", "1.234", "nan", "" }) do
            assert_refused(sealed(HEAD .. "0;1;3;smg;0;" .. bad .. ";0;;0;0;0;"), "format", "condition")
        end
        assert_refused(sealed(HEAD .. "0;1;3;smg;0;100.00;2;;0;0;0;"), "format", "stolen")
        assert_refused(sealed(HEAD .. "0;1;3;;0;100.00;0;;0;0;0;"), "format", "identifier is empty")
        assert_refused(sealed(HEAD .. "1;;4;0;0;0;"), "format", "key is empty")
        assert_refused(sealed("DBIO2;;5;1;10;0;0;0;0;"), "format", "database id is empty")
    end)

    it("refuses malformed or non-canonical text escapes", function()
        local saved = S.unicode
        S.unicode = nil -- the byte runtime, whatever the profile installed
        local ok, err = pcall(function()
            for _, bad in ipairs({ "a%4", "a%zz", "a%41", "a%2f", "a%", "a b", "a!b", "a%u", "a,b", "a=b" }) do
                assert_refused(sealed(HEAD .. "1;" .. bad .. ";4;0;0;0;"), "text", "key")
            end
            assert_refused(sealed(HEAD .. "1;x%u4E2D;4;0;0;0;"), "text", "UTF-16")
        end)
        S.unicode = saved
        if not ok then error(err, 0) end
    end)

    it("refuses contents nested deeper than the limit", function()
        local function nested(depth)
            local r = item("box", 0, 100, false, "")
            for _ = 1, depth do r = item("box", 0, 100, false, "", { inside(0, 0, r) }) end
            return r
        end
        local s = fixtures.empty()
        s.nextExactId = 3
        s.exact = { { id = 1, record = nested(codec.MAX_NESTING) } }
        assert.is_true(codec.decodeSnapshot(codec.encodeSnapshot(s)).ok)
        s.exact[2] = { id = 2, record = nested(codec.MAX_NESTING + 1) }
        assert_refused(codec.encodeSnapshot(s), "format", "nested deeper")
        assert.are.equal("format", codec.checkSnapshot(s).code)
    end)

    it("refuses on decode exactly what checkSnapshot refuses before encoding", function()
        local cases = {
            { "duplicate exact id", function(s) s.exact[2].id = s.exact[1].id end },
            { "duplicate id across leases", function(s) s.leasedExact[1].id = s.exact[1].id end },
            { "id not below nextExactId", function(s) s.nextExactId = s.exact[#s.exact].id end },
            { "zero count", function(s) s.counts[1][2] = 0 end },
            { "fractional count", function(s) s.counts[2][2] = 1.5 end },
            { "negative leased count", function(s) s.leasedCounts[1][2] = -3 end },
            { "NaN count", function(s) s.counts[3][2] = 0 / 0 end },
            { "huge count", function(s) s.counts[3][2] = 2 ^ 60 end },
            { "duplicate key", function(s) s.counts[2][1] = s.counts[1][1] end },
            { "empty key", function(s) s.counts[1][1] = "" end },
            { "condition above 100", function(s) s.exact[1].record.condition = 100.01 end },
            { "negative condition", function(s) s.exact[1].record.condition = -0.5 end },
            { "infinite condition", function(s) s.exact[1].record.condition = 1 / 0 end },
            { "fractional quality", function(s) s.exact[1].record.quality = 0.5 end },
            { "negative slot", function(s) s.exact[1].record.contents[1].slot = -1 end },
            { "fractional container", function(s) s.exact[2].record.contents[1].container = 0.25 end },
            { "empty identifier deep inside", function(s) s.exact[2].record.contents[1].record.contents[1].record.identifier = "" end },
            { "stolen not a boolean", function(s) s.exact[1].record.stolen = nil end },
            { "outpost not text", function(s) s.exact[1].record.outpost = 7 end },
            { "empty database id", function(s) s.id = "" end },
            { "negative version", function(s) s.version = -1 end },
        }
        assert.is_true(codec.checkSnapshot(fixtures.full()).ok)
        assert.is_true(codec.encodeChecked(fixtures.full()).ok)
        for _, case in ipairs(cases) do
            local s = fixtures.full()
            case[2](s)
            local checked = codec.checkSnapshot(s)
            assert.is_false(checked.ok, case[1] .. " passed checkSnapshot")
            assert.is_false(codec.encodeChecked(s).ok, case[1] .. " passed encodeChecked")
            local ok, blob = pcall(codec.encodeSnapshot, s)
            assert.is_true(ok, case[1] .. ": encodeSnapshot threw " .. tostring(blob))
            local decoded = codec.decodeSnapshot(blob)
            assert.is_false(decoded.ok, case[1] .. " was written in a form that decodes")
        end
        print(string.format("\n  invalid snapshots refused by checkSnapshot and by decode: %d", #cases))
    end)

    it("never throws and never accepts random garbage (prints seed)", function()
        math.randomseed(SEED + 1)
        local n = 2000
        for i = 1, n do
            local parts = { i % 2 == 0 and "DBIO2;" or (i % 3 == 0 and "DBIO1;" or "") }
            for j = 1, math.random(0, 60) do parts[#parts + 1] = string.char(math.random(0, 255)) end
            if i % 5 == 0 then parts[#parts + 1] = "!" .. string.rep("A", 16) end
            local ok, r = pcall(codec.decodeSnapshot, table.concat(parts))
            assert.is_true(ok, "threw: " .. tostring(r))
            assert.is_false(r.ok)
        end
        local ok, r = pcall(codec.decodeSnapshot, 42)
        assert.is_true(ok)
        assert.is_false(r.ok)
        print(string.format("\n  random garbage refused without throwing: %d (seed %d)", n, SEED + 1))
    end)

    it("reports the checksum a blob carries", function()
        local blob = realistic_blob()
        assert.are.equal(blob:sub(-16), codec.blobChecksum(blob))
        assert.is_nil(codec.blobChecksum(blob:sub(1, -2)))
        assert.is_nil(codec.blobChecksum("DBIO2;"))
        assert.is_nil(codec.blobChecksum("nonsense"))
        assert.are_not.equal(codec.blobChecksum(blob), codec.blobChecksum(codec.encodeSnapshot(fixtures.basic())))
    end)
end)
