#!/usr/bin/env node
// npm run build: compile the TypeScript to Lua, check what ships, assemble the mod folder and
// the release zip, and generate the simulated runtime's prefabs from the mod's XML.
//
//   1. compile   tstl -p tsconfig.json (bundle databaseio.lua; TSTL type-checks first) and
//                tstl -p tsconfig.modules.json (per-file modules for the specs), both into
//                build/stage/lua first
//   2. dialect   MoonSharp dialect + one-global rule on the bundle and the Autorun entry; no
//                patch argument table read by name (it raises on MoonSharp)
//   2b. growth  no array grown through its length and no positional string search in a loop or
//                callback in the bundle (quadratic on MoonSharp; checkGrowth in lua-checks.mjs)
//   3. minify    paren-call guard, then luamin -> databaseio.min.lua (checked again); then the
//                staged output replaces lua/databaseio.lua, lua/databaseio.min.lua, lua/modules
//   4. xml       every XML under mod/ and filelist.xml well-formed; every referenced file exists
//   5. dist      dist/DatabaseIO/ (manifest with package.json's version, mod/, bundles) and
//                dist/DatabaseIO-<version>.zip, verified after writing
//   5b. instrument  the cost-counting copy of the Lua for the specs (never shipped):
//                build/instrumented/DatabaseIO/ (the mod folder with every length read and string
//                search counted, scripts/lib/lua-instrument.mjs) and build/instrumented/modules/
//   6. prefabs   lua/sim/mod_prefabs.lua from the item and text XML (also standalone:
//                scripts/make-prefabs.mjs)
//   7. api       types/databaseio.d.ts declares exactly what src/api builds (tsc -p
//                types/check/tsconfig.json); the declarations ship in dist/DatabaseIO/types/
//   8. examples  examples/tsconfig.json compiled against those declarations into
//                dist/examples/<Name>/ (a mod folder each), dialect-checked like the bundle
//
// Any problem prints file:line[:column]: message and ends the build with exit code 1. Output
// is staged so that lua/ never holds a half-written build, and a lock (build/.lock) makes
// concurrent builds in the same working tree wait for each other.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { checkDialect, checkGrowth, checkParenCalls, checkPatchArgs, formatFinding, parseLua } from "./lib/lua-checks.mjs";
import { instrumentCosts } from "./lib/lua-instrument.mjs";
import {
    BUNDLE, BUNDLE_IN_MOD, BUNDLE_MIN, BUNDLE_MIN_IN_MOD, DIST_DIR, DIST_MOD, MOD_DIR, MOD_FOLDER_NAME,
    MODULES_DIR, PACKAGE_JSON, ROOT, ROOT_FILELIST, SIM_PREFABS, autorunLuaFiles, rel,
} from "./lib/paths.mjs";
import { attrsOf, buildOrdered, lineOf, parseOrdered, readManifest, rootOf, setAttr, validateXml } from "./lib/xml.mjs";
import { checkModXml, listFiles, manifestFindings } from "./lib/modcheck.mjs";
import { checkItemAttributes } from "./lib/item-attributes.mjs";
import { buildPrefabs, prefabsModule } from "./lib/prefabs.mjs";
import { buildZip, readZip } from "./lib/zip.mjs";

const require = createRequire(import.meta.url);
process.chdir(ROOT);

const STAGE_LUA = join(ROOT, "build", "stage", "lua");
const STAGED_BUNDLE = join(STAGE_LUA, "databaseio.lua");
const STAGED_BUNDLE_MIN = join(STAGE_LUA, "databaseio.min.lua");
const STAGED_MODULES = join(STAGE_LUA, "modules");
const LOCK_DIR = join(ROOT, "build", ".lock");

class BuildFailure extends Error {
    constructor(findings, summary) {
        super(summary);
        this.findings = findings;
    }
}

function fail(findings, summary) {
    throw new BuildFailure(findings, summary);
}

function readJson(path) {
    return JSON.parse(readFileSync(path, "utf8"));
}

// ---------------------------------------------------------------- 1. compile

function runTstl(project, outDir) {
    const cli = join(ROOT, "node_modules", "typescript-to-lua", "dist", "tstl.js");
    if (!existsSync(cli)) fail([], "typescript-to-lua is not installed (run npm ci)");
    const r = spawnSync(process.execPath, [cli, "-p", project, "--outDir", relative(ROOT, outDir)], { cwd: ROOT, encoding: "utf8" });
    // TSTL reports type and transform errors as "file(line,col): error ..."; pass them through.
    const out = `${r.stdout ?? ""}${r.stderr ?? ""}`.trim();
    if (out !== "") console.log(out);
    if (r.error) fail([], `could not run tstl: ${r.error.message}`);
    if (r.status !== 0) fail([], `tstl -p ${project} failed (exit ${r.status}); see the errors above`);
}

