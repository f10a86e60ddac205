// Static checks on shipped Lua, done on the luaparse AST so that the contents of strings and
// comments never count. Each check returns findings { file, line, column, message }.
//
// The dialect check enforces what runs on MoonSharp inside LuaCs (docs/platform.md): no goto or
// labels (MoonSharp's VM crashes on them inside while/repeat loops), no 5.3 operators, nothing
// MoonSharp lacks, and no globals besides the public API table, because every mod shares one
// global table.
//
// The paren-call check guards the minifier: luamin 1.0.4 drops the parentheses of `(f())` and
// `(...)`, which in a multi-value position changes how many values flow on.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

const require = createRequire(import.meta.url);
const luaparse = require("luaparse");

/** The one global the mod may define. */
export const PUBLIC_API_GLOBAL = "DatabaseIO";

const FORBIDDEN_BINARY = new Map([
    ["//", "floor division '//' (Lua 5.3; MoonSharp has no such operator)"],
    ["&", "bitwise operator '&' (Lua 5.3; MoonSharp has none)"],
    ["|", "bitwise operator '|' (Lua 5.3; MoonSharp has none)"],
    ["~", "bitwise operator '~' (Lua 5.3; MoonSharp has none)"],
    ["<<", "bitwise operator '<<' (Lua 5.3; MoonSharp has none)"],
    [">>", "bitwise operator '>>' (Lua 5.3; MoonSharp has none)"],
]);

const FORBIDDEN_GLOBALS = new Map([
    ["loadstring", "'loadstring' does not exist on MoonSharp (use load(code, env, name))"],
    ["utf8", "'utf8' does not exist on MoonSharp"],
    ["JSON", "'JSON' does not exist in Lua"],
    ["setfenv", "'setfenv' does not exist on Lua 5.2 / MoonSharp"],
    ["getfenv", "'getfenv' does not exist on Lua 5.2 / MoonSharp"],
]);

const STRING_PACKING = new Set(["pack", "unpack", "packsize"]);

/** Parses Lua source; returns { ast } or { finding } for a syntax error. */
export function parseLua(source, file) {
    try {
        const ast = luaparse.parse(source, { locations: true, scope: true, comments: false, wait: false });
        return { ast };
    } catch (e) {
        // luaparse messages look like "[12:4] unexpected symbol"; keep its line and column.
        const m = /^\[(\d+):(\d+)\]\s*(.*)$/.exec(String(e.message));
        return {
            finding: m
                ? { file, line: Number(m[1]), column: Number(m[2]) + 1, message: "syntax error: " + m[3] }
                : { file, line: 1, column: 1, message: "syntax error: " + String(e.message) },
        };
    }
}

function at(file, node, message) {
    const start = node.loc ? node.loc.start : { line: 1, column: 0 };
    return { file, line: start.line, column: start.column + 1, message };
}

/** Calls visit(node, parent) for every AST node, parents first. */
function walk(node, visit, parent) {
    if (node === null || typeof node !== "object") return;
    if (Array.isArray(node)) {
        for (const child of node) walk(child, visit, parent);
        return;
    }
    if (typeof node.type !== "string") return;
    visit(node, parent);
    for (const key of Object.keys(node)) {
        if (key === "loc" || key === "range" || key === "globals") continue;
        walk(node[key], visit, node);
    }
}

