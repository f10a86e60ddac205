#!/usr/bin/env node
// MoonSharp dialect and global-hygiene check for shipped Lua.
//   node scripts/check-dialect.mjs [file.lua ...]
// Without arguments it checks the shipped bundle (plain and minified) and the Autorun entry.
// Prints file:line:column for every finding; exits 1 when there is any.
import { readFileSync } from "node:fs";
import { checkDialect, formatFinding } from "./lib/lua-checks.mjs";
import { shippedLuaFiles } from "./lib/paths.mjs";

const files = process.argv.slice(2);
const targets = files.length > 0 ? files : shippedLuaFiles();
let total = 0;
for (const file of targets) {
    let source;
    try {
        source = readFileSync(file, "utf8");
    } catch (e) {
        console.error(`${file}:1:1: cannot read: ${e.message}`);
        total += 1;
        continue;
    }
    const findings = checkDialect(source, file);
    for (const f of findings) console.error(formatFinding(f));
    total += findings.length;
}
console.log(`check-dialect: ${targets.length} file(s), ${total} finding(s)`);
process.exitCode = total > 0 ? 1 : 0;
