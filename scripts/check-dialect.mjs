#!/usr/bin/env node
// MoonSharp dialect and global-hygiene check for shipped Lua.
//   node scripts/check-dialect.mjs [file.lua ...]
// Without arguments it checks the shipped bundle (plain and minified) and the Autorun entry.
// Prints file:line:column for every finding; exits 1 when there is any.
import { checkDialect, runCheckCli } from "./lib/lua-checks.mjs";
import { shippedLuaFiles } from "./lib/paths.mjs";

const files = process.argv.slice(2);
runCheckCli("check-dialect", checkDialect, files.length > 0 ? files : shippedLuaFiles(), "finding(s)");