const SIMPLE_ESCAPES = { a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\", '"': '"', "'": "'", "\n": "\n" };

/**
 * The value of a string literal, decoded from its source text (luaparse 0.2.1 corrupts the
 * `value` of strings that contain "%s").
 */
export function stringValue(node) {
    const raw = node.raw;
    const long = /^\[(=*)\[\n?([\s\S]*)\]\1\]$/.exec(raw);
    if (long) return long[2];
    const body = raw.slice(1, -1);
    let out = "";
    for (let i = 0; i < body.length; i++) {
        const c = body[i];
        if (c !== "\\") {
            out += c;
            continue;
        }
        const e = body[++i];
        if (e in SIMPLE_ESCAPES) out += SIMPLE_ESCAPES[e];
        else if (e === "x") {
            out += String.fromCharCode(parseInt(body.slice(i + 1, i + 3), 16));
            i += 2;
        } else if (e === "z") {
            while (i + 1 < body.length && /\s/.test(body[i + 1])) i += 1;
        } else if (/[0-9]/.test(e)) {
            const digits = /^[0-9]{1,3}/.exec(body.slice(i))[0];
            out += String.fromCharCode(Number(digits));
            i += digits.length - 1;
        } else out += e;
    }
    return out;
}

/** The static key of `a.b` / `a["b"]`, or undefined when the key is computed. */
function staticKey(node) {
    if (node.type === "MemberExpression") return node.identifier.name;
    if (node.type === "IndexExpression" && node.index.type === "StringLiteral") return stringValue(node.index);
    return undefined;
}

/** For a chain like `_G.x.y`, the root identifier and the static keys (undefined when computed). */
function memberChain(node) {
    const keys = [];
    let cur = node;
    while (cur.type === "MemberExpression" || cur.type === "IndexExpression") {
        keys.unshift(staticKey(cur));
        cur = cur.base;
    }
    return { root: cur, keys };
}

function isGlobalIdentifier(node, name) {
    return node.type === "Identifier" && node.isLocal !== true && (name === undefined || node.name === name);
}

/** False for identifiers that name a field, a table key or a label rather than a variable. */
function isVariableReference(node, parent) {
    if (parent === undefined) return true;
    if (parent.type === "MemberExpression" && parent.identifier === node) return false;
    if (parent.type === "TableKeyString" && parent.key === node) return false;
    if (parent.type === "GotoStatement" || parent.type === "LabelStatement") return false;
    return true;
}

/** Is an assignment to this target allowed under the one-global rule? */
function describeGlobalWrite(target) {
    if (target.type === "Identifier") {
        if (target.isLocal === true || target.name === PUBLIC_API_GLOBAL) return undefined;
        return `assigns the global '${target.name}' (only '${PUBLIC_API_GLOBAL}' may be global)`;
    }
    if (target.type !== "MemberExpression" && target.type !== "IndexExpression") return undefined;
    const { root, keys } = memberChain(target);
    if (!isGlobalIdentifier(root)) return undefined;
    if (root.name === PUBLIC_API_GLOBAL) return undefined;
    if (root.name === "_G" && keys[0] === PUBLIC_API_GLOBAL) return undefined;
    const path = [root.name, ...keys.map((k) => (k === undefined ? "[?]" : k))].join(".");
    if (root.name === "_G") return `assigns the global '${path.slice(3)}' through _G (only '${PUBLIC_API_GLOBAL}' may be global)`;
    return `modifies the shared global table '${path}'`;
}

/**
 * MoonSharp dialect and global-hygiene check.
 * Returns an array of findings (empty when the chunk is fine).
 */
export function checkDialect(source, file) {
    const parsed = parseLua(source, file);
    if (parsed.finding) return [parsed.finding];
    const findings = [];
    walk(parsed.ast, (node, parent) => {
        switch (node.type) {
            case "GotoStatement":
                findings.push(at(file, node, `'goto ${node.label.name}' (MoonSharp's VM crashes on goto inside while/repeat loops)`));
                break;
            case "LabelStatement":
                findings.push(at(file, node, `label '::${node.label.name}::' (no goto/labels on MoonSharp)`));
                break;
            case "BinaryExpression":
                if (FORBIDDEN_BINARY.has(node.operator)) findings.push(at(file, node, FORBIDDEN_BINARY.get(node.operator)));
                break;
            case "UnaryExpression":
                if (node.operator === "~") findings.push(at(file, node, "bitwise not '~' (Lua 5.3; MoonSharp has none)"));
                break;
            case "Identifier":
                if (isVariableReference(node, parent) && node.isLocal !== true && FORBIDDEN_GLOBALS.has(node.name)) {
                    findings.push(at(file, node, FORBIDDEN_GLOBALS.get(node.name)));
                }
                break;
            case "MemberExpression":
            case "IndexExpression": {
                const key = staticKey(node);
                if (key === undefined) break;
                if (isGlobalIdentifier(node.base, "debug") && key === "getinfo") {
                    findings.push(at(file, node, "'debug.getinfo' does not exist on MoonSharp (only the compat prelude may fall back on it)"));
                }
                if (node.base.type === "Identifier" && node.base.name === "string" && STRING_PACKING.has(key)) {
                    findings.push(at(file, node, `'string.${key}' does not exist on MoonSharp`));
                }
                break;
            }
            case "AssignmentStatement":
                for (const target of node.variables) {
                    const problem = describeGlobalWrite(target);
                    if (problem) findings.push(at(file, target, problem));
                }
                break;
            case "FunctionDeclaration":
                if (node.identifier && node.isLocal !== true) {
                    const problem = describeGlobalWrite(node.identifier);
                    if (problem) findings.push(at(file, node, problem.replace("assigns", "defines function as")));
                }
                break;
            case "CallExpression": {
                // rawset(_G, "x", v) / setmetatable(_G, mt) reach the shared global table too.
                const callee = node.base;
                const first = node.arguments[0];
                if (callee.type === "Identifier" && callee.isLocal !== true && first && isGlobalIdentifier(first, "_G")) {
                    if (callee.name === "setmetatable") {
                        findings.push(at(file, node, "sets a metatable on the shared global table _G"));
                    } else if (callee.name === "rawset") {
                        const key = node.arguments[1];
                        if (!(key && key.type === "StringLiteral" && stringValue(key) === PUBLIC_API_GLOBAL)) {
                            findings.push(at(file, node, `rawset on _G (only '${PUBLIC_API_GLOBAL}' may be global)`));
                        }
                    }
                }
                break;
            }
            default:
                break;
        }
    });
    return sortFindings(findings);
}

/** Number of captures in a Lua pattern (position captures "()" included). */
function luaPatternCaptures(pattern) {
    let count = 0;
    for (let i = 0; i < pattern.length; i++) {
        const c = pattern[i];
        if (c === "%") {
            i += 1;
        } else if (c === "[") {
            // Skip a character class; "]" right after "[" or "[^" is a literal.
            i += 1;
            if (pattern[i] === "^") i += 1;
            if (pattern[i] === "]") i += 1;
            while (i < pattern.length && pattern[i] !== "]") i += pattern[i] === "%" ? 2 : 1;
        } else if (c === "(") {
            count += 1;
        }
    }
    return count;
}

/**
 * string.match (and lualib's __TS__Match, which is string.match) with a literal pattern of at most
 * one capture returns exactly one value, so parentheses around it change nothing.
 */
function returnsOneValue(call) {
    if (call.type !== "CallExpression") return false;
    const callee = call.base;
    const isMatch =
        (callee.type === "Identifier" && callee.name === "__TS__Match") ||
        (callee.type === "MemberExpression" && callee.base.type === "Identifier" && callee.base.name === "string" && callee.identifier.name === "match");
    const pattern = call.arguments[1];
    return isMatch && pattern !== undefined && pattern.type === "StringLiteral" && luaPatternCaptures(stringValue(pattern)) <= 1;
}

function isMultiValueInParens(node) {
    if (node === undefined || node.inParens !== true) return false;
    if (node.type === "VarargLiteral") return true;
    return /CallExpression$/.test(node.type) && !returnsOneValue(node);
}

/**
 * Sites where luamin 1.0.4 would change meaning by dropping parentheses: a parenthesized call or
 * `...` as the last expression of a list whose extra values would otherwise flow on.
 */
export function checkParenCalls(source, file) {
    const parsed = parseLua(source, file);
    if (parsed.finding) return [parsed.finding];
    const findings = [];
    const flagLast = (list, where, matters = true) => {
        if (!matters || !Array.isArray(list) || list.length === 0) return;
        const last = list[list.length - 1];
        if (isMultiValueInParens(last)) {
            findings.push(at(file, last, `parenthesized ${last.type === "VarargLiteral" ? "'...'" : "call"} as the last ${where}: the minifier drops the parentheses and more values flow on`));
        }
    };
    walk(parsed.ast, (node) => {
        switch (node.type) {
            case "CallExpression":
                flagLast(node.arguments, "call argument");
                break;
            case "ReturnStatement":
                flagLast(node.arguments, "return value");
                break;
            case "LocalStatement":
            case "AssignmentStatement":
                // Truncation only matters when there are more targets than expressions.
                flagLast(node.init, "value of a multiple assignment", node.variables.length > node.init.length);
                break;
            case "ForGenericStatement":
                flagLast(node.iterators, "iterator expression", node.iterators.length < 3);
                break;
            case "TableConstructorExpression": {
                const fields = node.fields;
                const last = fields[fields.length - 1];
                if (last && last.type === "TableValue") flagLast([last.value], "table constructor item");
                break;
            }
            default:
                break;
        }
    });
    return sortFindings(findings);
}

function sortFindings(findings) {
    return findings.sort((a, b) => a.line - b.line || a.column - b.column || a.message.localeCompare(b.message));
}

export function formatFinding(f) {
    return `${f.file}:${f.line}:${f.column}: ${f.message}`;
}

/**
 * Command-line driver shared by the check scripts: runs `check(source, file)` over `targets`,
 * prints every finding as file:line:column and a summary, and sets the exit code.
 */
export function runCheckCli(name, check, targets, noun) {
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
        const findings = check(source, file);
        for (const f of findings) console.error(formatFinding(f));
        total += findings.length;
    }
    console.log(`${name}: ${targets.length} file(s), ${total} ${noun}`);
    process.exitCode = total > 0 ? 1 : 0;
}

