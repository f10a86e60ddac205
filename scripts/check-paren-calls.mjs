#!/usr/bin/env node
// Finds `(f())` / `(...)` in multi-value positions, whose meaning luamin 1.0.4 changes by
// dropping the parentheses.
//   node scripts/check-paren-calls.mjs [file.lua ...]   (default: the plain bundle)
// Prints file:line:column for every site; exits 1 when there is any.
import { readFileSync } from "node:fs";
import { checkParenCalls, formatFinding } from "./lib/lua-checks.mjs";
import { BUNDLE } from "./lib/paths.mjs";

const files = process.argv.slice(2);
const targets = files.length > 0 ? files : [BUNDLE];
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
    const findings = checkParenCalls(source, file);
    for (const f of findings) console.error(formatFinding(f));
    total += findings.length;
}
console.log(`check-paren-calls: ${targets.length} file(s), ${total} risky site(s)`);
process.exitCode = total > 0 ? 1 : 0;
