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