// ---------------------------------------------------------------- patch argument tables

/**
 * The members of LuaCs's patch argument table (LuaCsForBarotrauma
 * Barotrauma/BarotraumaShared/SharedSource/LuaCs/LuaCsHook.cs, class LuaCsHook.ParameterTable):
 * PreventExecution { get; set; }, ReturnValue { get; set; }, OriginalReturnValue { get; private set; },
 * OriginalParameters { get; }. ModifiedParameters is [MoonSharpHidden]; the arguments themselves
 * are behind the string indexer `this[string paramName]`, which MoonSharp reaches only through a
 * bracket index: a name index of anything else raises "cannot access field ... of
 * userdata<ParameterTable>".
 */
export const PARAMETER_TABLE_MEMBERS = new Set(["PreventExecution", "ReturnValue", "OriginalReturnValue", "OriginalParameters"]);

/** The name a project convention gives every patch argument table parameter. */
const PTABLE_NAME = "ptable";

function isHookPatch(node) {
    return node.type === "CallExpression" && node.base.type === "MemberExpression" && node.base.indexer === "."
        && node.base.identifier.name === "Patch" && isGlobalIdentifier(node.base.base, "Hook");
}

/** The name a call's callee goes by: `f(...)`, `x.f(...)`, `x:f(...)`. */
function calleeName(call) {
    const base = call.base;
    if (base.type === "Identifier") return base.name;
    if (base.type === "MemberExpression") return base.identifier.name;
    return undefined;
}

