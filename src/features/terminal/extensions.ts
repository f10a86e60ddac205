/**
 * What other mods add to the terminals: sort modes, search filters and terminal actions.
 *
 * Shapes (the public API passes its arguments straight through; every call returns a Result and
 * never raises; registering an id again replaces the earlier definition, so a Lua reload is safe):
 *
 *   DatabaseIO.registerSortMode(id, label, compare) -> Result<string>
 *     compare(a: TerminalRow, b: TerminalRow) -> number
 *       negative: a comes first (ascending), positive: b first, 0: a tie, broken by name, key,
 *       exact id. The Sort button cycles name, amount, condition, recent, then the registered
 *       modes in registration order; Direction reverses any mode.
 *
 *   DatabaseIO.registerSearchFilter(id, prefix, matches) -> Result<string>
 *     A search text that starts with `prefix` (e.g. "@" for "@mymod") runs this filter instead of
 *     the name search: matches(row: TerminalRow, text: string) -> boolean, where `text` is the rest
 *     of the search after the prefix, trimmed and in lower case. The longest matching prefix wins;
 *     a prefix belongs to one filter id.
 *
 *   DatabaseIO.registerTerminalAction(id, label, run) -> Result<string>
 *     run(ctx: TerminalActionContext) -> Result<string> ({ ok = true, value = "text" } or
 *     { ok = false, code = "...", message = "..." }); the text or message is shown on the terminal.
 *     Runs from the terminal's Action button (the action chosen with the Actions button), or from
 *     a terminal button of another mod: <LuaHook name="databaseio.terminal.action" action="id"/>.
 *
 *   TerminalRow (read only: do not change or keep it): key ("identifier#quality"), exactId (set
 *     for an exact entry: damaged, with contents, stolen), identifier, name (lower case, the
 *     server's language), amount, condition (0..100), changed (a serial: higher = changed later).
 *
 *   TerminalActionContext: terminal (the item), terminalId, db, page, sort, descending, search,
 *     users (characters using the terminal), refresh() (return and refill the page).
 *
 * Ids: 1..48 characters of a-z, 0-9, '.', '_', '-', ':' (case-insensitive, e.g. "mymod.rarity").
 * Labels: 1..24 characters of printable text. A comparator, filter or action that raises or
 * returns the wrong type is treated as a tie / no match / a refusal and logged once a minute.
 */
import { ActionCode, ActionRefusalCode, ok, refuse, Result } from "../../core/result";
import { once } from "../../host/log";
import { cleanFieldText } from "../shared/fieldText";
import type { ViewRow } from "./row";

export const BUILTIN_SORT_MODES: readonly string[] = ["name", "amount", "condition", "recent"];

export type Comparator = (this: void, a: ViewRow, b: ViewRow) => number;
export type RowFilter = (this: void, row: ViewRow, text: string) => boolean;

export interface TerminalActionContext {
    readonly terminal: Item;
    readonly terminalId: number;
    readonly db: string;
    readonly page: number;
    readonly sort: string;
    readonly descending: boolean;
    readonly search: string;
    readonly users: Character[];
    refresh(this: void): void;
}

export type ActionRun = (this: void, ctx: TerminalActionContext) => Result<unknown>;

export interface SortModeDef {
    readonly id: string;
    readonly label: string;
    readonly compare: Comparator;
}

export interface SearchFilterDef {
    readonly id: string;
    readonly prefix: string;
    readonly matches: RowFilter;
}

export interface TerminalActionDef {
    readonly id: string;
    readonly label: string;
    readonly run: ActionRun;
}

const MAX_ID = 48;
const MAX_LABEL = 24;
const MAX_PREFIX = 16;
const LOG_INTERVAL = 60;

let idChars: LuaMap<string, true> | undefined;

function idCharSet(): LuaMap<string, true> {
    if (idChars === undefined) {
        idChars = new LuaMap<string, true>();
        const all = "abcdefghijklmnopqrstuvwxyz0123456789._-:";
        for (let i = 1; i <= all.length; i++) idChars.set(string.sub(all, i, i), true);
    }
    return idChars;
}

