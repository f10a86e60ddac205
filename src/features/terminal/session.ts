/**
 * One terminal in use: which page it shows, how that page is filled, and what happens when the
 * page changes or the terminal closes.
 *
 * States: idle (no lease) -> filling (rows are spawned one slot's worth at a time until the first
 * placement fails) -> open -> clearing (the page's items are on their way back) -> filling the
 * next page, or idle after a close. A request that arrives while spawns or returns are pending
 * waits for them (the latest request wins), so every unit is booked exactly once.
 */
import type { HostServices } from "../../host/runtime";
import type { ItemKey } from "../../core/keys";
import { info } from "../../host/log";
import { LeasePage, RowOutcome } from "./page";
import type { DatabaseView, SortMode, ViewQuery } from "./view";
import type { ViewRow } from "./row";
import { actionCycle, sortCycle, sortLabel } from "./extensions";

export type SessionState = "idle" | "filling" | "open" | "clearing";

export type Request =
    | { readonly kind: "page"; readonly page: number }
    /** A one-off page that starts at this entry's row (the client panel's "bring to page"). */
    | { readonly kind: "bring"; readonly key: ItemKey; readonly exactId?: number }
    | { readonly kind: "close" };

/** Rows, units and distinct items of the query when the page was filled. */
interface PageStats {
    readonly count: number;
    readonly units: number;
    readonly kinds: number;
}

export interface SessionHost {
    readonly services: HostServices;
    readonly nonce: string;
    viewOf(dbId: string): DatabaseView;
    /** Shows the summary line on the device. */
    showSummary(session: TerminalSession, text: string): void;
}

function entryId(row: ViewRow): string {
    return row.exactId === undefined ? row.key : row.key + "#" + string.format("%d", row.exactId);
}

export class TerminalSession {
    state: SessionState = "idle";
    page: LeasePage | undefined;
    pageIndex = 1;
    /** Row index (1-based) where each page starts; a page's end is the next page's start. */
    private pageStarts: number[] = [1];
    /** Known: the last page (its fill reached the end of the rows). */
    private lastPage: number | undefined;
    sort: SortMode = "name";
    descending = false;
    search = "";
    /** The registered action the Action button runs ("" = none chosen yet). */
    action = "";
    private stats: PageStats | undefined;
    /** Rows being filled: a copy of the order from row `windowStart` on. */
    private window: ViewRow[] = [];
    private windowStart = 1;
    /** The window ends before the order does (there are more rows after it). */
    private windowCut = false;
    /** Entries placed on the page being filled (key or key#exact id): never twice on one page. */
    private filled = new LuaMap<string, true>();
    private cursor = 1;
    private pending: Request | undefined;
    private afterClear: Request | undefined;
    message = "";
    private messageUntil = 0;
    private lastSummary = "";

    constructor(
        private readonly host: SessionHost,
        readonly item: Item,
        readonly dbId: string,
        readonly fixed: boolean,
    ) {}

    get container(): Inventory | undefined {
        return this.item.OwnInventory;
    }

    get source(): string {
        return string.format("terminal:%d", this.item.ID);
    }

    query(): ViewQuery {
        return { sort: this.sort, descending: this.descending, search: this.search };
    }

    say(text: string): void {
        this.message = text;
        this.messageUntil = this.host.services.now() + 6;
        this.updateSummary();
    }

    // ---- requests ----

    /** Opens page 1 (or the current page) for a new user. */
    open(): void {
        if (this.state !== "idle") return;
        const container = this.container;
        if (container === undefined) return;
        const owner = string.format("terminal:%d:%s", this.item.ID, this.host.nonce);
        const opened = LeasePage.open(this.host.services, this.dbId, owner, this.host.nonce, this.source);
        if (!opened.ok) {
            this.say(opened.message);
            return;
        }
        this.page = opened.value;
        this.startFill();
    }

    request(req: Request): void {
        if (this.state === "idle") {
            if (req.kind !== "close") {
                this.applyPageRequest(req);
                this.open();
            }
            return;
        }
        if (this.state === "filling" || this.state === "clearing") {
            this.pending = req;
            return;
        }
        this.beginClear(req);
    }

    nextPage(): void {
        if (this.lastPage !== undefined && this.pageIndex >= this.lastPage) {
            this.say("last page");
            return;
        }
        this.request({ kind: "page", page: this.pageIndex + 1 });
    }

    previousPage(): void {
        if (this.pageIndex <= 1) {
            this.say("first page");
            return;
        }
        this.request({ kind: "page", page: this.pageIndex - 1 });
    }

    /** Sort, direction and search change the rows: start again at page 1. */
    private reorder(): void {
        this.pageStarts = [1];
        this.lastPage = undefined;
        this.request({ kind: "page", page: 1 });
    }

    /** Built-in modes, then the ones other mods registered (extensions.ts). */
    cycleSort(): void {
        const modes = sortCycle();
        let index = 0;
        for (let i = 0; i < modes.length; i++) {
            if (modes[i] === this.sort) index = i;
        }
        this.sort = modes[(index + 1) % modes.length];
        this.reorder();
    }

