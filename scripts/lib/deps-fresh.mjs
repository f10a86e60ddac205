// Exit 0 when node_modules matches package-lock.json (every locked package installed at the
// locked version), 1 otherwise, naming the first difference.
//   node scripts/lib/deps-fresh.mjs
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./paths.mjs";

function stale(reason) {
    console.log(`node_modules is stale: ${reason}`);
    process.exit(1);
}

const lockPath = join(ROOT, "package-lock.json");
if (!existsSync(lockPath)) stale("no package-lock.json");
const lock = JSON.parse(readFileSync(lockPath, "utf8"));
const packages = lock.packages ?? {};
for (const [where, info] of Object.entries(packages)) {
    if (where === "" || !where.startsWith("node_modules/")) continue;
    const manifest = join(ROOT, where, "package.json");
    if (!existsSync(manifest)) {
        if (info.optional === true) continue;
        stale(`${where} is missing`);
    }
    const installed = JSON.parse(readFileSync(manifest, "utf8")).version;
    if (info.version !== undefined && installed !== info.version) stale(`${where} is ${installed}, the lock wants ${info.version}`);
}