/** The name a function is bound to: `local function f`, `function x.f`, `local f = function`, `x.f = function`. */
function functionNames(ast) {
    const names = new Map();
    walk(ast, (node) => {
        if (node.type === "FunctionDeclaration" && node.identifier) {
            const id = node.identifier;
            if (id.type === "Identifier") names.set(node, id.name);
            else if (id.type === "MemberExpression") names.set(node, id.identifier.name);
        }
        if (node.type === "LocalStatement" || node.type === "AssignmentStatement") {
            node.variables.forEach((v, i) => {
                const init = node.init[i];
                if (!init || init.type !== "FunctionDeclaration") return;
                if (v.type === "Identifier") names.set(init, v.name);
                else if (v.type === "MemberExpression") names.set(init, v.identifier.name);
            });
        }
    });
    return names;
}

/** Function literals among a call's arguments, also inside nested calls (`wrap(function ... end)`). */
function functionArguments(call, out = []) {
    for (const arg of call.arguments) {
        if (arg.type === "FunctionDeclaration") out.push(arg);
        else if (/CallExpression$/.test(arg.type) && arg.arguments) functionArguments(arg, out);
    }
    return out;
}

/**
 * The functions whose second parameter is a patch argument table: function literals handed to
 * Hook.Patch (directly, inside a wrapping call, or by the name of a function), and function
 * literals handed to a function that installs patches (one whose body calls Hook.Patch or
 * another such installer).
 */