    /** Chooses the next registered action for the Action button; false when there is none. */
    cycleAction(): boolean {
        const actions = actionCycle();
        if (actions.length === 0) return false;
        let index = -1;
        for (let i = 0; i < actions.length; i++) {
            if (actions[i] === this.action) index = i;
        }
        this.action = actions[(index + 1) % actions.length];
        return true;
    }

    /**
     * Brings an entry onto the page: once the current page is back in the database (its rows
     * are part of the order again), a one-off page starts at the entry's row.
     */
    bring(key: ItemKey, exactId: number | undefined): void {
        this.request({ kind: "bring", key, exactId });
    }

    /**
     * The page number for a one-off page starting at row `pos`: the known page that holds that
     * row, or, past the known pages, by the rows per page seen so far.
     */
    private pageFor(pos: number): number {
        const starts = this.pageStarts;
        const known = starts.length;
        let page = known;
        if (pos < starts[known - 1]) {
            for (let p = 1; p < known; p++) {
                if (starts[p - 1] <= pos && pos < starts[p]) page = p;
            }
        } else {
            const perPage = known >= 2 ? (starts[known - 1] - 1) / (known - 1) : math.max(1, this.container?.Capacity ?? 1);
            page = known + math.floor((pos - starts[known - 1]) / math.max(1, perPage));
        }
        return page;
    }

    private applyPageRequest(req: Request): void {
        if (req.kind === "page") {
            this.pageIndex = math.max(1, math.min(req.page, this.pageStarts.length));
        } else if (req.kind === "bring") {
            const query = this.query();
            const at = this.host.viewOf(this.dbId).index(query).positionOf(req.key, req.exactId, query.descending);
            // Taken meanwhile: the current page is shown again.
            if (at !== undefined) this.showFrom(at);
        }
    }

    /** Previous walks back through the known page starts; pages past them are estimated. */
    private showFrom(start: number): void {
        const page = this.pageFor(start);
        const known = this.pageStarts;
        const last = known[known.length - 1];
        const perPage = (start - last) / math.max(1, page - known.length + 1);
        const starts: number[] = [];
        let nStarts = 0;
        for (let p = 1; p < page; p++) {
            const estimate = p <= known.length ? known[p - 1] : math.floor(last + (p - known.length) * perPage);
            starts[nStarts] = math.max(p, math.min(estimate, start - page + p));
            nStarts++;
        }
        starts[nStarts] = start;
        nStarts++;
        this.pageStarts = starts;
        this.lastPage = undefined;
        this.pageIndex = page;
    }

    toggleDirection(): void {
        this.descending = !this.descending;
        this.reorder();
    }

    setSearch(text: string): void {
        if (text === this.search) return;
        this.search = text;
        this.reorder();
    }

    /** Return and refill the same page: partial stacks merge, new entries show. */
    refresh(): void {
        this.request({ kind: "page", page: this.pageIndex });
    }

    close(): void {
        if (this.state === "idle") return;
        this.request({ kind: "close" });
    }

    // ---- fill ----

    private startFill(): void {
        const page = this.page;
        if (page === undefined) return;
        this.state = "filling";
        if (this.pageIndex > this.pageStarts.length) this.pageIndex = this.pageStarts.length;
        this.cursor = this.pageStarts[this.pageIndex - 1];
        this.filled = new LuaMap<string, true>();
        this.loadWindow(true);
        this.fillNext();
    }

    /**
     * Copies the rows from the cursor on: a page holds at most one row per slot, so this reads
     * only the page's rows, never the whole database.
     */
    private loadWindow(first: boolean): void {
        const query = this.query();
        const index = this.host.viewOf(this.dbId).index(query);
        // What the summary shows: the query as the page was opened.
        if (first) this.stats = { count: index.size(), units: index.units, kinds: index.kinds };
        const want = math.max(1, this.container?.Capacity ?? 1) + 1;
        this.window = index.window(this.cursor, want, query.descending);
        this.windowStart = this.cursor;
        this.windowCut = this.window.length === want;
    }

    /** The row at the cursor, or undefined past the end (the window is reloaded when used up). */
    private rowAtCursor(): ViewRow | undefined {
        for (;;) {
            let offset = this.cursor - this.windowStart;
            if (offset >= this.window.length) {
                if (!this.windowCut) return undefined;
                this.loadWindow(false);
                offset = 0;
                if (this.window.length === 0) return undefined;
            }
            const row = this.window[offset];
            // The order moved while filling (a "recent" page leases what it shows): skip repeats.
            if (!this.filled.has(entryId(row))) return row;
            this.cursor++;
        }
    }

    private fillNext(): void {
        const page = this.page;
        const container = this.container;
        if (page === undefined || container === undefined || page.isDead) {
            this.finishFill(false);
            return;
        }
        while (this.state === "filling") {
            if (this.pending !== undefined) {
                const req = this.pending;
                this.pending = undefined;
                this.finishFill(false);
                this.beginClear(req);
                return;
            }
            const row = this.rowAtCursor();
            if (row === undefined) {
                this.finishFill(true);
                return;
            }
            this.filled.set(entryId(row), true);
            let sync = true;
            let result: RowOutcome | undefined;
            page.fillRow(row, container, (outcome) => {
                if (sync) {
                    result = outcome;
                } else {
                    this.rowDone(outcome);
                }
            });
            sync = false;
            if (result === undefined) return; // spawns land on a later update
            if (result === "full") {
                this.pageFull();
                return;
            }
            this.cursor++;
        }
    }

