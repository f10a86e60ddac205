#!/usr/bin/env node
// Patch argument tables read by name (they raise on MoonSharp; see checkPatchArgs).
//   node scripts/check-patch-args.mjs [file.lua ...]
// Without arguments it checks the shipped bundle (plain and minified) and the Autorun entry.
// Prints file:line:column for every finding; exits 1 when there is any.
import { checkPatchArgs, runCheckCli } from "./lib/lua-checks.mjs";
import { shippedLuaFiles } from "./lib/paths.mjs";

const files = process.argv.slice(2);
runCheckCli("check-patch-args", checkPatchArgs, files.length > 0 ? files : shippedLuaFiles(), "finding(s)");
