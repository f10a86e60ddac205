#!/usr/bin/env node
// Finds what is quadratic on MoonSharp: arrays grown through their length (`t[#t + 1] = v`,
// `table.insert(t, v)`) and positional string searches, inside loops or callbacks
// (checkGrowth and its allowlist in lib/lua-checks.mjs).
//   node scripts/check-growth.mjs [file.lua ...]   (default: the plain bundle)
// Prints file:line:column for every site; exits 1 when there is any.
import { checkGrowth, runCheckCli } from "./lib/lua-checks.mjs";
import { BUNDLE } from "./lib/paths.mjs";

const files = process.argv.slice(2);
runCheckCli("check-growth", checkGrowth, files.length > 0 ? files : [BUNDLE], "quadratic site(s)");