function compile() {
    // A fresh stage: output of deleted sources must not survive into the specs.
    rmSync(STAGE_LUA, { recursive: true, force: true });
    runTstl("tsconfig.json", STAGE_LUA);
    if (!existsSync(STAGED_BUNDLE)) fail([], `tstl did not write ${rel(STAGED_BUNDLE)}`);
    const bundle = readFileSync(STAGED_BUNDLE, "utf8");
    // An emit that silently dropped every module still exits 0; refuse it.
    if (!/\["main"\]\s*=\s*function/.test(bundle) || !/require\("main",\s*\.\.\.\)/.test(bundle)) {
        fail([{ file: rel(STAGED_BUNDLE), line: 1, column: 1, message: "bundle has no entry module 'main' (empty emit?)" }], "bundle is incomplete");
    }
    runTstl("tsconfig.modules.json", STAGED_MODULES);
    if (!existsSync(join(STAGED_MODULES, "main.lua"))) fail([], `tstl did not write ${rel(join(STAGED_MODULES, "main.lua"))}`);
    return `${rel(STAGED_BUNDLE)} (${bundle.length} bytes), ${rel(STAGED_MODULES)}/`;
}

// ---------------------------------------------------------------- 2. dialect

/**
 * Adds the TypeScript source a bundle finding comes from: the bundle holds each module as
 * `["core.keys"] = function(...)`, so the closest such header above the line names it.
 */
function withSource(findings, source) {
    const starts = [];
    source.split("\n").forEach((text, i) => {
        const m = /^\["([^"]+)"\] = function\(/.exec(text);
        if (m) starts.push({ line: i + 1, name: m[1] });
    });
    return findings.map((f) => {
        let module;
        for (const s of starts) if (s.line <= f.line) module = s.name;
        if (module === undefined) return f;
        const ts = join("src", ...module.split(".")) + ".ts";
        const origin = existsSync(join(ROOT, ts)) ? ts : `module ${module}`;
        return { ...f, message: `${f.message} [from ${origin}]` };
    });
}

function dialectCheck(files) {
    const findings = [];
    for (const file of files) {
        const source = readFileSync(file, "utf8");
        findings.push(...withSource(checkDialect(source, rel(file)), source));
    }
    if (findings.length > 0) fail(findings, `${findings.length} dialect problem(s)`);
}

/** No patch argument table read by name (it raises on MoonSharp; lua-checks.mjs checkPatchArgs). */
function patchArgsCheck(files) {
    const findings = [];
    for (const file of files) {
        const source = readFileSync(file, "utf8");
        findings.push(...withSource(checkPatchArgs(source, rel(file)), source));
    }
    if (findings.length > 0) fail(findings, `${findings.length} patch argument table(s) read by name`);
}

function dialect() {
    const files = [STAGED_BUNDLE, ...autorunLuaFiles()];
    dialectCheck(files);
    patchArgsCheck(files);
    return `${files.map(rel).join(", ")} clean`;
}

// ---------------------------------------------------------------- 2b. growth

function growth() {
    const source = readFileSync(STAGED_BUNDLE, "utf8");
    const findings = withSource(checkGrowth(source, rel(STAGED_BUNDLE)), source);
    if (findings.length > 0) fail(findings, `${findings.length} site(s) quadratic on MoonSharp (grow with a counter, scan with gmatch; see docs/architecture.md)`);
    return `${rel(STAGED_BUNDLE)} clean`;
}

// ---------------------------------------------------------------- 3. minify

function minify() {
    const source = readFileSync(STAGED_BUNDLE, "utf8");
    const risky = withSource(checkParenCalls(source, rel(STAGED_BUNDLE)), source);
    if (risky.length > 0) fail(risky, `${risky.length} parenthesized call(s) the minifier would change`);
    const luamin = require("luamin");
    let min;
    try {
        min = luamin.minify(source);
    } catch (e) {
        fail([{ file: rel(STAGED_BUNDLE), line: 1, column: 1, message: `luamin failed: ${e.message}` }], "minify failed");
    }
    writeFileSync(STAGED_BUNDLE_MIN, min + "\n");
    const parsed = parseLua(min, rel(STAGED_BUNDLE_MIN));
    if (parsed.finding) fail([parsed.finding], "minified bundle does not parse");
    dialectCheck([STAGED_BUNDLE_MIN]);
    patchArgsCheck([STAGED_BUNDLE_MIN]);
    publish();
    return `${rel(BUNDLE_MIN)} (${source.length} -> ${min.length + 1} bytes); lua/ updated`;
}

