/**
 * The seam between the client panel's "bring this entry onto the page" click and the terminal
 * feature, which owns pages and leases and decides. The sync server only validates who asks and
 * what; the terminal registers the implementation. Until one is registered every request is
 * refused as "not available".
 */
import type { ItemKey } from "../../core/keys";
import { refuse, Result } from "../../core/result";

export interface TerminalPageRequests {
    /**
     * Show `key` (or exact entry `exactId`) on the page of terminal item `terminalItemId` for
     * `client`. The client was checked to be using that terminal; the key is well-formed.
     */
    bring(this: void, terminalItemId: number, key: ItemKey, exactId: number | undefined, client: Client | undefined): Result<string>;
}

let current: TerminalPageRequests | undefined;

/** Registers (or with undefined, removes) the terminal feature's implementation. */
export function registerTerminalPageRequests(impl: TerminalPageRequests | undefined): void {
    current = impl;
}

export function bringToPage(terminalItemId: number, key: ItemKey, exactId: number | undefined, client: Client | undefined): Result<string> {
    const impl = current;
    if (impl === undefined) return refuse("not_available", "bringing an entry onto a terminal page is not available");
    const [success, value] = pcall(impl.bring, terminalItemId, key, exactId, client);
    if (!success) return refuse("internal", string.format("the terminal failed: %s", type(value) === "string" ? value : "error"));
    if (type(value) !== "table") return refuse("internal", "the terminal gave no answer");
    return value as Result<string>;
}
