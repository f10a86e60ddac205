#!/usr/bin/env node
// Verifies a ZIP archive: every entry inflates to its recorded size and CRC-32.
//   node scripts/verify-zip.mjs archive.zip [required/entry ...]
// Lists the entries; exits 1 on any damage or when a required entry is missing.
import { readFileSync } from "node:fs";
import { readZip } from "./lib/zip.mjs";

const [archive, ...required] = process.argv.slice(2);
if (archive === undefined) {
    console.error("usage: node scripts/verify-zip.mjs archive.zip [required/entry ...]");
    process.exit(2);
}
let buf;
try {
    buf = readFileSync(archive);
} catch (e) {
    console.error(`${archive}: cannot read: ${e.message}`);
    process.exit(1);
}
const { entries, problems } = await readZip(buf);
for (const e of entries) console.log(`${e.method === 8 ? "deflate" : "store  "} ${String(e.size).padStart(9)} ${e.name}`);
const names = new Set(entries.map((e) => e.name));
for (const r of required) if (!names.has(r)) problems.push(`missing entry ${r}`);
for (const p of problems) console.error(`${archive}: ${p}`);
console.log(`verify-zip: ${entries.length} entries, ${problems.length} problem(s)`);
process.exitCode = problems.length > 0 ? 1 : 0;
