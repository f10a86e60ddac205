// The cost-counting build of the Lua (build/instrumented/): every length read `#x` and every
// string search (string.find / match / gsub / gmatch, as functions or as `s:find(...)` methods)
// is rewritten, on the luaparse syntax tree, into a call of a counting function. PUC Lua cannot
// show what MoonSharp pays for these (see checkGrowth in lua-checks.mjs): a length read after an
// array grew rescans the whole array there, and a string search copies its whole subject. The
// counts (test/kits/cost_meter.lua) model those costs, so a spec can assert on PUC Lua that an
// operation grows linearly with the database. Never shipped.
//
// The rewritten chunk starts with one line that picks the counting functions from the global
// DBIO_COST (a meter from test/kits/cost_meter.lua), which the loader sets before loading:
//   #x                  -> ____costLen(x)
//   string.find(...)    -> ____costString.find(...)      (also match, gsub, gmatch)
//   s:find(a, b)        -> ____costMethod(s, "find", a, b)
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const luaparse = require("luaparse");

const SEARCHES = new Set(["find", "match", "gsub", "gmatch"]);

export const COST_HEADER =
    'local ____cost = DBIO_COST or error("cost-counting build: set the global DBIO_COST (test/kits/cost_meter.lua) before loading it", 0); ' +
    "local ____costLen, ____costString, ____costMethod = ____cost.len, ____cost.string, ____cost.method\n";

/** Returns the instrumented source of a Lua chunk (throws on a syntax error). */
export function instrumentCosts(source) {
    const ast = luaparse.parse(source, { locations: false, ranges: true, scope: true, comments: false, wait: false });
    const edits = [];
    const visit = (node) => {
        if (node === null || typeof node !== "object") return;
        if (Array.isArray(node)) {
            for (const child of node) visit(child);
            return;
        }
        if (typeof node.type !== "string") return;
        if (node.type === "UnaryExpression" && node.operator === "#") {
            // luaparse 0.2.1 cuts the range of an index expression before its "]" and stretches
            // a call's over the suffixes after it, so only ranges of whole expressions are used:
            // the argument is everything after the "#".
            edits.push({ range: node.range, emit: (render) => `____costLen(${render([node.range[0] + 1, node.range[1]])})` });
        } else if (node.type === "MemberExpression" && node.indexer === "." && node.base.type === "Identifier" && node.base.name === "string" && node.base.isLocal !== true && SEARCHES.has(node.identifier.name)) {
            const name = node.identifier.name;
            // luaparse may stretch a callee's range over its arguments: end at the name.
            edits.push({ range: [node.range[0], node.identifier.range[1]], emit: () => `____costString.${name}` });
        } else if (node.type === "CallExpression" && node.base.type === "MemberExpression" && node.base.indexer === ":" && SEARCHES.has(node.base.identifier.name)) {
            const name = node.base.identifier.name;
            const colon = source.lastIndexOf(":", node.base.identifier.range[0]);
            const open = source.indexOf("(", node.base.identifier.range[1]);
            const close = node.range[1] - 1;
            if (colon < node.range[0] || open < 0 || source[close] !== ")" || source.slice(node.base.identifier.range[1], open).trim() !== "") {
                throw new Error(`cannot rewrite the method call at offset ${node.range[0]}: ${source.slice(node.range[0], node.range[1])}`);
            }
            edits.push({
                range: node.range,
                emit: (render) => {
                    const args = render([open + 1, close]);
                    return `____costMethod(${render([node.range[0], colon])}, ${JSON.stringify(name)}${args.trim() === "" ? "" : ", " + args})`;
                },
            });
        }
        for (const key of Object.keys(node)) {
            if (key === "range" || key === "globals") continue;
            visit(node[key]);
        }
    };
    visit(ast);
    edits.sort((a, b) => a.range[0] - b.range[0] || b.range[1] - a.range[1]);
    const starts = edits.map((e) => e.range[0]);
    const firstAtOrAfter = (pos) => {
        let lo = 0;
        let hi = starts.length;
        while (lo < hi) {
            const mid = (lo + hi) >> 1;
            if (starts[mid] < pos) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    };
    // A parenthesized argument's range leaves its parentheses out; they stay in the gaps.
    const render = ([from, to]) => {
        let out = "";
        let cursor = from;
        for (let i = firstAtOrAfter(from); i < edits.length && edits[i].range[0] < to; i++) {
            const e = edits[i];
            if (e.range[0] < cursor || e.range[1] > to) continue;
            out += source.slice(cursor, e.range[0]) + e.emit(render);
            cursor = e.range[1];
        }
        return out + source.slice(cursor, to);
    };
    return COST_HEADER + render([0, source.length]);
}