/** Moves the checked stage into lua/, replacing the previous build in a few renames. */
function publish() {
    mkdirSync(dirname(BUNDLE), { recursive: true });
    const old = join(dirname(MODULES_DIR), `.modules-old-${process.pid}`);
    if (existsSync(MODULES_DIR)) renameSync(MODULES_DIR, old);
    renameSync(STAGED_MODULES, MODULES_DIR);
    renameSync(STAGED_BUNDLE, BUNDLE);
    renameSync(STAGED_BUNDLE_MIN, BUNDLE_MIN);
    rmSync(old, { recursive: true, force: true });
}

// ---------------------------------------------------------------- 4. xml

function xml() {
    const { files, malformed, references } = checkModXml(ROOT_FILELIST, MOD_DIR);
    if (malformed.length > 0) fail(malformed, `${malformed.length} malformed XML file(s)`);
    if (references.length > 0) fail(references, `${references.length} broken file reference(s)`);
    const itemFiles = listFiles(join(MOD_DIR, "Items"), (name) => name.toLowerCase().endsWith(".xml"));
    const ignored = itemFiles.flatMap((f) => checkItemAttributes(readFileSync(f, "utf8"), rel(f)));
    if (ignored.length > 0) fail(ignored, `${ignored.length} item XML attribute(s) the game does not read`);
    return `${files.length} XML file(s) well-formed, references resolve, item attributes read by the game`;
}

// ---------------------------------------------------------------- 5. dist

function zipEntries(dir, prefix) {
    const entries = [{ name: prefix + "/" }];
    for (const name of readdirSync(dir).sort()) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) entries.push(...zipEntries(p, `${prefix}/${name}`));
        else entries.push({ name: `${prefix}/${name}`, data: readFileSync(p) });
    }
    return entries;
}

function pythonZipTest(zipPath) {
    const r = spawnSync("python3", ["-m", "zipfile", "-t", zipPath], { encoding: "utf8" });
    if (r.error && r.error.code === "ENOENT") return "python3 not found: checked with the zip reader only";
    const out = `${r.stdout ?? ""}${r.stderr ?? ""}`;
    if (r.status !== 0 || /corrupted|Error/.test(out)) {
        fail([{ file: rel(zipPath), line: 1, column: 1, message: `python3 -m zipfile -t: ${out.trim()}` }], "release zip failed the zipfile test");
    }
    return "python3 -m zipfile -t passed";
}

async function dist() {
    const version = readJson(PACKAGE_JSON).version;
    if (typeof version !== "string" || !/^\d+\.\d+\.\d+/.test(version)) {
        fail([{ file: "package.json", line: lineOf(readFileSync(PACKAGE_JSON, "utf8"), '"version"'), column: 1, message: `version "${version}" is not x.y.z` }], "bad version");
    }
    rmSync(DIST_MOD, { recursive: true, force: true });
    mkdirSync(DIST_MOD, { recursive: true });
    cpSync(MOD_DIR, DIST_MOD, { recursive: true, filter: (src) => !relative(MOD_DIR, src).split(/[\\/]/).some((part) => part.startsWith(".")) });

    // The manifest, with the version taken from package.json.
    const doc = parseOrdered(readFileSync(ROOT_FILELIST, "utf8"));
    setAttr(rootOf(doc), "modversion", version);
    const distManifest = join(DIST_MOD, "filelist.xml");
    writeFileSync(distManifest, buildOrdered(doc).trimEnd() + "\n");

    for (const [from, to] of [[BUNDLE, BUNDLE_IN_MOD], [BUNDLE_MIN, BUNDLE_MIN_IN_MOD]]) {
        mkdirSync(dirname(join(DIST_MOD, to)), { recursive: true });
        cpSync(from, join(DIST_MOD, to));
    }
    // Declarations for modders (types/*.d.ts only; types/check/ is a build check).
    mkdirSync(join(DIST_MOD, "types"), { recursive: true });
    for (const name of readdirSync(join(ROOT, "types")).filter((n) => n.endsWith(".d.ts"))) cpSync(join(ROOT, "types", name), join(DIST_MOD, "types", name));
    const findings = manifestFindings(distManifest, DIST_MOD);
    const problem = validateXml(readFileSync(distManifest, "utf8"));
    if (problem) findings.push({ file: rel(distManifest), ...problem });
    const written = readManifest(distManifest);
    if (attrsOf(written.root).modversion !== version) findings.push({ file: rel(distManifest), line: 1, column: 1, message: `modversion is not ${version}` });
    if (findings.length > 0) fail(findings, "assembled mod folder is inconsistent");

    const zipPath = join(DIST_DIR, `${MOD_FOLDER_NAME}-${version}.zip`);
    writeFileSync(zipPath, buildZip(zipEntries(DIST_MOD, MOD_FOLDER_NAME)));
    const { entries, problems } = await readZip(readFileSync(zipPath));
    const names = new Set(entries.map((e) => e.name));
    for (const needed of [`${MOD_FOLDER_NAME}/filelist.xml`, `${MOD_FOLDER_NAME}/${BUNDLE_IN_MOD.split(/[\\/]/).join("/")}`]) {
        if (!names.has(needed)) problems.push(`missing ${needed}`);
    }
    if (problems.length > 0) fail(problems.map((p) => ({ file: rel(zipPath), line: 1, column: 1, message: p })), "release zip is damaged");
    const python = pythonZipTest(zipPath);
    return `${rel(DIST_MOD)}/ (modversion ${version}), ${rel(zipPath)} (${entries.length} entries; ${python})`;
}

