// The release zip: written with fflate, read back and checked with yauzl.
// The archive is deterministic: entries are sorted, every entry carries the same timestamp and
// Unix mode, and fflate's deflate is plain JavaScript, so the same files give the same bytes on
// any machine and node version.
import * as zlib from "node:zlib";
import { deflateSync, zipSync } from "fflate";
import yauzl from "yauzl";

// 2020-01-01 00:00:00. ZIP stores local date and time fields and fflate reads them with the
// local-time getters, so the Date is built from local fields: the same stamp in every time zone.
const MTIME = new Date(2020, 0, 1, 0, 0, 0);
const OS_UNIX = 3;

// CRC-32 comes from node's zlib (20.15 and later): neither fflate nor yauzl exports one.
if (typeof zlib.crc32 !== "function") throw new Error(`node ${process.version} has no zlib.crc32: Node 20.15 or later is required`);
const MSDOS_DIRECTORY = 0x10;

/** External attributes: the Unix mode in the high 16 bits (directories 0755, files 0644). */
function attrsOf(isDir) {
    return (((isDir ? 0o40755 : 0o100644) << 16) | (isDir ? MSDOS_DIRECTORY : 0)) >>> 0;
}

/**
 * Builds a ZIP archive. `entries` are { name, data } (data: Buffer) for files and
 * { name } with a trailing "/" for directories. Returns a Buffer.
 */
export function buildZip(entries) {
    const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const files = {};
    for (const entry of sorted) {
        const isDir = entry.name.endsWith("/");
        const data = isDir ? new Uint8Array(0) : new Uint8Array(entry.data.buffer, entry.data.byteOffset, entry.data.byteLength);
        // Stored when deflate does not make it smaller (directories, empty files, PNGs).
        const level = !isDir && data.length > 0 && deflateSync(data, { level: 9 }).length < data.length ? 9 : 0;
        files[entry.name] = [data, { level, mtime: MTIME, os: OS_UNIX, attrs: attrsOf(isDir) }];
    }
    return Buffer.from(zipSync(files));
}

/** Reads one entry's local header and data; pushes what is wrong to `problems`, returns the data or undefined. */
async function readEntry(zip, entry, problems) {
    const name = entry.fileName;
    try {
        const local = await zip.readLocalFileHeaderPromise(entry);
        const localName = local.fileName.toString("utf8");
        if (localName !== name) problems.push(`${name}: local header names ${localName}`);
        if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
            problems.push(`${name}: unsupported method ${entry.compressionMethod}`);
            return undefined;
        }
        // yauzl inflates and checks the inflated size against the directory; the CRC-32 is ours to check.
        const stream = await zip.openReadStreamPromise(entry);
        const chunks = [];
        for await (const chunk of stream) chunks.push(chunk);
        const data = Buffer.concat(chunks);
        if (zlib.crc32(data) !== entry.crc32) problems.push(`${name}: CRC-32 mismatch`);
        return data;
    } catch (e) {
        problems.push(`${name}: cannot read (${e.message})`);
        return undefined;
    }
}

/**
 * Reads and verifies a ZIP archive: walks the central directory, checks each local header
 * against it, inflates every file and compares sizes and CRC-32. Resolves to
 * { entries: [{ name, size, method, data }], problems: [string] }.
 */
export async function readZip(buf) {
    const problems = [];
    const entries = [];
    let zip;
    try {
        zip = await yauzl.fromBufferPromise(buf, { lazyEntries: true, strictFileNames: true });
    } catch (e) {
        return { entries, problems: [e.message] };
    }
    await new Promise((resolve) => {
        zip.on("entry", async (entry) => {
            const data = await readEntry(zip, entry, problems);
            if (data !== undefined) entries.push({ name: entry.fileName, size: entry.uncompressedSize, method: entry.compressionMethod, data });
            zip.readEntry();
        });
        zip.on("error", (e) => {
            problems.push(`central directory: ${e.message}`);
            resolve();
        });
        zip.on("end", resolve);
        zip.readEntry();
    });
    return { entries, problems };
}
