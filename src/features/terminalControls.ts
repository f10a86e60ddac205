/**
 * The terminal's buttons, for every player including those without client-side LuaCs: each
 * CustomInterface button runs a StatusEffect with a `<LuaHook name="databaseio.terminal.xxx"/>`,
 * which the server calls with the item (never with who pressed it). A request is accepted only
 * while a living, connected character uses that terminal, and only for the database the terminal
 * is bound to; anything else is refused and changes nothing.
 */
import { normalizeDatabaseId } from "../core/keys";
import { ok, refuse, Result } from "../core/result";
import { once } from "../host/log";
import type { TerminalSession } from "./terminalSession";

export const HOOK_PREFIX = "databaseio.terminal.";

export type Control = "previous" | "next" | "sort" | "direction" | "compact" | "refresh" | "page";
export const CONTROLS: readonly Control[] = ["previous", "next", "sort", "direction", "compact", "refresh", "page"];

/** The attributes of a `<LuaHook>` element (the game passes the XML element). */
interface HookElement {
    GetAttributeString(this: HookElement, name: string, fallback: string): string;
}

export interface ControlHost {
    /** The session of a terminal item that somebody uses right now, or a refusal. */
    sessionInUse(item: unknown): Result<TerminalSession>;
    now(): number;
}

function attribute(element: unknown, name: string): string {
    if (element === undefined || element === null) return "";
    const [success, value] = pcall(() => (element as HookElement).GetAttributeString(name, ""));
    if (!success || type(value) !== "string") return "";
    return value as string;
}

/** A page number from an attribute: a whole number from 1 up, or undefined. */
export function pageNumber(raw: string): number | undefined {
    if (raw === "") return undefined;
    const n = tonumber(raw);
    if (n === undefined || n !== math.floor(n) || n < 1 || n > 100000) return undefined;
    return n;
}

/** Runs one control; a refusal says why (and is printed at most once a minute per reason). */
export function runControl(host: ControlHost, control: Control, item: unknown, element: unknown): Result<true> {
    const found = host.sessionInUse(item);
    if (!found.ok) return refused(host, found.code, found.message);
    const session = found.value;
    const db = attribute(element, "db");
    if (db !== "" && normalizeDatabaseId(db) !== session.dbId) {
        return refused(host, "wrong_database", string.format("this terminal is bound to database '%s'", session.dbId));
    }
    switch (control) {
        case "previous":
            session.previousPage();
            break;
        case "next":
            session.nextPage();
            break;
        case "sort":
            session.cycleSort();
            break;
        case "direction":
            session.toggleDirection();
            break;
        case "compact":
        case "refresh":
            session.refresh();
            break;
        case "page": {
            const page = pageNumber(attribute(element, "page"));
            if (page === undefined) return refused(host, "bad_page", "a page number is a whole number from 1 up");
            session.request({ kind: "page", page });
            break;
        }
    }
    return ok(true);
}

function refused(host: ControlHost, code: string, message: string): Result<true> {
    once("terminal:" + code, host.now(), 60, "terminal request refused: " + message);
    return refuse(code, message);
}