// ---------------------------------------------------------------- 5b. instrument

const INSTRUMENTED = join(ROOT, "build", "instrumented");

function instrumentFile(from, to) {
    let out;
    try {
        out = instrumentCosts(readFileSync(from, "utf8"));
    } catch (e) {
        fail([{ file: rel(from), line: 1, column: 1, message: `cannot instrument: ${e.message}` }], "cost-counting build failed");
    }
    mkdirSync(dirname(to), { recursive: true });
    writeFileSync(to, out);
}

function instrumentTree(from, to) {
    let count = 0;
    for (const name of readdirSync(from)) {
        const p = join(from, name);
        if (statSync(p).isDirectory()) count += instrumentTree(p, join(to, name));
        else if (name.endsWith(".lua")) {
            instrumentFile(p, join(to, name));
            count += 1;
        }
    }
    return count;
}

function instrument() {
    rmSync(INSTRUMENTED, { recursive: true, force: true });
    const mod = join(INSTRUMENTED, MOD_FOLDER_NAME);
    cpSync(DIST_MOD, mod, { recursive: true });
    instrumentFile(BUNDLE, join(mod, BUNDLE_IN_MOD));
    rmSync(join(mod, BUNDLE_MIN_IN_MOD), { force: true });
    const modules = instrumentTree(MODULES_DIR, join(INSTRUMENTED, "modules"));
    return `${rel(mod)}/, ${rel(join(INSTRUMENTED, "modules"))}/ (${modules} module(s))`;
}

// ---------------------------------------------------------------- 6. prefabs

function prefabs() {
    const { entries } = readManifest(ROOT_FILELIST);
    const { prefabs: defs, findings } = buildPrefabs(entries, MOD_DIR, rel(ROOT_FILELIST));
    if (findings.length > 0) fail(findings, "item XML is incomplete");
    const source = prefabsModule(defs);
    const parsed = parseLua(source, rel(SIM_PREFABS));
    if (parsed.finding) fail([parsed.finding], "generated prefab module does not parse");
    mkdirSync(dirname(SIM_PREFABS), { recursive: true });
    writeFileSync(SIM_PREFABS, source);
    return `${rel(SIM_PREFABS)} (${defs.map((d) => d.identifier).join(", ")})`;
}

// ---------------------------------------------------------------- 7. api, 8. examples

function api() {
    const cli = join(ROOT, "node_modules", "typescript", "bin", "tsc");
    const r = spawnSync(process.execPath, [cli, "-p", "types/check/tsconfig.json"], { cwd: ROOT, encoding: "utf8" });
    const out = `${r.stdout ?? ""}${r.stderr ?? ""}`.trim();
    if (r.status !== 0) {
        if (out !== "") console.log(out);
        fail([{ file: "types/databaseio.d.ts", line: 1, column: 1, message: "does not match src/api/index.ts (see the tsc errors above)" }], "API declarations are out of date");
    }
    return "types/databaseio.d.ts matches src/api/index.ts";
}

