// Where the build reads and writes. Paths are absolute; `rel` shortens them for messages.
import { existsSync, readdirSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

export const MOD_DIR = join(ROOT, "mod");
export const ROOT_FILELIST = join(ROOT, "filelist.xml");
export const PACKAGE_JSON = join(ROOT, "package.json");

export const LUA_DIR = join(ROOT, "lua");
export const BUNDLE = join(LUA_DIR, "databaseio.lua");
export const BUNDLE_MIN = join(LUA_DIR, "databaseio.min.lua");
export const MODULES_DIR = join(LUA_DIR, "modules");
export const SIM_PREFABS = join(LUA_DIR, "sim", "mod_prefabs.lua");

export const DIST_DIR = join(ROOT, "dist");
/** Folder name of the mod inside dist/ and inside the release zip. */
export const MOD_FOLDER_NAME = "DatabaseIO";
export const DIST_MOD = join(DIST_DIR, MOD_FOLDER_NAME);
/** Where the bundle lives inside the mod folder (the Autorun entry loads it from here). */
export const BUNDLE_IN_MOD = join("Lua", "DatabaseIO", "databaseio.lua");
export const BUNDLE_MIN_IN_MOD = join("Lua", "DatabaseIO", "databaseio.min.lua");

export function rel(p) {
    const r = relative(process.cwd(), p);
    return r === "" ? "." : r;
}

/** Hand-written Lua that ships in the mod (the Autorun entry and anything beside it). */
export function autorunLuaFiles() {
    const dir = join(MOD_DIR, "Lua", "Autorun");
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
        .filter((n) => n.endsWith(".lua"))
        .sort()
        .map((n) => join(dir, n));
}

/** Every Lua file the release ships, for the standalone dialect check. */
export function shippedLuaFiles() {
    return [BUNDLE, BUNDLE_MIN, ...autorunLuaFiles()].filter((p) => existsSync(p));
}

/** mod/X for a manifest path "%ModDir%/X"; undefined for any other form. */
export function resolveModDir(value, modRoot = MOD_DIR) {
    const m = /^%ModDir%[\\/](.+)$/i.exec(value.trim());
    if (!m) return undefined;
    return join(modRoot, ...m[1].split(/[\\/]/));
}