function patchCallbacks(ast) {
    const names = functionNames(ast);
    const calls = [];
    const enclosing = new Map();
    const stack = [];
    const visit = (node) => {
        if (node === null || typeof node !== "object") return;
        if (Array.isArray(node)) {
            node.forEach(visit);
            return;
        }
        if (typeof node.type !== "string") return;
        if (/CallExpression$/.test(node.type) && node.arguments) {
            calls.push(node);
            enclosing.set(node, stack.slice());
        }
        const isFunction = node.type === "FunctionDeclaration";
        if (isFunction) stack.push(node);
        for (const key of Object.keys(node)) {
            if (key === "loc" || key === "range" || key === "globals") continue;
            visit(node[key]);
        }
        if (isFunction) stack.pop();
    };
    visit(ast);
    const installers = new Set();
    for (let changed = true; changed;) {
        changed = false;
        for (const call of calls) {
            if (!isHookPatch(call) && !installers.has(calleeName(call))) continue;
            for (const fn of enclosing.get(call)) {
                const name = names.get(fn);
                if (name !== undefined && !installers.has(name)) {
                    installers.add(name);
                    changed = true;
                }
            }
        }
    }
    const callbacks = new Set();
    const byName = new Set();
    for (const call of calls) {
        if (!isHookPatch(call) && !installers.has(calleeName(call))) continue;
        for (const fn of functionArguments(call)) callbacks.add(fn);
        if (isHookPatch(call)) {
            for (const arg of call.arguments) if (arg.type === "Identifier") byName.add(arg.name);
        }
    }
    for (const [fn, name] of names) if (byName.has(name)) callbacks.add(fn);
    return callbacks;
}

/**
 * Name reads and writes of a patch argument table (`ptable.wasSaved`, `ptable.user = x`): they
 * raise on MoonSharp. A patch argument table is the second parameter of a patch callback (see
 * patchCallbacks), any parameter named `ptable`, and a local that copies one of them. Only the
 * table's real members may be used by name; arguments go through a bracket index with a key held
 * in a variable. Returns findings.
 */
