#!/usr/bin/env node
// npm run bench [-- options]: build, run the benchmarks on lua5.2 against the compiled per-file
// modules (lua/modules), print one table, write the figures to bench-results.json.
//
//   --check      exit 1 when a ratio budget is broken (or cannot be computed). Ratios only: no
//                absolute time ever decides pass or fail.
//   --no-build   use the Lua already in lua/modules (after an `npm run build`)
//   --record     also write the figures and the machine into docs/performance.md (between the
//                bench:results markers)
//   --gc         keep Lua's garbage collector running during timed batches
//
// Environment passed through to the runner: DBIO_SEED, DBIO_BENCH_RUNS, DBIO_BENCH_BATCH_MS,
// DBIO_BENCH_ONLY (see test/bench/run.lua). The benchmarks are not part of `npm test`.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg } from "node:os";
import { join } from "node:path";
import { ROOT } from "./lib/paths.mjs";

const RESULTS_FILE = join(ROOT, "bench-results.json");
const DOC_FILE = join(ROOT, "docs", "performance.md");
const RUNNER = join("test", "bench", "run.lua");
const LUA = "lua5.2";
const LUA_PATH = "lua/modules/?.lua;test/?.lua";
const DOC_BEGIN = "<!-- bench:results:begin -->";
const DOC_END = "<!-- bench:results:end -->";

const USAGE = "usage: npm run bench [-- --check] [--no-build] [--record] [--gc]";

function parseArgs(argv) {
    const options = { check: false, build: true, record: false, gc: false };
    for (const arg of argv) {
        if (arg === "--check") options.check = true;
        else if (arg === "--no-build") options.build = false;
        else if (arg === "--record") options.record = true;
        else if (arg === "--gc") options.gc = true;
        else if (arg === "--help" || arg === "-h") {
            console.log(USAGE);
            process.exit(0);
        } else {
            console.error(`bench: unknown option ${arg}\n${USAGE}`);
            process.exit(2);
        }
    }
    return options;
}

function die(message) {
    console.error(`[bench] ${message}`);
    process.exit(1);
}

// ---------------------------------------------------------------- build and run

function build() {
    // `npm run build`, through the npm that started us when there is one.
    const npmCli = process.env.npm_execpath;
    const r = npmCli && npmCli.endsWith(".js")
        ? spawnSync(process.execPath, [npmCli, "run", "build"], { cwd: ROOT, stdio: "inherit" })
        : spawnSync("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit" });
    if (r.error) die(`could not run npm run build: ${r.error.message}`);
    if (r.status !== 0) die(`npm run build failed (exit ${r.status})`);
}

function luaVersion() {
    const r = spawnSync(LUA, ["-v"], { encoding: "utf8" });
    if (r.error) die(r.error.code === "ENOENT" ? `${LUA} is not installed (apt-get install lua5.2)` : `${LUA} -v: ${r.error.message}`);
    const first = `${r.stdout ?? ""}${r.stderr ?? ""}`.trim().split("\n")[0];
    return first.replace(/\s+Copyright.*$/, "");
}

function runLua(options) {
    if (!existsSync(join(ROOT, "lua", "modules", "core", "store.lua"))) {
        die("lua/modules is missing: run without --no-build (or npm run build first)");
    }
    const env = { ...process.env, LUA_PATH, LUA_PATH_5_2: LUA_PATH };
    if (options.gc) env.DBIO_BENCH_GC = "1";
    // Progress (stderr) shows as it happens; the results arrive on stdout as JSON.
    const r = spawnSync(LUA, [RUNNER], { cwd: ROOT, env, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 64 * 1024 * 1024 });
    if (r.error) die(`could not run ${LUA}: ${r.error.message}`);
    const text = (r.stdout ?? "").trim();
    let doc;
    try {
        doc = JSON.parse(text);
    } catch {
        die(`the benchmark runner ended with exit ${r.status} and no readable results${text ? `:\n${text.slice(0, 2000)}` : ""}`);
    }
    if (doc.format !== "dbio-bench-1") die(`unexpected results format ${JSON.stringify(doc.format)}`);
    return { doc, status: r.status };
}

// ---------------------------------------------------------------- machine

function machine(lua) {
    let nproc = String(availableParallelism());
    const r = spawnSync("nproc", [], { encoding: "utf8" });
    if (!r.error && r.status === 0) nproc = r.stdout.trim();
    let cpu = cpus()[0]?.model ?? "unknown";
    try {
        const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"));
        if (m) cpu = m[1].trim();
    } catch {
        // not Linux: keep what node reports
    }
    const load = loadavg().map((x) => x.toFixed(2)).join(" ");
    return { nproc, cpu, lua, node: process.version, loadAverage: load };
}