/** A normalized id, or a refusal. Checked one character at a time (no patterns over text). */
export function checkId(raw: unknown): Result<string> {
    if (type(raw) !== "string") return refuse("bad_id", "an id must be text");
    const id = string.lower(raw as string);
    if (id.length < 1 || id.length > MAX_ID) return refuse("bad_id", string.format("an id has 1 to %d characters", MAX_ID));
    const chars = idCharSet();
    for (let i = 1; i <= id.length; i++) {
        if (!chars.has(string.sub(id, i, i))) return refuse("bad_id", "an id uses only a-z, 0-9, '.', '_', '-' and ':'");
    }
    return ok(id);
}

function checkLabel(raw: unknown): Result<string> {
    if (type(raw) !== "string") return refuse("bad_label", "a label must be text");
    const label = cleanFieldText(raw);
    if (label === "" || label !== raw || (raw as string).length > MAX_LABEL) {
        return refuse("bad_label", string.format("a label has 1 to %d printable characters", MAX_LABEL));
    }
    return ok(label);
}

function checkFunction(raw: unknown, what: string): Result<true> {
    if (type(raw) !== "function") return refuse("bad_function", what + " must be a function");
    return ok(true);
}

const sortModes = new LuaMap<string, SortModeDef>();
const sortOrder: string[] = [];
const filters = new LuaMap<string, SearchFilterDef>();
const actions = new LuaMap<string, TerminalActionDef>();
const actionOrder: string[] = [];
let clock: (this: void) => number = () => 0;

/** The host's clock, for logging a misbehaving extension at most once a minute. */
export function setExtensionClock(now: (this: void) => number): void {
    clock = now;
}

/** Bumped on every registration: cached views compare it. */
let generation = 0;

export function extensionGeneration(): number {
    return generation;
}

export function registerSortMode(id: unknown, label: unknown, compare: unknown): Result<string> {
    const checked = checkId(id);
    if (!checked.ok) return checked;
    const name = checked.value;
    for (const builtin of BUILTIN_SORT_MODES) {
        if (builtin === name) return refuse("id_taken", string.format("'%s' is a built-in sort mode", name));
    }
    const l = checkLabel(label);
    if (!l.ok) return l;
    const f = checkFunction(compare, "compare");
    if (!f.ok) return f;
    if (!sortModes.has(name)) sortOrder.push(name);
    sortModes.set(name, { id: name, label: l.value, compare: compare as Comparator });
    generation++;
    return ok(name);
}

export function registerSearchFilter(id: unknown, prefix: unknown, matches: unknown): Result<string> {
    const checked = checkId(id);
    if (!checked.ok) return checked;
    const name = checked.value;
    if (type(prefix) !== "string") return refuse("bad_prefix", "a prefix must be text");
    const p = string.lower(prefix as string);
    const [space] = string.find(p, " ", 1, true);
    if (p.length < 1 || p.length > MAX_PREFIX || cleanFieldText(p) !== p || space !== undefined) {
        return refuse("bad_prefix", string.format("a prefix has 1 to %d printable characters and no space", MAX_PREFIX));
    }
    const f = checkFunction(matches, "matches");
    if (!f.ok) return f;
    for (const [otherId, other] of filters) {
        if (otherId !== name && other.prefix === p) {
            return refuse("prefix_taken", string.format("the prefix '%s' belongs to filter '%s'", p, otherId));
        }
    }
    filters.set(name, { id: name, prefix: p, matches: matches as RowFilter });
    generation++;
    return ok(name);
}

export function registerTerminalAction(id: unknown, label: unknown, run: unknown): Result<string> {
    const checked = checkId(id);
    if (!checked.ok) return checked;
    const name = checked.value;
    const l = checkLabel(label);
    if (!l.ok) return l;
    const f = checkFunction(run, "run");
    if (!f.ok) return f;
    if (!actions.has(name)) actionOrder.push(name);
    actions.set(name, { id: name, label: l.value, run: run as ActionRun });
    generation++;
    return ok(name);
}

