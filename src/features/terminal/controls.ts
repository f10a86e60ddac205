/**
 * The terminal's buttons, for every player including those without client-side LuaCs: each
 * CustomInterface button runs a StatusEffect with a `<LuaHook name="databaseio.terminal.xxx"/>`,
 * which the server calls with the item (never with who pressed it). A request is accepted only
 * while a living, connected character uses that terminal, and only for the database the terminal
 * is bound to, and at the rate a player may press (rate.ts); anything else is refused,
 * changes nothing, and is logged at most once a minute per player (or terminal) and reason.
 */
import { normalizeDatabaseId } from "../../core/keys";
import { ActionRefusalCode, ok, refuse, RefusalCode, Result } from "../../core/result";
import { once } from "../../host/log";
import type { TerminalSession } from "./session";
import { checkId } from "./extensions";

export const HOOK_PREFIX = "databaseio.terminal.";

export type Control = "previous" | "next" | "sort" | "direction" | "compact" | "refresh" | "page" | "actions" | "action";
export const CONTROLS: readonly Control[] = ["previous", "next", "sort", "direction", "compact", "refresh", "page", "actions", "action"];

/** Seconds between two log lines about the same refusal of the same player or terminal. */
export const REFUSAL_LOG_INTERVAL = 60;

/** The attributes of a `<LuaHook>` element (the game passes the XML element). */
interface HookElement {
    GetAttributeString(this: HookElement, name: string, fallback: string): string;
}

export interface ControlHost {
    /** The session of a terminal item that somebody uses right now, or a refusal. */
    sessionInUse(item: unknown): Result<TerminalSession>;
    now(): number;
    /**
     * Charges one request to the terminal's users; a refusal whose `who` names the player over
     * the rate (nothing is charged then).
     */
    admit(session: TerminalSession): Result<true> & { readonly who?: string };
    /** Runs registered action `id` (or the session's chosen one when undefined). */
    runAction(session: TerminalSession, id: string | undefined): Result<string, ActionRefusalCode>;
    /** Who uses the terminal, for the log ("Alice", "Alice+Bob"). */
    whoUses(session: TerminalSession): string;
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
    if (!found.ok) return refused(host, found.code, "terminal " + terminalIdOf(item), found.message);
    const session = found.value;
    const who = host.whoUses(session);
    const db = attribute(element, "db");
    if (db !== "" && normalizeDatabaseId(db) !== session.dbId) {
        return refused(host, "wrong_database", who, string.format("this terminal is bound to database '%s'", session.dbId));
    }
    let actionId: string | undefined;
    if (control === "action") {
        const raw = attribute(element, "action");
        if (raw !== "") {
            const checked = checkId(raw);
            if (!checked.ok) return refused(host, "bad_action", who, checked.message);
            actionId = checked.value;
        }
    }
    if (control === "page" && pageNumber(attribute(element, "page")) === undefined) {
        return refused(host, "bad_page", who, "a page number is a whole number from 1 up");
    }
    const admitted = host.admit(session);
    if (!admitted.ok) {
        session.say("too fast");
        return refused(host, admitted.code, admitted.who ?? who, admitted.message);
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
        case "page":
            session.request({ kind: "page", page: pageNumber(attribute(element, "page"))! });
            break;
        case "actions":
            if (!session.cycleAction()) {
                session.say("no actions");
                return refused(host, "no_actions", who, "no terminal action is registered");
            }
            session.say("action: " + session.action);
            break;
        case "action": {
            const result = host.runAction(session, actionId);
            session.say(result.ok ? result.value : result.message);
            if (!result.ok) return refused(host, `action_${result.code}`, who, result.message);
            break;
        }
    }
    return ok(true);
}

function terminalIdOf(item: unknown): string {
    if (item === undefined || item === null) return "?";
    const [success, id] = pcall(() => (item as Item).ID);
    return success && type(id) === "number" ? string.format("%d", id as number) : "?";
}

/** Logged at most once per interval per player (or terminal) and reason. */
function refused(host: ControlHost, code: RefusalCode, who: string, message: string): Result<true> {
    once("terminal:" + code + ":" + who, host.now(), REFUSAL_LOG_INTERVAL, string.format("terminal request from %s refused: %s", who, message));
    return refuse(code, message);
}
