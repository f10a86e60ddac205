#!/usr/bin/env node
// Generates the simulated runtime's prefab definitions from a mod's item and text XML (the
// build does the same as its last step).
//   node scripts/make-prefabs.mjs [--manifest filelist.xml] [--mod mod] [--out lua/sim/mod_prefabs.lua]
// Prints file:line for incomplete XML (e.g. a missing translation) and exits 1.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { formatFinding } from "./lib/lua-checks.mjs";
import { MOD_DIR, ROOT_FILELIST, SIM_PREFABS, rel } from "./lib/paths.mjs";
import { buildPrefabs, prefabsModule } from "./lib/prefabs.mjs";
import { readManifest } from "./lib/xml.mjs";

function option(name, fallback) {
    const at = process.argv.indexOf(name);
    return at >= 0 && process.argv[at + 1] !== undefined ? resolve(process.argv[at + 1]) : fallback;
}

const manifest = option("--manifest", ROOT_FILELIST);
const modRoot = option("--mod", MOD_DIR);
const out = option("--out", SIM_PREFABS);

const { root, entries } = readManifest(manifest);
if (root === undefined) {
    console.error(`${rel(manifest)}:1:1: root element must be <contentpackage>`);
    process.exit(1);
}
const { prefabs, findings } = buildPrefabs(entries, modRoot, rel(manifest));
for (const f of findings) console.error(formatFinding(f));
if (findings.length > 0) process.exit(1);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, prefabsModule(prefabs));
console.log(`${rel(out)}: ${prefabs.map((p) => p.identifier).join(", ")}`);
