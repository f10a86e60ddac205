-- The persisted format at two database sizes: 1,000 and 10,000 plain keys, each plus 1,000 exact
-- entries.
--
--   encode   codec.encodeSnapshot of the database's snapshot
--   decode   codec.decodeSnapshot of its blob (checksum, fields, records)
--   capture  store:captureOne: snapshot of Working + leases, encode, read back, compare (what a
--            save does per database)
--   rebuild  store:rebuild from the blob: decode, check, build Working, install, reset event (what
--            every round start does per database)
--
-- The reference is table.concat of the blob's own fields: building a string of the same total
-- size out of the same number of pieces, the least any encoder has to do.
local codec = require("core.codec")
local fixtures = require("bench.fixtures")
local harness = require("bench.harness")
local store_ops = require("bench.store_ops")

local SIZES = { 1000, 10000 }
local EXACT = 1000
local EXACT_LABEL = "1,000"

local M = { id = "codec", title = "Persisted format: capture (encode) and rebuild (decode)" }

local function split_fields(blob)
    local pieces = {}
    for piece in string.gmatch(blob .. ";", "([^;]*);") do pieces[#pieces + 1] = piece end
    return pieces
end

local function series_for(size, rng)
    local DB = fixtures.DB
    local store = fixtures.mixed_store(size, EXACT, rng)
    local db = store:database(DB)
    local snapshot = store:snapshotFor(DB)
    local blob = codec.encodeSnapshot(snapshot)
    local pieces = split_fields(blob)
    if table.concat(pieces, ";") ~= blob then error("the reference pieces do not rebuild the blob", 0) end
    local decoded = codec.decodeSnapshot(blob)
    if not decoded.ok then error("the bench blob does not decode: " .. decoded.message, 0) end
    local rebuild_store = fixtures.new_store()
    local anchors = { { anchorId = 1, dbId = DB, blob = blob } }
    local label = store_ops.size_label(size)

    local last
    local function same_as_blob()
        if last ~= blob then return "the output is not the expected blob" end
        return nil
    end
    local list = {
        reference = {
            id = "table.concat @" .. size,
            batch = function(n)
                for _ = 1, n do last = table.concat(pieces, ";") end
            end,
            verify = same_as_blob,
        },
        encode = {
            id = "encode @" .. size,
            batch = function(n)
                for _ = 1, n do last = codec.encodeSnapshot(snapshot) end
            end,
            verify = same_as_blob,
        },
        decode = {
            id = "decode @" .. size,
            batch = function(n)
                for _ = 1, n do last = codec.decodeSnapshot(blob) end
            end,
            verify = function()
                if not last.ok then return last.message end
                local s = last.value.snapshot
                if #s.counts ~= size or #s.exact ~= EXACT then return "the decoded snapshot has the wrong size" end
                return nil
            end,
        },
        capture = {
            id = "capture @" .. size,
            batch = function(n)
                for _ = 1, n do last = store:captureOne(DB) end
            end,
            verify = function()
                if last == nil or last.problem ~= nil then return "capture failed: " .. tostring(last and last.problem) end
                if #last.blob ~= #blob then return "the captured blob differs in size from the bench blob" end
                return nil
            end,
        },
        rebuild = {
            id = "rebuild @" .. size,
            batch = function(n)
                for _ = 1, n do last = rebuild_store:rebuild(anchors) end
            end,
            verify = function()
                local built = last.databases[1]
                if built.state ~= "loaded" then return "rebuild ended " .. built.state end
                local rebuilt = rebuild_store:database(DB)
                if rebuilt:heldTotal() ~= db:heldTotal() or rebuilt:keyCount() ~= db:keyCount() then
                    return "the rebuilt database differs from the original"
                end
                return nil
            end,
        },
    }
    return list, #blob, label
end

local OPS = { "encode", "decode", "capture", "rebuild" }

function M.run(ctx)
    local all, by_size, bytes, labels = {}, {}, {}, {}
    for _, size in ipairs(SIZES) do
        local t0 = os.clock()
        local list, size_bytes, label = series_for(size, ctx.rng)
        ctx.log(string.format("  database of %s + %s exact entries built in %.1f s", label, EXACT_LABEL, os.clock() - t0))
        by_size[size], bytes[size], labels[size] = list, size_bytes, label
        all[#all + 1] = list.reference
        for _, op in ipairs(OPS) do all[#all + 1] = list[op] end
    end
    local samples = harness.interleave(all, ctx.runs, ctx.target, ctx.log)

    for _, op in ipairs(OPS) do
        for _, size in ipairs(SIZES) do
            ctx.results:case({
                id = string.format("codec.%s.%d", op, size),
                group = M.id,
                name = op,
                size = string.format("%s + %s exact", labels[size], EXACT_LABEL),
                reference = "table.concat, same size",
            }, samples[by_size[size][op].id], samples[by_size[size].reference.id])
        end
    end
    for _, size in ipairs(SIZES) do
        ctx.results:figure({
            id = string.format("codec.bytes.%d", size),
            group = M.id,
            name = string.format("encoded size, %s + %s exact", labels[size], EXACT_LABEL),
            value = bytes[size],
            unit = "bytes",
        })
    end
    local small, big = SIZES[1], SIZES[#SIZES]
    ctx.results:figure({
        id = "codec.bytes.per_key",
        group = M.id,
        name = "encoded bytes per additional plain key",
        value = (bytes[big] - bytes[small]) / (big - small),
        unit = "bytes",
    })
end

return M
