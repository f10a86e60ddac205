/**
 * The client's "fill from database" model for one player: which fed fabricator the player uses,
 * the recipe chosen in the fabricator's own menu and the batches, the server's last have/need
 * answer for exactly that choice, and whether Fill can be pressed. Pure: the caller feeds the
 * selection and the time, sends the queries it hands out and passes the answers back, so the
 * specs drive it without a game.
 *
 * Queries: at once when the choice changes (but never closer than MIN_GAP apart, above the
 * server's cooldown), then every REFRESH seconds while it stays, and soon after a Fill so the
 * rows show what arrived. An answer for another choice is ignored.
 */
import type { FabQuery, StockAnswer } from "../protocol/fabricator";

/** Seconds between refreshes while the same recipe stays chosen. */
export const REFRESH = 1;
/** Fewest seconds between two queries (the server drops closer ones). */
export const MIN_GAP = 0.3;
/** Seconds after a Fill during which Fill stays off (the server's answer comes first). */
export const FILL_GAP = 0.5;

export interface FabSelection {
    readonly itemId: number;
    readonly identifier: string;
    readonly hash: number;
    readonly batches: number;
}

export interface FabRow {
    readonly label: string;
    readonly need: number;
    readonly atHand: number;
    readonly inDatabase: number;
    /** Units a fill would take from the database for this row. */
    readonly missing: number;
    /** At hand plus what the database can give covers the need. */
    readonly enough: boolean;
    readonly usable: boolean;
}

export type FabState = "idle" | "waiting" | "ready" | "refused";

function sameQuery(a: FabQuery | undefined, b: FabQuery | undefined): boolean {
    if (a === undefined || b === undefined) return a === b;
    return a.itemId === b.itemId && a.identifier === b.identifier && a.hash === b.hash && a.batches === b.batches;
}

export class FabricatorModel {
    private selection: FabQuery | undefined = undefined;
    private answer: StockAnswer | undefined = undefined;
    private lastSent = -1000;
    private nextDue = 0;
    private lastFill = -1000;
    private dirty = true;
    /** Answers ignored because they were for another choice (or none). */
    stale = 0;

    /** The current choice (undefined: no fed fabricator in use, or no recipe chosen). */
    select(choice: FabSelection | undefined, now: number): void {
        const next: FabQuery | undefined = choice === undefined ? undefined : { itemId: choice.itemId, identifier: choice.identifier, hash: choice.hash, batches: choice.batches };
        if (sameQuery(next, this.selection)) return;
        this.selection = next;
        this.answer = undefined;
        this.nextDue = now;
        this.dirty = true;
    }

    current(): FabQuery | undefined {
        return this.selection;
    }

    /** The query to send now, if one is due; the model counts it as sent. */
    due(now: number): FabQuery | undefined {
        if (this.selection === undefined) return undefined;
        if (now < this.nextDue || now - this.lastSent < MIN_GAP) return undefined;
        this.lastSent = now;
        this.nextDue = now + REFRESH;
        return this.selection;
    }

    /** A server answer; true when it is for the current choice (then it replaces the last one). */
    receive(answer: StockAnswer): boolean {
        if (!sameQuery(answer.query, this.selection)) {
            this.stale++;
            return false;
        }
        this.answer = answer;
        this.dirty = true;
        return true;
    }

    state(): FabState {
        if (this.selection === undefined) return "idle";
        if (this.answer === undefined) return "waiting";
        return this.answer.ok ? "ready" : "refused";
    }

    /** The refusal text, or the fabricator's database id when ready; "" otherwise. */
    text(): string {
        return this.answer === undefined ? "" : this.answer.text;
    }

    busy(): boolean {
        return this.answer !== undefined && this.answer.busy;
    }

    rows(): FabRow[] {
        const out: FabRow[] = [];
        let nOut = 0;
        if (this.answer === undefined || !this.answer.ok) return out;
        for (const row of this.answer.rows) {
            const missing = math.max(0, row.need - row.atHand);
            out[nOut] = {
                label: row.label, need: row.need, atHand: row.atHand, inDatabase: row.inDatabase, missing,
                enough: missing === 0 || (row.usable && row.inDatabase >= missing), usable: row.usable,
            };
            nOut++;
        }
        return out;
    }

    /** Units a fill would take from the database in all. */
    missingUnits(): number {
        let n = 0;
        for (const row of this.rows()) n += row.missing;
        return n;
    }

    /** Fill is worth pressing: the last answer is for this choice, something is missing, the database covers it all, no pull on its way. */
    canFill(now: number): boolean {
        if (this.state() !== "ready") return false;
        const answer = this.answer!;
        if (answer.busy || !answer.coverable) return false;
        if (now - this.lastFill < FILL_GAP) return false;
        return this.missingUnits() > 0;
    }

    /** The fill request to send (the same fields as the query), or undefined when Fill is off. */
    fill(now: number): FabQuery | undefined {
        if (!this.canFill(now)) return undefined;
        this.lastFill = now;
        // Ask again once the fill had time to land (FILL_GAP is above the spawn delay).
        this.nextDue = now + FILL_GAP;
        this.dirty = true;
        return this.selection;
    }

    /** Whether the GUI must redraw since the last call. */
    takeDirty(): boolean {
        const d = this.dirty;
        this.dirty = false;
        return d;
    }
}
