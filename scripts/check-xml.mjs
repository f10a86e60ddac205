#!/usr/bin/env node
// XML checks of the mod (the build's step 4, standalone):
//   node scripts/check-xml.mjs [--manifest filelist.xml] [--mod mod]
// Every XML file well-formed (file:line:column of the first error), every file the manifest
// lists present (%ModDir%/X -> mod/X), every %ModDir% reference inside the mod's XML present.
import { resolve } from "node:path";
import { formatFinding } from "./lib/lua-checks.mjs";
import { MOD_DIR, ROOT_FILELIST } from "./lib/paths.mjs";
import { checkModXml } from "./lib/modcheck.mjs";

function option(name, fallback) {
    const at = process.argv.indexOf(name);
    return at >= 0 && process.argv[at + 1] !== undefined ? resolve(process.argv[at + 1]) : fallback;
}

const { files, malformed, references } = checkModXml(option("--manifest", ROOT_FILELIST), option("--mod", MOD_DIR));
for (const f of [...malformed, ...references]) console.error(formatFinding(f));
const problems = malformed.length + references.length;
console.log(`check-xml: ${files.length} file(s), ${problems} problem(s)`);
process.exitCode = problems > 0 ? 1 : 0;