export function checkPatchArgs(source, file) {
    const parsed = parseLua(source, file);
    if (parsed.finding) return [parsed.finding];
    const callbacks = patchCallbacks(parsed.ast);
    const findings = [];
    const lookup = (scope, name) => {
        for (let s = scope; s; s = s.parent) if (s.vars.has(name)) return s.vars.get(name);
        return false;
    };
    const child = (scope) => ({ parent: scope, vars: new Map() });
    const isPtable = (node, scope) => node.type === "Identifier" && lookup(scope, node.name) === true;
    const visitAll = (list, scope) => {
        for (const n of list) visit(n, scope);
    };
    const visitBody = (body, scope) => visitAll(body, child(scope));
    function visit(node, scope) {
        if (node === null || typeof node !== "object") return;
        if (Array.isArray(node)) return visitAll(node, scope);
        switch (node.type) {
            case "FunctionDeclaration": {
                if (node.identifier && node.isLocal && node.identifier.type === "Identifier") scope.vars.set(node.identifier.name, false);
                else if (node.identifier) visit(node.identifier, scope);
                const inner = child(scope);
                node.parameters.forEach((p, i) => {
                    if (p.type !== "Identifier") return;
                    inner.vars.set(p.name, p.name === PTABLE_NAME || (i === 1 && callbacks.has(node)));
                });
                visitAll(node.body, inner);
                return;
            }
            case "LocalStatement":
                visitAll(node.init, scope);
                node.variables.forEach((v, i) => {
                    const init = node.init[i];
                    scope.vars.set(v.name, init !== undefined && isPtable(init, scope));
                });
                return;
            case "DoStatement":
            case "WhileStatement":
                if (node.condition) visit(node.condition, scope);
                visitBody(node.body, scope);
                return;
            case "RepeatStatement": {
                const inner = child(scope);
                visitAll(node.body, inner);
                visit(node.condition, inner);
                return;
            }
            case "IfStatement":
                for (const clause of node.clauses) {
                    if (clause.condition) visit(clause.condition, scope);
                    visitBody(clause.body, scope);
                }
                return;
            case "ForNumericStatement": {
                visit(node.start, scope);
                visit(node.end, scope);
                if (node.step) visit(node.step, scope);
                const inner = child(scope);
                inner.vars.set(node.variable.name, false);
                visitAll(node.body, inner);
                return;
            }
            case "ForGenericStatement": {
                visitAll(node.iterators, scope);
                const inner = child(scope);
                for (const v of node.variables) inner.vars.set(v.name, false);
                visitAll(node.body, inner);
                return;
            }
            case "MemberExpression":
                if (isPtable(node.base, scope) && !PARAMETER_TABLE_MEMBERS.has(node.identifier.name)) {
                    findings.push(at(file, node, `patch argument table '${node.base.name}' is read by name ('${node.base.name}${node.indexer}${node.identifier.name}'): on MoonSharp only a bracket index with a key held in a variable reaches its indexer (use patchArg / setPatchArg)`));
                }
                visit(node.base, scope);
                return;
            default:
                for (const key of Object.keys(node)) {
                    if (key === "loc" || key === "range" || key === "globals" || key === "type") continue;
                    visit(node[key], scope);
                }
        }
    }
    visit(parsed.ast.body, { parent: undefined, vars: new Map() });
    return sortFindings(findings);
}

// ---------------------------------------------------------------- growth check
//
// MoonSharp (the interpreter inside LuaCs) forgets a table's cached length whenever a new integer
// key is added, so the next `#t` walks the whole array part again: an array grown by
// `t[#t + 1] = v` or `table.insert(t, v)` costs O(n^2) over n appends (PUC Lua does not show
// this). Its string.find / string.match copy the whole subject on every call, so a positional
// search that walks a string in a loop costs O(length^2); string.gmatch does not.
// The check flags, in shipped Lua:
//   - an append through the length (`t[#t + 1] = v`) inside a loop or a callback,
//   - `table.insert(t, v)` (two arguments) inside a loop or a callback,
//   - a positional string.find / string.match (`find(s, p, init)`, `s:find(p, init)`) inside a
//     loop or a callback.
// "A callback" is a function literal passed as a call argument: that is how the code iterates over
// keyed tables (`forEachKey(db, function(...) ... end)`), so it counts as a loop body. Appends and
// searches outside a loop run once per call and are left alone.
// Not seen: an append inside a named local function that a loop calls. The code's idiom instead
// (docs/architecture.md, "Growing arrays and scanning strings"): a counter next to the array
// (`n = n + 1; t[n] = v`; in TypeScript `out[n] = v; n++;`), and string.gmatch or one split to
// walk a string.