// ---------------------------------------------------------------- formatting

function time(seconds) {
    if (typeof seconds !== "number" || !Number.isFinite(seconds)) return "-";
    if (seconds < 1e-6) return `${(seconds * 1e9).toFixed(1)} ns`;
    if (seconds < 1e-3) return `${(seconds * 1e6).toFixed(2)} µs`;
    if (seconds < 1) return `${(seconds * 1e3).toFixed(2)} ms`;
    return `${seconds.toFixed(2)} s`;
}

function ratio(x) {
    if (typeof x !== "number" || !Number.isFinite(x)) return "-";
    // Small ratios (bytes of a delta against a full resend) keep two significant digits.
    if (x !== 0 && Math.abs(x) < 0.1) return x.toPrecision(2);
    if (x >= 100) return x.toFixed(0);
    if (x >= 10) return x.toFixed(1);
    return x.toFixed(2);
}

function bytes(x) {
    if (typeof x !== "number" || !Number.isFinite(x)) return "-";
    if (x < 10 * 1024) return `${Math.round(x).toLocaleString("en-US")} B`;
    if (x < 1024 * 1024) return `${(x / 1024).toFixed(1)} KB`;
    return `${(x / 1024 / 1024).toFixed(1)} MB`;
}

function figure(f) {
    if (f.unit === "bytes") return Number.isInteger(f.value) ? `${f.value.toLocaleString("en-US")} bytes` : `${f.value.toFixed(1)} bytes`;
    return `${f.value}${f.unit ? ` ${f.unit}` : ""}`;
}

function range(lo, hi, format) {
    if (typeof lo !== "number" || typeof hi !== "number") return "-";
    return `${format(lo)} .. ${format(hi)}`;
}

function budgetText(b) {
    if (!b) return "";
    return `<= ${b.max}`;
}

// ---------------------------------------------------------------- budgets

function evaluate(doc) {
    const budgets = [];
    for (const r of doc.ratios) {
        if (!r.budget) continue;
        const value = typeof r.value === "number" && Number.isFinite(r.value) ? r.value : null;
        const ok = value !== null && value <= r.budget.max;
        budgets.push({ id: r.id, name: r.name, value, max: r.budget.max, ok });
    }
    return { budgets, broken: budgets.filter((b) => !b.ok) };
}

// ---------------------------------------------------------------- tables

/**
 * Every section as [title, header, rows, leftColumns] (the first leftColumns columns are text,
 * the rest figures). Shared by the console and the markdown output.
 */
function sections(doc, verdict) {
    const out = [];
    const budgetById = new Map(verdict.budgets.map((b) => [b.id, b]));
    for (const group of doc.groups) {
        const cases = doc.cases.filter((c) => c.group === group.id);
        if (cases.length > 0) {
            out.push([
                group.title,
                ["case", "size", "median / op", "runs min .. max", "reference / op", "ratio", "ratio min .. max", "allocated / op"],
                cases.map((c) => [
                    c.name,
                    c.size,
                    time(c.per_op),
                    range(c.min, c.max, time),
                    c.reference ? `${time(c.reference.per_op)} (${c.reference.name})` : "-",
                    ratio(c.ratio),
                    range(c.ratio_min, c.ratio_max, ratio),
                    bytes(c.bytes_per_op),
                ]),
                2,
            ]);
        }
        const ratios = doc.ratios.filter((r) => r.group === group.id);
        if (ratios.length > 0) {
            out.push([
                `${group.title}: ratios`,
                ["ratio", "value", "runs min .. max", "budget", "status"],
                ratios.map((r) => {
                    const b = budgetById.get(r.id);
                    return [r.name, ratio(r.value), range(r.min, r.max, ratio), budgetText(r.budget), b ? (b.ok ? "ok" : "BROKEN") : ""];
                }),
                1,
            ]);
        }
        const figures = doc.figures.filter((f) => f.group === group.id);
        if (figures.length > 0) out.push([`${group.title}: figures`, ["figure", "value"], figures.map((f) => [f.name, figure(f)]), 1]);
    }
    if (doc.pending.length > 0) {
        out.push(["Not measured yet", ["case", "budget when it is"], doc.pending.map((p) => [p.name, p.budget ?? ""]), 2]);
    }
    return out;
}

