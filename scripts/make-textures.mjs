#!/usr/bin/env node
// Draws the mod's textures as pixel art and writes them as PNG:
//   mod/Textures/DatabaseCore.png      in-world sprite of the Database Core (128x192)
//   mod/Textures/DatabaseCoreIcon.png  inventory icon (64x64)
//   mod/PreviewImage.png               Workshop preview (512x512)
// Deterministic: the same script always draws the same pixels (a seeded generator picks which
// data cells glow).
//   node scripts/make-textures.mjs            write the PNGs
//   node scripts/make-textures.mjs --check    compare the committed PNGs' pixels with a fresh
//                                             drawing; exit 1 when any differs or is missing
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import pngjs from "pngjs";
import { MOD_DIR, rel } from "./lib/paths.mjs";

// ---------------------------------------------------------------- PNG

// PNG files are written and read by pngjs: 8-bit RGBA, adaptive filtering, zlib level 9 with the
// default strategy (the same zlib settings for every file, so the bytes depend only on the pixels
// and the zlib that node ships).
const PNG_OPTIONS = { colorType: 6, inputColorType: 6, bitDepth: 8, inputHasAlpha: true, deflateLevel: 9, deflateStrategy: 0, filterType: -1 };

function encodePng(width, height, rgba) {
    return pngjs.PNG.sync.write({ width, height, data: Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength) }, PNG_OPTIONS);
}

/** Reads any PNG as 8-bit RGBA (pngjs checks the signature, chunk CRCs and the zlib stream). */
function decodePng(file) {
    const png = pngjs.PNG.sync.read(file);
    return { width: png.width, height: png.height, rgba: png.data };
}

// ---------------------------------------------------------------- canvas

class Canvas {
    constructor(width, height) {
        this.width = width;
        this.height = height;
        this.rgba = new Uint8Array(width * height * 4);
    }

    /** Alpha-composites `color` ([r,g,b,a], a in 0..255) over the pixel at (x, y). */
    blend(x, y, color, strength = 1) {
        x = Math.floor(x);
        y = Math.floor(y);
        if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
        const i = (y * this.width + x) * 4;
        const a = (color[3] / 255) * strength;
        if (a <= 0) return;
        const da = this.rgba[i + 3] / 255;
        const outA = a + da * (1 - a);
        for (let c = 0; c < 3; c++) {
            const v = (color[c] * a + this.rgba[i + c] * da * (1 - a)) / outA;
            this.rgba[i + c] = Math.round(v);
        }
        this.rgba[i + 3] = Math.round(outA * 255);
    }

    /** Adds light (clamped), for glows. */
    add(x, y, color, strength) {
        x = Math.floor(x);
        y = Math.floor(y);
        if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
        const i = (y * this.width + x) * 4;
        if (this.rgba[i + 3] === 0) return;
        for (let c = 0; c < 3; c++) this.rgba[i + c] = Math.min(255, Math.round(this.rgba[i + c] + color[c] * strength));
    }

    rect(x, y, w, h, color) {
        for (let yy = y; yy < y + h; yy++) for (let xx = x; xx < x + w; xx++) this.blend(xx, yy, color);
    }

    /** A raised (or sunken) panel: fill plus a one-pixel light and dark edge. */
    bevel(x, y, w, h, fill, light, dark, sunken = false) {
        this.rect(x, y, w, h, fill);
        const top = sunken ? dark : light;
        const bottom = sunken ? light : dark;
        this.rect(x, y, w, 1, top);
        this.rect(x, y, 1, h, top);
        this.rect(x, y + h - 1, w, 1, bottom);
        this.rect(x + w - 1, y, 1, h, bottom);
    }

    /** Copies `src` scaled by an integer factor (nearest neighbour) with alpha blending. */
    drawScaled(src, x, y, factor) {
        for (let sy = 0; sy < src.height; sy++) {
            for (let sx = 0; sx < src.width; sx++) {
                const i = (sy * src.width + sx) * 4;
                const color = [src.rgba[i], src.rgba[i + 1], src.rgba[i + 2], src.rgba[i + 3]];
                if (color[3] === 0) continue;
                for (let dy = 0; dy < factor; dy++) for (let dx = 0; dx < factor; dx++) this.blend(x + sx * factor + dx, y + sy * factor + dy, color);
            }
        }
    }
}

