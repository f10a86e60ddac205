/**
 * One terminal in use: which page it shows, how that page is filled, and what happens when the
 * page changes or the terminal closes.
 *
 * States: idle (no lease) -> filling (rows are spawned one slot's worth at a time until the first
 * placement fails) -> open -> clearing (the page's items are on their way back) -> filling the
 * next page, or idle after a close. A request that arrives while spawns or returns are pending
 * waits for them (the latest request wins), so every unit is booked exactly once.
 */
import type { HostServices } from "../host/runtime";
import { info } from "../host/log";
import { LeasePage, RowOutcome } from "./terminalPage";
import type { DatabaseView, RowSet, SortMode, ViewQuery } from "./terminalView";
import { SORT_MODES } from "./terminalView";

export type SessionState = "idle" | "filling" | "open" | "clearing";

export type Request =
    | { readonly kind: "page"; readonly page: number }
    | { readonly kind: "close" };

export interface SessionHost {
    readonly services: HostServices;
    readonly nonce: string;
    viewOf(dbId: string): DatabaseView;
    /** Shows the summary line on the device. */
    showSummary(session: TerminalSession, text: string): void;
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
    private rows: RowSet | undefined;
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
            if (req.kind === "page") {
                this.pageIndex = req.page;
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

    cycleSort(): void {
        let index = 0;
        for (let i = 0; i < SORT_MODES.length; i++) {
            if (SORT_MODES[i] === this.sort) index = i;
        }
        this.sort = SORT_MODES[(index + 1) % SORT_MODES.length];
        this.reorder();
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
        this.rows = this.host.viewOf(this.dbId).rows(this.query());
        if (this.pageIndex > this.pageStarts.length) this.pageIndex = this.pageStarts.length;
        this.cursor = this.pageStarts[this.pageIndex - 1];
        this.fillNext();
    }

    private fillNext(): void {
        const page = this.page;
        const rows = this.rows;
        const container = this.container;
        if (page === undefined || rows === undefined || container === undefined || page.isDead) {
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
            if (this.cursor > rows.rows.length) {
                this.finishFill(true);
                return;
            }
            const row = rows.rows[this.cursor - 1];
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
        this.pageIndex = math.max(1, math.min(req.page, this.pageStarts.length));
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

    /** The terminal itself is being removed: its page returns at once and the lease ends. */
    destroyed(): void {
        if (this.page !== undefined) this.page.abandon(this.container);
        this.page = undefined;
        this.state = "idle";
        this.pending = undefined;
        this.afterClear = undefined;
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
        const rows = this.rows;
        const capacity = this.container?.Capacity ?? 1;
        let estimate = this.pageStarts.length;
        if (this.lastPage === undefined && rows !== undefined) {
            estimate = math.max(estimate, math.ceil(rows.rows.length / math.max(1, capacity)));
        }
        if (this.lastPage !== undefined) estimate = this.lastPage;
        return math.max(estimate, this.pageIndex);
    }

    summaryText(): string {
        const rows = this.rows;
        let text: string;
        if (this.state === "idle") {
            text = "Database " + this.dbId;
        } else {
            text = string.format("Page %d/%d | %d units | %d items | %s%s",
                this.pageIndex, this.pagesKnown(), rows?.units ?? 0, rows?.kinds ?? 0, this.sort, this.descending ? " desc" : "");
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