/**
 * Sites allowed to keep a flagged pattern because their size is small and bounded by something
 * other than the database, the players, the pages or a message. Each entry: the bundle module the
 * site sits in (the TypeScript file, dotted), the text that identifies it (the array of an append,
 * `string.find` / `:find` for a search; a RegExp where TypeScriptToLua names a temporary), and why
 * it stays small. A new entry needs the same kind of reason.
 */
export const GROWTH_ALLOWLIST = [
    // The cores of one database id on the loaded submarine: one, or a few in a conflict.
    { module: "core.rounds", text: "group" },
    // The 33 control characters, built once.
    { module: "features.shared.fieldText", text: "controlChars" },
    // Control characters removed from a text field's text, which is cut to 256 characters first.
    { module: "features.shared.fieldText", text: "string.find" },
    // The localized names of one prefab: one per text pack (English, Simplified Chinese).
    { module: "features.terminal.names", text: "list" },
    // The words of one console command line.
    { module: "host.commands", text: "out" },
    // The words of one restocker's config text (its field holds at most 200 characters,
    // maxtextlength in mod/Items/Restocker.xml, or its `stock:` item tags): kinds and tags are
    // capped at MAX_STOCK_KINDS (16).
    { module: "features.restocker.config", text: "tags" },
    { module: "features.restocker.config", text: "identifiers" },
    { module: "features.restocker.config", text: "problems" },
    { module: "features.restocker.config", text: "words" },
    // One restocker's deliveries still on their way: each fills free slots of its linked
    // containers, so they are bounded by those slots.
    { module: "features.restocker.restockers", text: /^____r_deliveries_\d+$/ },
    // The characters using one terminal.
    { module: "features.terminal.users", text: "users" },
    { module: "features.terminal.terminals", text: "names" },
    // The terminals whose upkeep slot is this tick (one in UPKEEP_EVERY of them), emptied each tick.
    { module: "features.terminal.terminals", text: "due" },
];

const LOOPS = new Set(["WhileStatement", "RepeatStatement", "ForNumericStatement", "ForGenericStatement"]);
const FUNCTIONS = new Set(["FunctionDeclaration"]);
const POSITIONAL_SEARCH = new Set(["find", "match"]);

/** The bundle module (`["core.codec"] = function(...)`) each line belongs to. */
function moduleStarts(source) {
    const starts = [];
    source.split("\n").forEach((text, i) => {
        const m = /^\["([^"]+)"\] = function\(/.exec(text);
        if (m) starts.push({ line: i + 1, name: m[1] });
    });
    return (line) => {
        let module;
        for (const s of starts) if (s.line <= line) module = s.name;
        return module;
    };
}

/**
 * A canonical text for a variable, field or index chain (`self.rows`, `t[i]`), or undefined for
 * anything else. Built from the tree, not from source ranges: luaparse 0.2.1 gives index and call
 * expressions wrong ranges when they are the base of a longer chain.
 */
function chainText(node) {
    switch (node.type) {
        case "Identifier":
            return node.name;
        case "StringLiteral":
        case "NumericLiteral":
            return node.raw;
        case "MemberExpression": {
            const base = chainText(node.base);
            return base === undefined ? undefined : base + node.indexer + node.identifier.name;
        }
        case "IndexExpression": {
            const base = chainText(node.base);
            const index = chainText(node.index);
            return base === undefined || index === undefined ? undefined : `${base}[${index}]`;
        }
        default:
            return undefined;
    }
}

