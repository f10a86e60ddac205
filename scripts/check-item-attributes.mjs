#!/usr/bin/env node
// Item XML attribute check (part of the build's xml step, standalone here):
//   node scripts/check-item-attributes.mjs [--mod mod]
// Every attribute of every element under an <Item> in <mod>/Items/*.xml must be one the game reads
// on that element (scripts/lib/item-attributes.mjs); prints file:line for each that is not.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { formatFinding } from "./lib/lua-checks.mjs";
import { MOD_DIR, rel } from "./lib/paths.mjs";
import { listFiles } from "./lib/modcheck.mjs";
import { checkItemAttributes } from "./lib/item-attributes.mjs";

const at = process.argv.indexOf("--mod");
const modDir = at >= 0 && process.argv[at + 1] !== undefined ? resolve(process.argv[at + 1]) : MOD_DIR;
const files = listFiles(join(modDir, "Items"), (name) => name.toLowerCase().endsWith(".xml"));
const findings = files.flatMap((f) => checkItemAttributes(readFileSync(f, "utf8"), rel(f)));
for (const f of findings) console.error(formatFinding(f));
console.log(`check-item-attributes: ${files.length} file(s), ${findings.length} problem(s)`);
process.exitCode = findings.length > 0 ? 1 : 0;
