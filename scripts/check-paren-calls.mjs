#!/usr/bin/env node
// Finds `(f())` / `(...)` in multi-value positions, whose meaning luamin 1.0.4 changes by
// dropping the parentheses.
//   node scripts/check-paren-calls.mjs [file.lua ...]   (default: the plain bundle)
// Prints file:line:column for every site; exits 1 when there is any.
import { checkParenCalls, runCheckCli } from "./lib/lua-checks.mjs";
import { BUNDLE } from "./lib/paths.mjs";

const files = process.argv.slice(2);
runCheckCli("check-paren-calls", checkParenCalls, files.length > 0 ? files : [BUNDLE], "risky site(s)");