/** Small deterministic generator (mulberry32). */
function rng(seed) {
    let s = seed >>> 0;
    return () => {
        s = (s + 0x6d2b79f5) >>> 0;
        let t = s;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

const hex = (h, a = 255) => [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16), a];

const PALETTE = {
    steel: hex("#262d36"),
    steelLight: hex("#46525f"),
    steelDark: hex("#12161b"),
    panel: hex("#1a2028"),
    screen: hex("#04121a"),
    gridLine: hex("#0b2431"),
    cellOff: hex("#0a2230"),
    cellDim: hex("#0f4a5a"),
    cellMid: hex("#1b8fa0"),
    cellOn: hex("#3fe0d0"),
    cellHot: hex("#c8fff4"),
    glow: hex("#3fe0d0"),
    screw: hex("#6b7784"),
    screwDark: hex("#2b3138"),
    ledGreen: hex("#52f28a"),
    ledAmber: hex("#ffb347"),
    ledCyan: hex("#3fd7ff"),
    label: hex("#070a0d"),
    labelEdge: hex("#234a58"),
};

// ---------------------------------------------------------------- the Database Core

/**
 * Draws the core into `c` at (x, y) with size (w, h). `unit` scales details (1 for the in-world
 * sprite; the icon uses a smaller grid). Returns nothing; pure function of its arguments.
 */
function drawCore(c, x, y, w, h, { cell, seed, detail }) {
    const P = PALETTE;
    // Cabinet body.
    c.bevel(x, y, w, h, P.steel, P.steelLight, P.steelDark);
    c.bevel(x + 2, y + 2, w - 4, h - 4, P.steel, P.steelLight, P.steelDark, true);

    const margin = Math.max(3, Math.round(w * 0.07));
    // Header with status lights and a vent.
    const headerH = Math.max(5, Math.round(h * 0.08));
    const headerY = y + margin;
    c.bevel(x + margin, headerY, w - 2 * margin, headerH, P.panel, P.steelLight, P.steelDark, true);
    const led = Math.max(1, Math.round(headerH / 3));
    const ledY = headerY + Math.floor((headerH - led) / 2);
    const leds = [P.ledGreen, P.ledAmber, P.ledCyan];
    for (let i = 0; i < leds.length; i++) {
        const lx = x + margin + 2 + i * (led + 2);
        c.rect(lx, ledY, led, led, leds[i]);
        if (detail) for (const [dx, dy] of [[-1, 0], [led, 0], [0, -1], [0, led]]) c.add(lx + dx, ledY + dy, leds[i], 0.25);
    }
    if (detail) {
        const ventX = x + margin + 2 + leds.length * (led + 2) + 4;
        for (let vx = ventX; vx < x + w - margin - 3; vx += 3) c.rect(vx, headerY + 2, 1, headerH - 4, P.steelDark);
    }

    // The data screen: a grid of cells, some glowing.
    const screenY = headerY + headerH + margin;
    const labelH = Math.max(6, Math.round(h * 0.17));
    const screenH = y + h - margin - labelH - margin - screenY;
    const screenX = x + margin;
    const screenW = w - 2 * margin;
    c.bevel(screenX, screenY, screenW, screenH, P.screen, P.steelLight, P.steelDark, true);
    const cols = Math.floor((screenW - 3) / cell);
    const rows = Math.floor((screenH - 3) / cell);
    const gx = screenX + Math.floor((screenW - cols * cell) / 2) + 1;
    const gy = screenY + Math.floor((screenH - rows * cell) / 2) + 1;
    const random = rng(seed);
    const lit = [];
    for (let r = 0; r < rows; r++) {
        for (let col = 0; col < cols; col++) {
            // Rows fill up from the bottom like a storage gauge, with scattered activity.
            const fill = r / rows;
            const v = random();
            let color = P.cellOff;
            if (v < 0.06) color = P.cellHot;
            else if (v < 0.3 + fill * 0.35) color = P.cellOn;
            else if (v < 0.55 + fill * 0.3) color = P.cellMid;
            else if (v < 0.8) color = P.cellDim;
            const cx = gx + col * cell;
            const cy = gy + r * cell;
            c.rect(cx, cy, cell - 1, cell - 1, color);
            if (detail && cell >= 6) c.rect(cx, cy, cell - 1, 1, [255, 255, 255, color === P.cellOff ? 6 : 40]);
            if (color === P.cellHot || color === P.cellOn) lit.push([cx, cy, color === P.cellHot ? 0.22 : 0.1]);
        }
    }
    // Soft glow around lit cells, inside the screen only.
    const glowR = Math.max(1, Math.round(cell / 2));
    for (const [cx, cy, s] of lit) {
        for (let dy = -glowR; dy < cell - 1 + glowR; dy++) {
            for (let dx = -glowR; dx < cell - 1 + glowR; dx++) {
                const px = cx + dx;
                const py = cy + dy;
                if (px <= screenX || py <= screenY || px >= screenX + screenW - 1 || py >= screenY + screenH - 1) continue;
                const inside = dx >= 0 && dy >= 0 && dx < cell - 1 && dy < cell - 1;
                if (!inside) c.add(px, py, P.glow, s);
            }
        }
    }

    // Label strip: where the status text is drawn in game.
    const labelY = y + h - margin - labelH;
    c.bevel(x + margin, labelY, w - 2 * margin, labelH, P.label, P.labelEdge, P.labelEdge);

    // Screws in the corners.
    if (detail) {
        const s = 3;
        for (const [sx, sy] of [[x + 3, y + 3], [x + w - 3 - s, y + 3], [x + 3, y + h - 3 - s], [x + w - 3 - s, y + h - 3 - s]]) {
            c.rect(sx, sy, s, s, P.screw);
            c.rect(sx + 1, sy, 1, s, P.screwDark);
        }
    }
}

function coreSprite() {
    const c = new Canvas(128, 192);
    drawCore(c, 0, 0, 128, 192, { cell: 8, seed: 0xdb10, detail: true });
    return c;
}

function coreIcon() {
    const c = new Canvas(64, 64);
    drawCore(c, 12, 2, 40, 60, { cell: 4, seed: 0xdb11, detail: false });
    return c;
}

// ---------------------------------------------------------------- preview image

// 5x7 glyphs for the title, one string per row ('#' = lit).
const GLYPHS = {
    A: [" ### ", "#   #", "#   #", "#####", "#   #", "#   #", "#   #"],
    B: ["#### ", "#   #", "#   #", "#### ", "#   #", "#   #", "#### "],
    D: ["#### ", "#   #", "#   #", "#   #", "#   #", "#   #", "#### "],
    E: ["#####", "#    ", "#    ", "#### ", "#    ", "#    ", "#####"],
    I: ["#####", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ", "#####"],
    O: [" ### ", "#   #", "#   #", "#   #", "#   #", "#   #", " ### "],
    S: [" ####", "#    ", "#    ", " ### ", "    #", "    #", "#### "],
    T: ["#####", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ", "  #  "],
    " ": ["     ", "     ", "     ", "     ", "     ", "     ", "     "],
};

function drawText(c, text, x, y, scale, color, shadow) {
    let cx = x;
    for (const ch of text) {
        const glyph = GLYPHS[ch];
        for (let gy = 0; gy < 7; gy++) {
            for (let gx = 0; gx < 5; gx++) {
                if (glyph[gy][gx] !== "#") continue;
                if (shadow) c.rect(cx + gx * scale + 2, y + gy * scale + 2, scale, scale, shadow);
                c.rect(cx + gx * scale, y + gy * scale, scale, scale, color);
            }
        }
        cx += 6 * scale;
    }
}

function textWidth(text, scale) {
    return text.length * 6 * scale - scale;
}

function previewImage() {
    const size = 512;
    const c = new Canvas(size, size);
    // Deep-sea gradient background with a faint grid.
    const top = hex("#061019");
    const bottom = hex("#0c2433");
    for (let y = 0; y < size; y++) {
        const t = y / (size - 1);
        const row = [0, 1, 2].map((k) => Math.round(top[k] + (bottom[k] - top[k]) * t));
        c.rect(0, y, size, 1, [...row, 255]);
    }
    for (let i = 0; i < size; i += 32) {
        c.rect(i, 0, 1, size, [40, 120, 150, 28]);
        c.rect(0, i, size, 1, [40, 120, 150, 28]);
    }
    // Halo behind the core.
    const cx = size / 2;
    const cy = 212;
    for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
            const d = Math.hypot((x - cx) / 1.0, (y - cy) / 1.25);
            const s = Math.max(0, 1 - d / 230);
            if (s > 0) c.add(x, y, PALETTE.glow, 0.22 * s * s);
        }
    }
    // The core itself, drawn at twice the in-world sprite size.
    const sprite = coreSprite();
    const factor = 2;
    c.drawScaled(sprite, Math.round(cx - (sprite.width * factor) / 2), 40, factor);
    // Title.
    const title = "DATABASE IO";
    const scale = 6;
    drawText(c, title, Math.round((size - textWidth(title, scale)) / 2), 440, scale, hex("#c8fff4"), [0, 0, 0, 160]);
    return c;
}

// ---------------------------------------------------------------- the interfaces

/**
 * One interface drawn into `c` at (x, y), size (w, h): a steel case with an intake slot (an open
 * hopper with chevrons pointing in) and a status strip. `unpack` adds a box outline with an arrow
 * out of it (contents go in, the container stays); `wall` adds mounting bolts and a power LED.
 */
function drawInterface(c, x, y, w, h, { unpack, wall }) {
    const P = PALETTE;
    c.bevel(x, y, w, h, P.steel, P.steelLight, P.steelDark);
    const m = Math.max(3, Math.round(w / 12));
    // Intake slot: a sunken dark mouth across the upper part.
    const sx = x + m, sy = y + m, sw = w - 2 * m, sh = Math.round(h * 0.45);
    c.bevel(sx, sy, sw, sh, P.screen, P.steelDark, P.steelLight, true);
    // Chevrons pointing down into the slot.
    const chev = Math.max(2, Math.round(sw / 10));
    const cy = sy + Math.round(sh / 2) - chev;
    for (let k = 0; k < 3; k++) {
        const cx = sx + Math.round(sw * (0.25 + 0.25 * k));
        for (let i = 0; i < chev; i++) {
            c.blend(cx - chev + i, cy + i, P.cellOn);
            c.blend(cx + chev - i, cy + i, P.cellOn);
            c.add(cx - chev + i, cy + i + 1, P.glow, 0.25);
            c.add(cx + chev - i, cy + i + 1, P.glow, 0.25);
        }
    }
    // Status strip with a row of data cells.
    const py = sy + sh + m;
    const ph = Math.max(4, y + h - m - py);
    c.bevel(sx, py, sw, ph, P.label, P.labelEdge, P.labelEdge);
    const cell = Math.max(2, Math.round(ph / 3));
    const glowing = rng(unpack ? 7 : 3);
    for (let cx = sx + 2; cx + cell <= sx + sw - 2; cx += cell + 1) {
        const r = glowing();
        c.rect(cx, py + Math.round((ph - cell) / 2), cell, cell, r > 0.7 ? P.cellOn : r > 0.35 ? P.cellMid : P.cellDim);
    }
    if (unpack) {
        // A box outline in the slot with an arrow rising out of it.
        const bw = Math.round(sw * 0.3), bh = Math.round(sh * 0.35);
        const bx = sx + Math.round((sw - bw) / 2), by = sy + sh - bh - 2;
        c.rect(bx, by, bw, 1, P.ledAmber);
        c.rect(bx, by + bh - 1, bw, 1, P.ledAmber);
        c.rect(bx, by, 1, bh, P.ledAmber);
        c.rect(bx + bw - 1, by, 1, bh, P.ledAmber);
    }
    if (wall) {
        for (const [bx, by] of [[x + 2, y + 2], [x + w - 4, y + 2], [x + 2, y + h - 4], [x + w - 4, y + h - 4]]) {
            c.rect(bx, by, 2, 2, P.screw);
            c.blend(bx + 1, by + 1, P.screwDark);
        }
        c.rect(x + w - m - 3, y + Math.round(m / 2), 3, 2, P.ledGreen);
    } else {
        // A handle on top of the handheld case.
        c.rect(x + Math.round(w * 0.3), y, Math.round(w * 0.4), 2, P.steelLight);
    }
}

/** Sprite sheet: handheld 64x48 at (0,0) and (64,0); wall-mounted 96x96 at (0,48) and (96,48). */
function interfaceSprites() {
    const c = new Canvas(192, 144);
    drawInterface(c, 2, 4, 60, 42, { unpack: false, wall: false });
    drawInterface(c, 66, 4, 60, 42, { unpack: true, wall: false });
    drawInterface(c, 2, 50, 92, 92, { unpack: false, wall: true });
    drawInterface(c, 98, 50, 92, 92, { unpack: true, wall: true });
    return c;
}

/** Inventory icons, 64x64 each, in the order handheld, handheld unpack, wall, wall unpack. */
function interfaceIcons() {
    const c = new Canvas(256, 64);
    drawInterface(c, 4, 10, 56, 44, { unpack: false, wall: false });
    drawInterface(c, 68, 10, 56, 44, { unpack: true, wall: false });
    drawInterface(c, 132, 4, 56, 56, { unpack: false, wall: true });
    drawInterface(c, 196, 4, 56, 56, { unpack: true, wall: true });
    return c;
}

// ---------------------------------------------------------------- terminals

/**
 * A database terminal: a case with a screen showing a grid of item cells (one page) and a row
 * of button caps below it. `wall` adds mounting bolts and a power LED; the handheld one a grip.
 */
function drawTerminal(c, x, y, w, h, { wall }) {
    const P = PALETTE;
    c.bevel(x, y, w, h, P.steel, P.steelLight, P.steelDark);
    const m = Math.max(3, Math.round(w / 14));
    const sx = x + m, sy = y + m, sw = w - 2 * m, sh = Math.round(h * 0.62);
    c.bevel(sx, sy, sw, sh, P.screen, P.steelDark, P.steelLight, true);
    const cell = Math.max(3, Math.round(sw / 9));
    const lit = rng(wall ? 11 : 5);
    for (let cy = sy + 2; cy + cell <= sy + sh - 2; cy += cell + 1) {
        for (let cx = sx + 2; cx + cell <= sx + sw - 2; cx += cell + 1) {
            const r = lit();
            c.rect(cx, cy, cell, cell, r > 0.75 ? P.cellOn : r > 0.4 ? P.cellMid : P.cellOff);
        }
    }
    const by = sy + sh + Math.max(2, Math.round(m / 2));
    const bh = Math.max(3, y + h - m - by);
    const bw = Math.max(3, Math.round((sw - 5) / 6));
    for (let k = 0; k < 6; k++) {
        const bx = sx + k * (bw + 1);
        c.bevel(bx, by, bw, bh, k === 5 ? P.labelEdge : P.panel, P.steelLight, P.steelDark);
    }
    if (wall) {
        for (const [bx, bb] of [[x + 2, y + 2], [x + w - 4, y + 2], [x + 2, y + h - 4], [x + w - 4, y + h - 4]]) {
            c.rect(bx, bb, 2, 2, P.screw);
            c.blend(bx + 1, bb + 1, P.screwDark);
        }
        c.rect(x + w - m - 3, y + Math.round(m / 2), 3, 2, P.ledGreen);
    } else {
        c.rect(x + Math.round(w * 0.3), y, Math.round(w * 0.4), 2, P.steelLight);
    }
}

/** Sprite sheet: handheld 64x48 at (0,0), wall-mounted 96x96 at (0,48). */
function terminalSprites() {
    const c = new Canvas(96, 144);
    drawTerminal(c, 2, 4, 60, 42, { wall: false });
    drawTerminal(c, 2, 50, 92, 92, { wall: true });
    return c;
}

/** Inventory icons, 64x64 each: handheld, wall-mounted. */
function terminalIcons() {
    const c = new Canvas(128, 64);
    drawTerminal(c, 4, 10, 56, 44, { wall: false });
    drawTerminal(c, 68, 4, 56, 56, { wall: true });
    return c;
}

// ---------------------------------------------------------------- output

const OUTPUTS = [
    { path: join(MOD_DIR, "Textures", "DatabaseCore.png"), draw: coreSprite },
    { path: join(MOD_DIR, "Textures", "DatabaseCoreIcon.png"), draw: coreIcon },
    { path: join(MOD_DIR, "PreviewImage.png"), draw: previewImage },
    { path: join(MOD_DIR, "Textures", "Interfaces.png"), draw: interfaceSprites },
    { path: join(MOD_DIR, "Textures", "InterfaceIcons.png"), draw: interfaceIcons },
    { path: join(MOD_DIR, "Textures", "Terminals.png"), draw: terminalSprites },
    { path: join(MOD_DIR, "Textures", "TerminalIcons.png"), draw: terminalIcons },
];

function samePixels(a, canvas) {
    if (a.width !== canvas.width || a.height !== canvas.height) return false;
    const b = canvas.rgba;
    for (let i = 0; i < b.length; i++) if (a.rgba[i] !== b[i]) return false;
    return true;
}

const check = process.argv.includes("--check");
let problems = 0;
for (const out of OUTPUTS) {
    const canvas = out.draw();
    if (check) {
        if (!existsSync(out.path)) {
            console.error(`${rel(out.path)}:1:1: missing (run node scripts/make-textures.mjs)`);
            problems += 1;
            continue;
        }
        let decoded;
        try {
            decoded = decodePng(readFileSync(out.path));
        } catch (e) {
            console.error(`${rel(out.path)}:1:1: unreadable PNG: ${e.message}`);
            problems += 1;
            continue;
        }
        if (!samePixels(decoded, canvas)) {
            console.error(`${rel(out.path)}:1:1: pixels differ from scripts/make-textures.mjs (run it and commit the result)`);
            problems += 1;
        } else {
            console.log(`${rel(out.path)}: ${canvas.width}x${canvas.height} up to date`);
        }
    } else {
        mkdirSync(dirname(out.path), { recursive: true });
        const png = encodePng(canvas.width, canvas.height, canvas.rgba);
        writeFileSync(out.path, png);
        console.log(`${rel(out.path)}: ${canvas.width}x${canvas.height}, ${png.length} bytes`);
    }
}
process.exitCode = problems > 0 ? 1 : 0;