/** examples/<dir> -> dist/examples/<Name>: the example's mod/ folder plus its compiled bundle. */
const EXAMPLES = [{ dir: "sortbyrarity", name: "SortByRarity" }];

function examples() {
    const stage = join(ROOT, "build", "stage", "examples");
    rmSync(stage, { recursive: true, force: true });
    // tstl resolves a relative --outDir against the project's folder: give it an absolute one.
    const cli = join(ROOT, "node_modules", "typescript-to-lua", "dist", "tstl.js");
    const r = spawnSync(process.execPath, [cli, "-p", "examples/tsconfig.json", "--outDir", stage], { cwd: ROOT, encoding: "utf8" });
    const log = `${r.stdout ?? ""}${r.stderr ?? ""}`.trim();
    if (log !== "") console.log(log);
    if (r.status !== 0) fail([], `tstl -p examples/tsconfig.json failed (exit ${r.status}); see the errors above`);
    const out = join(DIST_DIR, "examples");
    rmSync(out, { recursive: true, force: true });
    for (const { dir, name } of EXAMPLES) {
        const bundle = join(stage, dir, "Lua", name, `${dir}.lua`);
        if (!existsSync(bundle)) fail([], `tstl did not write ${rel(bundle)}`);
        const autorun = join(ROOT, "examples", dir, "mod", "Lua", "Autorun");
        dialectCheck([bundle, ...readdirSync(autorun).filter((n) => n.endsWith(".lua")).map((n) => join(autorun, n))]);
        const target = join(out, name);
        cpSync(join(ROOT, "examples", dir, "mod"), target, { recursive: true });
        mkdirSync(join(target, "Lua", name), { recursive: true });
        cpSync(bundle, join(target, "Lua", name, `${dir}.lua`));
        const findings = manifestFindings(join(target, "filelist.xml"), target);
        if (findings.length > 0) fail(findings, `example ${name} is inconsistent`);
    }
    return `${EXAMPLES.map((e) => `${rel(out)}/${e.name}/`).join(", ")}`;
}

const STEPS = [
    ["compile", compile],
    ["dialect", dialect],
    ["growth", growth],
    ["minify", minify],
    ["xml", xml],
    ["dist", dist],
    ["instrument", instrument],
    ["prefabs", prefabs],
    ["api", api],
    ["examples", examples],
];

// ---------------------------------------------------------------- lock

function processAlive(pid) {
    try {
        process.kill(pid, 0);
        return true;
    } catch (e) {
        return e.code === "EPERM";
    }
}

function sleep(ms) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Waits (up to 10 minutes) until no other build runs in this working tree, then takes the lock. */
function acquireLock() {
    mkdirSync(dirname(LOCK_DIR), { recursive: true });
    const deadline = Date.now() + 10 * 60 * 1000;
    let announced = false;
    for (;;) {
        try {
            mkdirSync(LOCK_DIR);
            writeFileSync(join(LOCK_DIR, "pid"), String(process.pid));
            process.on("exit", () => rmSync(LOCK_DIR, { recursive: true, force: true }));
            return;
        } catch (e) {
            if (e.code !== "EEXIST") throw e;
        }
        let holder = NaN;
        try {
            holder = Number(readFileSync(join(LOCK_DIR, "pid"), "utf8"));
        } catch {
            // The holder may not have written its pid yet.
        }
        if (Number.isInteger(holder) && holder > 0 && !processAlive(holder)) {
            rmSync(LOCK_DIR, { recursive: true, force: true });
            continue;
        }
        if (Date.now() > deadline) fail([], `another build (pid ${holder}) has held ${rel(LOCK_DIR)} for 10 minutes`);
        if (!announced) {
            console.log(`[build] waiting for another build in this working tree (pid ${holder})`);
            announced = true;
        }
        sleep(250);
    }
}

// ---------------------------------------------------------------- run

const started = Date.now();
try {
    acquireLock();
} catch (e) {
    if (!(e instanceof BuildFailure)) throw e;
    console.error(`[build] FAILED: ${e.message}`);
    process.exit(1);
}
for (const [name, step] of STEPS) {
    const t0 = Date.now();
    try {
        const note = await step();
        console.log(`[build] ${name}: ${note} (${Date.now() - t0} ms)`);
    } catch (e) {
        if (!(e instanceof BuildFailure)) throw e;
        for (const f of e.findings) console.error(formatFinding(f));
        console.error(`[build] ${name}: FAILED: ${e.message}`);
        process.exit(1);
    }
}
console.log(`[build] done in ${Date.now() - started} ms`);