/** What `node` does that grows quadratically on MoonSharp, if anything: { text, message }. */
function growthProblem(node) {
    if (node.type === "AssignmentStatement") {
        for (const target of node.variables) {
            if (target.type !== "IndexExpression") continue;
            const index = target.index;
            if (index.type !== "BinaryExpression" || index.operator !== "+") continue;
            const [len, one] = index.left.type === "UnaryExpression" ? [index.left, index.right] : [index.right, index.left];
            if (len.type !== "UnaryExpression" || len.operator !== "#" || one.type !== "NumericLiteral" || one.value !== 1) continue;
            const array = chainText(target.base);
            if (array === undefined || chainText(len.argument) !== array) continue;
            return { text: array, message: `append through the length '${array}[#${array} + 1]' in a loop (quadratic on MoonSharp: use a counter)` };
        }
        return undefined;
    }
    if (node.type !== "CallExpression" && node.type !== "StringCallExpression") return undefined;
    const callee = node.base;
    const args = node.arguments ?? [];
    if (callee.type === "MemberExpression" && callee.indexer === "." && callee.base.type === "Identifier" && callee.base.isLocal !== true) {
        const lib = callee.base.name;
        const fn = callee.identifier.name;
        if (lib === "table" && fn === "insert" && args.length === 2) {
            const array = chainText(args[0]) ?? "...";
            return { text: array, message: `table.insert(${array}, v) in a loop (reads the length each time, quadratic on MoonSharp: use a counter)` };
        }
        if (lib === "string" && POSITIONAL_SEARCH.has(fn) && args.length >= 3) {
            return { text: `string.${fn}`, message: `positional string.${fn}(s, p, init) in a loop (MoonSharp copies the subject on every call: use string.gmatch or split once)` };
        }
    }
    if (callee.type === "MemberExpression" && callee.indexer === ":" && POSITIONAL_SEARCH.has(callee.identifier.name) && args.length >= 2) {
        const fn = callee.identifier.name;
        return { text: `:${fn}`, message: `positional ${chainText(callee.base) ?? "s"}:${fn}(p, init) in a loop (MoonSharp copies the subject on every call: use string.gmatch or split once)` };
    }
    return undefined;
}

/**
 * Appends through the length and positional string searches inside loops or callbacks: the
 * patterns that are quadratic on MoonSharp. `allowlist` defaults to GROWTH_ALLOWLIST; an entry
 * matches a finding in its module with the same identifying text.
 */
export function checkGrowth(source, file, allowlist = GROWTH_ALLOWLIST) {
    const parsed = parseLua(source, file);
    if (parsed.finding) return [parsed.finding];
    const ast = parsed.ast;
    const moduleAt = moduleStarts(source);
    const findings = [];
    const visit = (node, looping) => {
        if (node === null || typeof node !== "object") return;
        if (Array.isArray(node)) {
            for (const child of node) visit(child, looping);
            return;
        }
        if (typeof node.type !== "string") return;
        if (looping) {
            const problem = growthProblem(node);
            if (problem) {
                const module = moduleAt(node.loc.start.line);
                const allowed = allowlist.some((a) => a.module === module && (a.text instanceof RegExp ? a.text.test(problem.text) : a.text === problem.text));
                if (!allowed) findings.push(at(file, node, problem.message));
            }
        }
        for (const key of Object.keys(node)) {
            if (key === "loc" || key === "range" || key === "globals") continue;
            const child = node[key];
            if (node.type === "CallExpression" && key === "arguments") {
                // A function literal passed to a call is a callback: treat its body as a loop body.
                for (const arg of child) visit(arg, FUNCTIONS.has(arg.type) ? true : looping);
                continue;
            }
            if (FUNCTIONS.has(node.type) && key === "body") {
                visit(child, node.__callback === true);
                continue;
            }
            if (LOOPS.has(node.type) && key === "body") {
                visit(child, true);
                continue;
            }
            visit(child, looping);
        }
    };
    // Mark callbacks first, so that a function's body knows whether it is one.
    walk(ast, (node) => {
        if (node.type === "CallExpression") for (const arg of node.arguments) if (FUNCTIONS.has(arg.type)) arg.__callback = true;
    });
    visit(ast, false);
    return sortFindings(findings);
}