// ---- use by the terminal ----

/** Every sort mode in Sort-button order: built-ins, then registered modes. */
export function sortCycle(): string[] {
    const list: string[] = [];
    let nList = 0;
    for (const m of BUILTIN_SORT_MODES) { list[nList] = m; nList++; }
    for (const m of sortOrder) { list[nList] = m; nList++; }
    return list;
}

export function sortModeOf(id: string): SortModeDef | undefined {
    return sortModes.get(id);
}

export function isSortMode(id: string): boolean {
    for (const m of BUILTIN_SORT_MODES) {
        if (m === id) return true;
    }
    return sortModes.has(id);
}

/** The label shown for a sort mode. */
export function sortLabel(id: string): string {
    return sortModes.get(id)?.label ?? id;
}

/** An extension comparator's answer: a finite number, or 0 when it raised or gave something else. */
export function compareWith(mode: SortModeDef, a: ViewRow, b: ViewRow): number {
    const [success, value] = pcall(mode.compare, a, b);
    if (success && type(value) === "number" && value === value) return value as number;
    once("terminal-ext:sort:" + mode.id, clock(), LOG_INTERVAL, string.format("sort mode '%s' failed or gave no number: %s", mode.id, success ? type(value) : tostring(value)));
    return 0;
}

/** The filter for a search text (longest prefix first), and the text after its prefix. */
export function filterFor(search: string): LuaMultiReturn<[SearchFilterDef | undefined, string]> {
    let best: SearchFilterDef | undefined;
    for (const [, f] of filters) {
        if (string.sub(search, 1, f.prefix.length) === f.prefix && (best === undefined || f.prefix.length > best.prefix.length)) best = f;
    }
    if (best === undefined) return $multi(undefined, search);
    return $multi(best, trimAscii(string.sub(search, best.prefix.length + 1)));
}

function trimAscii(text: string): string {
    let from = 1;
    let to = text.length;
    while (from <= to && string.sub(text, from, from) === " ") from++;
    while (to >= from && string.sub(text, to, to) === " ") to--;
    return string.sub(text, from, to);
}

export function filterMatches(filter: SearchFilterDef, row: ViewRow, text: string): boolean {
    const [success, value] = pcall(filter.matches, row, text);
    if (success && type(value) === "boolean") return value as boolean;
    once("terminal-ext:filter:" + filter.id, clock(), LOG_INTERVAL, string.format("search filter '%s' failed or gave no boolean: %s", filter.id, success ? type(value) : tostring(value)));
    return false;
}

/** Action ids in Actions-button order. */
export function actionCycle(): string[] {
    const list: string[] = [];
    let nList = 0;
    for (const a of actionOrder) { list[nList] = a; nList++; }
    return list;
}

export function actionOf(id: string): TerminalActionDef | undefined {
    return actions.get(id);
}

/** Runs an action; its answer becomes a Result<string> whatever it returned. */
export function runAction(action: TerminalActionDef, ctx: TerminalActionContext): Result<string, ActionRefusalCode> {
    const [success, value] = pcall(action.run, ctx);
    if (!success) {
        once("terminal-ext:action:" + action.id, clock(), LOG_INTERVAL, string.format("terminal action '%s' failed: %s", action.id, tostring(value)));
        return refuse("action_failed", string.format("action '%s' failed", action.id));
    }
    if (type(value) !== "table") return refuse("action_failed", string.format("action '%s' gave no result", action.id));
    const r = value as { ok?: unknown; value?: unknown; code?: unknown; message?: unknown };
    if (r.ok === true) return ok(type(r.value) === "string" ? cleanFieldText(r.value) : action.label);
    const code: ActionCode = type(r.code) === "string" ? (r.code as string) : "refused";
    const message = type(r.message) === "string" ? cleanFieldText(r.message) : "refused";
    return { ok: false, code, message };
}
