// A small ZIP writer and reader (PKZIP 2.0: deflate or store, no ZIP64, no encryption).
// The writer is deterministic: entries are sorted and get a fixed timestamp, so the same files
// always give the same archive on the same zlib.
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { crc32 } from "./crc32.mjs";

const LOCAL_SIG = 0x04034b50;
const CENTRAL_SIG = 0x02014b50;
const END_SIG = 0x06054b50;
const UTF8_FLAG = 0x0800;
// 2020-01-01 00:00:00 in MS-DOS format.
const DOS_TIME = 0;
const DOS_DATE = ((2020 - 1980) << 9) | (1 << 5) | 1;

/**
 * Builds a ZIP archive. `entries` are { name, data } (data: Buffer) for files and
 * { name } with a trailing "/" for directories. Returns a Buffer.
 */
export function buildZip(entries) {
    const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const locals = [];
    const centrals = [];
    let offset = 0;
    for (const entry of sorted) {
        const name = Buffer.from(entry.name, "utf8");
        const isDir = entry.name.endsWith("/");
        const data = isDir ? Buffer.alloc(0) : entry.data;
        const crc = crc32(data);
        let method = 0;
        let stored = data;
        if (!isDir && data.length > 0) {
            const deflated = deflateRawSync(data, { level: 9 });
            if (deflated.length < data.length) {
                method = 8;
                stored = deflated;
            }
        }
        const flags = /[^\x20-\x7e]/.test(entry.name) ? UTF8_FLAG : 0;

        const local = Buffer.alloc(30);
        local.writeUInt32LE(LOCAL_SIG, 0);
        local.writeUInt16LE(20, 4); // version needed
        local.writeUInt16LE(flags, 6);
        local.writeUInt16LE(method, 8);
        local.writeUInt16LE(DOS_TIME, 10);
        local.writeUInt16LE(DOS_DATE, 12);
        local.writeUInt32LE(crc, 14);
        local.writeUInt32LE(stored.length, 18);
        local.writeUInt32LE(data.length, 22);
        local.writeUInt16LE(name.length, 26);
        local.writeUInt16LE(0, 28);
        locals.push(local, name, stored);

        const central = Buffer.alloc(46);
        central.writeUInt32LE(CENTRAL_SIG, 0);
        central.writeUInt16LE(0x031e, 4); // made by: Unix, spec 3.0
        central.writeUInt16LE(20, 6);
        central.writeUInt16LE(flags, 8);
        central.writeUInt16LE(method, 10);
        central.writeUInt16LE(DOS_TIME, 12);
        central.writeUInt16LE(DOS_DATE, 14);
        central.writeUInt32LE(crc, 16);
        central.writeUInt32LE(stored.length, 20);
        central.writeUInt32LE(data.length, 24);
        central.writeUInt16LE(name.length, 28);
        central.writeUInt16LE(0, 30); // extra
        central.writeUInt16LE(0, 32); // comment
        central.writeUInt16LE(0, 34); // disk
        central.writeUInt16LE(0, 36); // internal attributes
        // External attributes: Unix mode in the high 16 bits (dirs 0755, files 0644).
        central.writeUInt32LE((((isDir ? 0o40755 : 0o100644) << 16) | (isDir ? 0x10 : 0)) >>> 0, 38);
        central.writeUInt32LE(offset, 42);
        centrals.push(central, name);

        offset += local.length + name.length + stored.length;
    }
    const centralStart = offset;
    const centralSize = centrals.reduce((n, b) => n + b.length, 0);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(END_SIG, 0);
    end.writeUInt16LE(0, 4);
    end.writeUInt16LE(0, 6);
    end.writeUInt16LE(sorted.length, 8);
    end.writeUInt16LE(sorted.length, 10);
    end.writeUInt32LE(centralSize, 12);
    end.writeUInt32LE(centralStart, 16);
    end.writeUInt16LE(0, 20);
    return Buffer.concat([...locals, ...centrals, end]);
}

/**
 * Reads and verifies a ZIP archive: walks the central directory, checks each local header
 * against it, inflates every file and compares sizes and CRC-32. Returns
 * { entries: [{ name, size, method }], problems: [string] }.
 */
export function readZip(buf) {
    const problems = [];
    const entries = [];
    let endAt = -1;
    for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
        if (buf.readUInt32LE(i) === END_SIG) {
            endAt = i;
            break;
        }
    }
    if (endAt < 0) return { entries, problems: ["no end-of-central-directory record"] };
    const count = buf.readUInt16LE(endAt + 10);
    const centralSize = buf.readUInt32LE(endAt + 12);
    let pos = buf.readUInt32LE(endAt + 16);
    if (pos + centralSize !== endAt) problems.push("central directory size/offset do not match its position");
    for (let n = 0; n < count; n++) {
        if (pos + 46 > buf.length || buf.readUInt32LE(pos) !== CENTRAL_SIG) {
            problems.push(`central directory entry ${n} is damaged`);
            break;
        }
        const method = buf.readUInt16LE(pos + 10);
        const crc = buf.readUInt32LE(pos + 16);
        const compSize = buf.readUInt32LE(pos + 20);
        const size = buf.readUInt32LE(pos + 24);
        const nameLen = buf.readUInt16LE(pos + 28);
        const extraLen = buf.readUInt16LE(pos + 30);
        const commentLen = buf.readUInt16LE(pos + 32);
        const localAt = buf.readUInt32LE(pos + 42);
        const name = buf.toString("utf8", pos + 46, pos + 46 + nameLen);
        pos += 46 + nameLen + extraLen + commentLen;

        if (buf.readUInt32LE(localAt) !== LOCAL_SIG) {
            problems.push(`${name}: local header missing`);
            continue;
        }
        const localNameLen = buf.readUInt16LE(localAt + 26);
        const localExtraLen = buf.readUInt16LE(localAt + 28);
        const localName = buf.toString("utf8", localAt + 30, localAt + 30 + localNameLen);
        if (localName !== name) problems.push(`${name}: local header names ${localName}`);
        const dataAt = localAt + 30 + localNameLen + localExtraLen;
        const raw = buf.subarray(dataAt, dataAt + compSize);
        let data;
        try {
            if (method === 0) data = raw;
            else if (method === 8) data = inflateRawSync(raw);
            else {
                problems.push(`${name}: unsupported method ${method}`);
                continue;
            }
        } catch (e) {
            problems.push(`${name}: cannot inflate (${e.message})`);
            continue;
        }
        if (data.length !== size) problems.push(`${name}: size ${data.length}, directory says ${size}`);
        if (crc32(data) !== crc) problems.push(`${name}: CRC-32 mismatch`);
        entries.push({ name, size, method, data });
    }
    return { entries, problems };
}