    private rowDone(outcome: RowOutcome): void {
        if (this.state !== "filling") return;
        if (outcome === "full") {
            this.pageFull();
            return;
        }
        this.cursor++;
        this.fillNext();
    }

    /** The first placement failed: this page ends here; the next starts at this row. */
    private pageFull(): void {
        const next = this.pageIndex + 1;
        // A row that did not fit at all starts the next page; if nothing fitted, move on anyway.
        const start = this.cursor > this.pageStarts[this.pageIndex - 1] ? this.cursor : this.cursor + 1;
        this.pageStarts[next - 1] = start;
        while (this.pageStarts.length > next) this.pageStarts.pop();
        if (this.lastPage !== undefined && this.lastPage < next) this.lastPage = undefined;
        this.finishFill(false);
    }

    private finishFill(reachedEnd: boolean): void {
        if (this.state !== "filling") return;
        this.state = "open";
        if (reachedEnd) {
            this.lastPage = this.pageIndex;
            while (this.pageStarts.length > this.pageIndex) this.pageStarts.pop();
        }
        this.updateSummary();
        if (this.pending !== undefined) {
            const req = this.pending;
            this.pending = undefined;
            this.beginClear(req);
        }
    }

    // ---- clear ----

    private beginClear(req: Request): void {
        const page = this.page;
        const container = this.container;
        this.state = "clearing";
        this.afterClear = req;
        if (page !== undefined && container !== undefined) page.clear(container);
        this.tryFinishClear();
    }

    private tryFinishClear(): void {
        if (this.state !== "clearing") return;
        const page = this.page;
        if (page !== undefined && page.busy && !page.isDead) return;
        const req = this.pending ?? this.afterClear;
        this.pending = undefined;
        this.afterClear = undefined;
        if (page === undefined || page.isDead || req === undefined || req.kind === "close") {
            if (page !== undefined) page.close();
            this.page = undefined;
            this.state = "idle";
            this.updateSummary();
            return;
        }
        const renewed = page.renew();
        if (!renewed.ok) {
            info("terminal page could not be renewed: " + renewed.message);
            page.close();
            this.page = undefined;
            this.state = "idle";
            return;
        }
        this.applyPageRequest(req);
        this.startFill();
    }

    // ---- upkeep ----

    /** Regular check while a page is open: book taken items, time out spawns, finish a clear. */
    tick(now: number): void {
        const page = this.page;
        const container = this.container;
        if (page === undefined || container === undefined) return;
        page.sweep(now);
        if (this.state === "open" || this.state === "filling") page.reconcile(container);
        if (this.state === "clearing") this.tryFinishClear();
        if (this.message !== "" && now > this.messageUntil) {
            this.message = "";
            this.updateSummary();
        }
    }

    /**
     * The terminal itself is being removed: its page returns at once and the lease ends.
     * Returns the page items the game dropped out of it, to be removed (see LeasePage.abandon).
     */
    destroyed(): Item[] {
        const dropped = this.page !== undefined ? this.page.abandon() : [];
        this.page = undefined;
        this.state = "idle";
        this.pending = undefined;
        this.afterClear = undefined;
        return dropped;
    }

    /** The store dropped every lease (rebuild, rollback): the page is gone without a return. */
    forget(): void {
        if (this.page !== undefined) this.page.forget();
        this.page = undefined;
        this.state = "idle";
        this.pending = undefined;
        this.afterClear = undefined;
        this.pageStarts = [1];
        this.lastPage = undefined;
        this.pageIndex = 1;
    }

    pagesKnown(): number {
        const stats = this.stats;
        const capacity = this.container?.Capacity ?? 1;
        let estimate = this.pageStarts.length;
        if (this.lastPage === undefined && stats !== undefined) {
            estimate = math.max(estimate, math.ceil(stats.count / math.max(1, capacity)));
        }
        if (this.lastPage !== undefined) estimate = this.lastPage;
        return math.max(estimate, this.pageIndex);
    }

    summaryText(): string {
        const stats = this.stats;
        let text: string;
        if (this.state === "idle") {
            text = "Database " + this.dbId;
        } else {
            text = string.format("Page %d/%d | %d units | %d items | %s%s",
                this.pageIndex, this.pagesKnown(), stats?.units ?? 0, stats?.kinds ?? 0, sortLabel(this.sort), this.descending ? " desc" : "");
        }
        if (this.message !== "") text = text + " | " + this.message;
        // Labels are cut to 100 characters when the game syncs them.
        return string.sub(text, 1, 100);
    }

    updateSummary(): void {
        const text = this.summaryText();
        if (text === this.lastSummary) return;
        this.lastSummary = text;
        this.host.showSummary(this, text);
    }
}