function printTable(title, header, rows, leftColumns) {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
    const line = (cells, isHeader) =>
        cells
            .map((cell, i) => {
                const text = String(cell);
                return i >= leftColumns ? text.padStart(widths[i]) : text.padEnd(widths[i]);
            })
            .join("  ")
            .trimEnd();
    console.log(`\n${title}`);
    console.log(line(header, true));
    console.log(widths.map((w) => "-".repeat(w)).join("  "));
    for (const row of rows) console.log(line(row, false));
}

function markdownTable(header, rows) {
    const esc = (s) => String(s).replace(/\|/g, "\\|");
    return [
        `| ${header.map(esc).join(" | ")} |`,
        `|${header.map(() => "---").join("|")}|`,
        ...rows.map((r) => `| ${r.map(esc).join(" | ")} |`),
    ].join("\n");
}

function settingsLine(doc) {
    const s = doc.settings;
    return `seed ${s.seed}, ${s.runs} runs per series, batches >= ${s.batch_ms} ms, garbage collector ${s.collector}`;
}

function machineLine(m) {
    return `${m.nproc} CPU(s) (nproc), ${m.cpu}, ${m.lua}, node ${m.node}, load average ${m.loadAverage} at the start`;
}

// ---------------------------------------------------------------- docs/performance.md

function record(doc, verdict, m, generated) {
    if (!existsSync(DOC_FILE)) die(`${DOC_FILE} is missing`);
    const text = readFileSync(DOC_FILE, "utf8");
    const begin = text.indexOf(DOC_BEGIN);
    const end = text.indexOf(DOC_END);
    if (begin < 0 || end < begin) die(`docs/performance.md has no ${DOC_BEGIN} ... ${DOC_END} block`);
    const parts = [
        `Run of ${generated.slice(0, 10)}: ${settingsLine(doc)}.`,
        "",
        `Machine: ${machineLine(m)}.`,
        "",
        `Budgets: ${verdict.budgets.length === 0 ? "none checked" : verdict.broken.length === 0 ? `all ${verdict.budgets.length} within` : `${verdict.broken.length} of ${verdict.budgets.length} BROKEN`}.`,
    ];
    for (const [title, header, rows] of sections(doc, verdict)) parts.push("", `**${title}**`, "", markdownTable(header, rows));
    const block = `${DOC_BEGIN}\n${parts.join("\n")}\n${DOC_END}`;
    writeFileSync(DOC_FILE, text.slice(0, begin) + block + text.slice(end + DOC_END.length));
    console.log(`[bench] figures recorded in docs/performance.md`);
}

// ---------------------------------------------------------------- main

const options = parseArgs(process.argv.slice(2));
process.chdir(ROOT);
if (options.build) build();
const lua = luaVersion();
const m = machine(lua);
const started = Date.now();
const { doc, status } = runLua(options);
const generated = new Date().toISOString();
const verdict = evaluate(doc);

console.log(`\nDatabase IO benchmarks: ${settingsLine(doc)}`);
console.log(`machine: ${machineLine(m)}`);
console.log("times are CPU time on PUC Lua; MoonSharp in the game is far slower, the ratios are what carries over");
for (const [title, header, rows, left] of sections(doc, verdict)) printTable(title, header, rows, left);

for (const f of doc.failures) console.error(`\n[bench] suite ${f.suite} FAILED: ${f.message}`);

writeFileSync(
    RESULTS_FILE,
    JSON.stringify(
        {
            generated,
            seconds: Math.round((Date.now() - started) / 100) / 10,
            machine: m,
            settings: doc.settings,
            groups: doc.groups,
            cases: doc.cases,
            ratios: doc.ratios,
            figures: doc.figures,
            pending: doc.pending,
            failures: doc.failures,
            budgets: verdict.budgets,
        },
        null,
        2,
    ) + "\n",
);
console.log(`\n[bench] figures written to bench-results.json`);
if (options.record) record(doc, verdict, m, generated);

const failed = doc.failures.length > 0 || status !== 0;
if (options.check) {
    for (const b of verdict.broken) {
        console.error(`[bench] BROKEN: ${b.name} is ${b.value === null ? "not measured" : ratio(b.value)}, budget <= ${b.max}`);
    }
    if (verdict.budgets.length === 0) console.error("[bench] no budget was measured");
    const ok = !failed && verdict.budgets.length > 0 && verdict.broken.length === 0;
    console.log(`[bench] check: ${verdict.budgets.length - verdict.broken.length} of ${verdict.budgets.length} budgets within${failed ? ", a suite failed" : ""}`);
    process.exit(ok ? 0 : 1);
}
process.exit(failed ? 1 : 0);
