// Minimal PNG codec for 8-bit RGBA, non-interlaced images (all the mod's textures are that).
import { deflateSync, inflateSync } from "node:zlib";
import { crc32 } from "./crc32.mjs";

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type, data) {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, "ascii");
    data.copy(out, 8);
    out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
}

function paeth(a, b, c) {
    const p = a + b - c;
    const pa = Math.abs(p - a);
    const pb = Math.abs(p - b);
    const pc = Math.abs(p - c);
    if (pa <= pb && pa <= pc) return a;
    return pb <= pc ? b : c;
}

/** Filters one scanline with the given filter type (0..4). */
function filterRow(type, row, prev, bpp) {
    const out = Buffer.alloc(row.length);
    for (let i = 0; i < row.length; i++) {
        const a = i >= bpp ? row[i - bpp] : 0;
        const b = prev ? prev[i] : 0;
        const c = prev && i >= bpp ? prev[i - bpp] : 0;
        let pred = 0;
        if (type === 1) pred = a;
        else if (type === 2) pred = b;
        else if (type === 3) pred = (a + b) >>> 1;
        else if (type === 4) pred = paeth(a, b, c);
        out[i] = (row[i] - pred) & 0xff;
    }
    return out;
}

/** Encodes RGBA pixels (Uint8Array, width*height*4) as a PNG file. Deterministic for a given zlib. */
export function encodePng(width, height, rgba) {
    const stride = width * 4;
    const parts = [];
    let prev;
    for (let y = 0; y < height; y++) {
        const row = Buffer.from(rgba.buffer, rgba.byteOffset + y * stride, stride);
        // Pick the filter with the smallest sum of absolute residuals (the usual heuristic).
        let best;
        let bestType = 0;
        let bestScore = Infinity;
        for (let type = 0; type <= 4; type++) {
            const f = filterRow(type, row, prev, 4);
            let score = 0;
            for (const v of f) score += v < 128 ? v : 256 - v;
            if (score < bestScore) {
                bestScore = score;
                best = f;
                bestType = type;
            }
        }
        parts.push(Buffer.from([bestType]), best);
        prev = row;
    }
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(width, 0);
    ihdr.writeUInt32BE(height, 4);
    ihdr[8] = 8; // bit depth
    ihdr[9] = 6; // RGBA
    ihdr[10] = 0; // deflate
    ihdr[11] = 0; // adaptive filtering
    ihdr[12] = 0; // no interlace
    const idat = deflateSync(Buffer.concat(parts), { level: 9 });
    return Buffer.concat([SIGNATURE, chunk("IHDR", ihdr), chunk("IDAT", idat), chunk("IEND", Buffer.alloc(0))]);
}

/** Decodes a PNG written by encodePng (8-bit RGBA, no interlace). Throws on anything else. */
export function decodePng(file) {
    if (file.length < 8 || !file.subarray(0, 8).equals(SIGNATURE)) throw new Error("not a PNG file");
    let pos = 8;
    let width = 0;
    let height = 0;
    const idat = [];
    while (pos < file.length) {
        const len = file.readUInt32BE(pos);
        const type = file.toString("ascii", pos + 4, pos + 8);
        const data = file.subarray(pos + 8, pos + 8 + len);
        const crc = file.readUInt32BE(pos + 8 + len);
        if (crc32(file.subarray(pos + 4, pos + 8 + len)) !== crc) throw new Error(`bad CRC in chunk ${type}`);
        if (type === "IHDR") {
            width = data.readUInt32BE(0);
            height = data.readUInt32BE(4);
            if (data[8] !== 8 || data[9] !== 6 || data[12] !== 0) throw new Error("only 8-bit RGBA non-interlaced PNGs are supported");
        } else if (type === "IDAT") {
            idat.push(data);
        } else if (type === "IEND") {
            break;
        }
        pos += 12 + len;
    }
    const raw = inflateSync(Buffer.concat(idat));
    const stride = width * 4;
    const out = new Uint8Array(width * height * 4);
    for (let y = 0; y < height; y++) {
        const type = raw[y * (stride + 1)];
        const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
        for (let i = 0; i < stride; i++) {
            const a = i >= 4 ? out[y * stride + i - 4] : 0;
            const b = y > 0 ? out[(y - 1) * stride + i] : 0;
            const c = y > 0 && i >= 4 ? out[(y - 1) * stride + i - 4] : 0;
            let pred = 0;
            if (type === 1) pred = a;
            else if (type === 2) pred = b;
            else if (type === 3) pred = (a + b) >>> 1;
            else if (type === 4) pred = paeth(a, b, c);
            else if (type !== 0) throw new Error(`bad filter type ${type} on row ${y}`);
            out[y * stride + i] = (src[i] + pred) & 0xff;
        }
    }
    return { width, height, rgba: out };
}
