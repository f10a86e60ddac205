/**
 * Lease-paged terminals (design.md "Terminal leases"): the handheld `databaseterminal` and the
 * wall-mounted, powered `databaseterminalfixed`. This module connects the terminal sessions to
 * the game: which items are terminals, who uses them, the regular upkeep, deposits, the buttons
 * and the round lifecycle (install.ts registers the hooks). Any number of terminals may hold
 * pages of one database at once.
 */
import type { HostServices } from "../../host/runtime";
import { databaseIdOf, prefabIdOf } from "../../host/devices";
import { info, once } from "../../host/log";
import { ActionRefusalCode, ok, refuse, Result } from "../../core/result";
import { DatabaseView } from "./view";
import { SessionHost, TerminalSession } from "./session";
import { TerminalUsers } from "./users";
import { REFUSAL_LOG_INTERVAL } from "./controls";
import { TerminalRateLimit } from "./rate";
import { actionOf, runAction } from "./extensions";
import type { ItemKey } from "../../core/keys";
import { keyOfEntry } from "../../core/entries";
import { cleanFieldText, cleanSearch } from "../shared/fieldText";
import { markerTagOf, parseMarker, stripMarker } from "./marker";
import { showLabel } from "./label";
import { interfaceElementAt, TERMINAL_SEARCH_POSITION } from "../shared/interfaceFields";
import { nestedItems } from "../../host/records";
import { tellPlayer } from "../../host/notify";
import { say } from "../../host/language";
import type { SettleReason } from "../../host/savePhases";
import { carrierOf } from "../../host/users";
import { TerminalKind, terminalKindOf } from "../../protocol/devices";

/**
 * Each terminal in use is kept up every this many updates (a quarter of a second at 60 updates
 * per second). Terminals in use are spread over the updates (one slot each), so their upkeep
 * does not all land on one update; terminals nobody uses are only looked for once per round of
 * slots, from the characters' side (what they have selected or carry), not one by one.
 */
const UPKEEP_EVERY = 15;
/**
 * Items reach a terminal through Inventory.PutItem, which the put hook reports; the terminal's
 * contents are still read in full every this many upkeeps of a page, in case one came another way.
 */
const DEPOSIT_SWEEP_EVERY = 4;

function terminalKind(item: Item): TerminalKind | undefined {
    return terminalKindOf(prefabIdOf(item));
}

function newNonce(now: number): string {
    return string.format("%d%04d", math.floor(now * 1000) % 100000000, math.random(0, 9999));
}

function noop(this: void): void {
    // the units of this item are already in the database
}

export class TerminalFeature implements SessionHost {
    readonly nonce: string;
    private readonly terminals = new LuaMap<number, Item>();
    /** Handheld terminals among them: a carried one is in use without being selected. */
    private readonly handhelds = new LuaMap<number, Item>();
    /** The update slot (0..UPKEEP_EVERY-1) of each terminal's session, by terminal id. */
    private readonly slots = new LuaMap<number, number>();
    private nextSlot = 0;
    /** Terminals something was put into since their last deposit check. */
    private readonly putInto = new LuaMap<number, true>();
    /** Upkeeps of each terminal's page since its contents were last read in full. */
    private readonly sinceSweep = new LuaMap<number, number>();
    /** The cleaned search text of each terminal, by the raw text it was made from. */
    private readonly searchCache = new LuaMap<number, { raw: string; kept: string; search: string }>();
    private readonly due: number[] = [];
    private readonly sessions = new LuaMap<number, TerminalSession>();
    private readonly views = new LuaMap<string, DatabaseView>();
    private readonly users = new TerminalUsers();
    private readonly rate = new TerminalRateLimit();
    /** Who last put an item into a terminal (item id -> character), to hand refusals back. */
    private readonly putters = new LuaMap<number, Character>();
    /** Items refused and left in a terminal (shown, not retried until they move). */
    private readonly refusedLeft = new LuaMap<number, true>();
    /** Items queued for removal whose units the database already holds. */
    private readonly dropping = new LuaMap<number, Item[]>();
    private ticks = 0;

    constructor(readonly services: HostServices) {
        this.nonce = newNonce(services.now());
    }

    viewOf(dbId: string): DatabaseView {
        let view = this.views.get(dbId);
        if (view === undefined) {
            view = new DatabaseView(this.services.store, dbId);
            this.views.set(dbId, view);
        }
        return view;
    }

    showSummary(session: TerminalSession, text: string): void {
        showLabel(session.item, text);
    }

    // ---- terminals and sessions ----

    track(item: Item): void {
        if (item.Removed) return;
        const kind = terminalKind(item);
        if (kind === undefined) return;
        this.terminals.set(item.ID, item);
        if (kind === "handheld") this.handhelds.set(item.ID, item);
    }

    private untrack(id: number): void {
        this.terminals.delete(id);
        this.handhelds.delete(id);
        this.slots.delete(id);
        this.putInto.delete(id);
        this.sinceSweep.delete(id);
        this.searchCache.delete(id);
    }

    private sessionOf(item: Item, create: boolean): TerminalSession | undefined {
        let session = this.sessions.get(item.ID);
        if (session !== undefined && session.item !== item) {
            this.sessions.delete(item.ID);
            session = undefined;
        }
        if (session === undefined && create) {
            const kind = terminalKind(item);
            if (kind === undefined) return undefined;
            session = new TerminalSession(this, item, databaseIdOf(item), kind === "fixed");
            this.sessions.set(item.ID, session);
            this.slots.set(item.ID, this.nextSlot);
            this.nextSlot = (this.nextSlot + 1) % UPKEEP_EVERY;
            // A new page reads the terminal's contents in full on its first upkeep.
            this.putInto.set(item.ID, true);
        }
        return session;
    }

    private powered(item: Item): boolean {
        const powered = item.GetComponentString("Powered");
        if (powered === undefined) return true;
        return powered.Voltage >= powered.MinVoltage;
    }

    isInUse(item: Item): boolean {
        const kind = terminalKind(item);
        if (kind === undefined || item.Removed) return false;
        if (kind === "fixed" && !this.powered(item)) return false;
        return this.users.usersOf(item, kind === "handheld").length > 0;
    }

    sessionInUse(item: unknown): Result<TerminalSession> {
        if (item === undefined || item === null) return refuse("no_terminal", "no terminal given");
        const terminal = item as Item;
        if (terminalKind(terminal) === undefined) return refuse("no_terminal", "that is not a terminal");
        this.track(terminal);
        if (!this.isInUse(terminal)) return refuse("not_in_use", "nobody is using that terminal");
        const session = this.sessionOf(terminal, true)!;
        if (session.state === "idle") session.open();
        return ok(session);
    }

    now(): number {
        return this.services.now();
    }

    private usersOfSession(session: TerminalSession): Character[] {
        return this.users.usersOf(session.item, terminalKind(session.item) === "handheld");
    }

    whoUses(session: TerminalSession): string {
        const names: string[] = [];
        for (const c of this.usersOfSession(session)) names.push(c.Name);
        return names.length === 0 ? string.format("terminal %d", session.item.ID) : table.concat(names, "+");
    }

    /** Charges a request to every user of the terminal (see rate.ts). */
    admit(session: TerminalSession): Result<true> & { readonly who?: string } {
        const ids: number[] = [];
        let nIds = 0;
        const users = this.usersOfSession(session);
        for (const c of users) { ids[nIds] = c.ID; nIds++; }
        const over = this.rate.admit(ids, this.services.now());
        if (over === undefined) return ok(true);
        let who = string.format("character %d", over);
        for (const c of users) {
            if (c.ID === over) who = c.Name;
        }
        return { ok: false, code: "too_fast", message: "too many terminal requests; wait a moment", who };
    }

    runAction(session: TerminalSession, id: string | undefined): Result<string, ActionRefusalCode> {
        const chosen = id ?? session.action;
        if (chosen === "") return refuse("no_action", "no action chosen (press Actions first)");
        const action = actionOf(chosen);
        if (action === undefined) return refuse("unknown_action", string.format("no terminal action '%s'", chosen));
        return runAction(action, {
            terminal: session.item,
            terminalId: session.item.ID,
            db: session.dbId,
            page: session.pageIndex,
            sort: session.sort,
            descending: session.descending,
            search: session.search,
            users: this.usersOfSession(session),
            refresh: () => session.refresh(),
        });
    }

    /**
     * The client panel's "bring this entry onto the page": only for the player's own character
     * while it uses that terminal, only for an entry its database offers now (or that is already
     * on this page), at the player's request rate. The page switches to a one-off page starting
     * at that entry's row in the terminal's current sort and search.
     */
    bring(terminalItemId: number, key: ItemKey, exactId: number | undefined, client: Client | undefined): Result<string> {
        const character = client === undefined ? undefined : client.Character;
        if (character === undefined || character.IsDead) return refuse("no_character", "bringing is not available without a living character");
        const item = this.terminals.get(terminalItemId);
        if (item === undefined || item.Removed) return refuse("no_terminal", string.format("bringing is not available: %d is not a terminal", terminalItemId));
        let using = false;
        for (const c of this.users.usersOf(item, terminalKind(item) === "handheld")) {
            if (c.ID === character.ID) using = true;
        }
        if (!using || !this.isInUse(item)) return refuse("not_using", "bringing is not available: the character is not using that terminal");
        const found = this.sessionInUse(item);
        if (!found.ok) return found;
        const session = found.value;
        const admitted = this.admit(session);
        if (!admitted.ok) return admitted;
        const db = this.services.store.database(session.dbId);
        if (db === undefined) return refuse("unknown_database", string.format("database '%s' is not loaded", session.dbId));
        const page = session.page;
        if (page !== undefined) {
            for (const [, p] of page.placed) {
                if (p.key === key && (exactId === undefined || p.exactId === exactId)) return ok(string.format("already on page %d", session.pageIndex));
            }
        }
        if (exactId !== undefined) {
            const entry = db.exactEntry(exactId);
            if (entry === undefined || keyOfEntry(entry) !== key) {
                const leased = db.leaseHolding(exactId) !== undefined;
                return refuse(leased ? "leased" : "unknown_entry", leased ? "that entry is on another terminal's page" : "the database has no such entry");
            }
        } else if (db.amount(key) <= 0) {
            return refuse(db.leasedOf(key) > 0 ? "leased" : "unknown_entry", db.leasedOf(key) > 0 ? "every unit of that item is on a terminal page" : "the database has none of that item");
        }
        const query = session.query();
        const at = this.viewOf(session.dbId).index(query).positionOf(key, exactId, query.descending);
        if (at === undefined) return refuse("not_in_view", "that entry does not match the terminal's search");
        session.bring(key, exactId);
        return ok("bringing it onto the page");
    }

    // ---- upkeep ----

    /** Every update: the sessions whose slot it is; once per round of slots, new users. */
    think(): void {
        // From the first save step on no terminal fills, takes deposits or books anything
        // (savePhases.ts): a player's stored inventory must not change in the database's books.
        if (this.services.phases.frozen) return;
        this.ticks++;
        const slot = this.ticks % UPKEEP_EVERY;
        const due = this.due;
        for (const [id] of this.sessions) {
            if (this.slots.get(id) === slot) due.push(id);
        }
        if (due.length > 0) {
            const now = this.services.now();
            for (const id of due) {
                const item = this.terminals.get(id);
                if (item !== undefined) this.upkeepOne(id, item, now);
            }
            for (let i = due.length - 1; i >= 0; i--) due.pop();
        }
        if (slot === 0) this.discover();
    }

    /** Terminals without a session that somebody may have started using. */
    private discover(): void {
        const candidates = new LuaMap<number, true>();
        this.users.selectedTerminals(candidates);
        for (const [id, item] of this.handhelds) {
            if (item.Removed || TerminalUsers.holderOf(item) !== undefined) candidates.set(id, true);
        }
        let now: number | undefined;
        for (const [id] of candidates) {
            if (this.sessions.has(id)) continue;
            const item = this.terminals.get(id);
            if (item === undefined) continue;
            now = now ?? this.services.now();
            this.upkeepOne(id, item, now);
        }
    }

    /** Opens a page for a new user, closes an unused one, books what players took or put in. */
    private upkeepOne(id: number, item: Item, now: number): void {
        if (item.Removed) {
            this.untrack(id);
            return;
        }
        const inUse = this.isInUse(item);
        const session = this.sessionOf(item, inUse);
        if (session === undefined) return;
        if (inUse && session.state === "idle") session.open();
        else if (!inUse && session.state !== "idle" && session.state !== "clearing") session.close();
        if (inUse && session.state !== "idle") this.applySearch(session, this.searchOf(item));
        session.tick(now);
        const page = session.page;
        if (page !== undefined && page.edited) {
            // A page item changed in the terminal was booked as taken: it is a deposit now.
            page.edited = false;
            this.putInto.set(id, true);
        }
        if (session.state === "open" || session.state === "filling") {
            const upkeeps = (this.sinceSweep.get(id) ?? 0) + 1;
            if (this.putInto.has(id) || upkeeps >= DEPOSIT_SWEEP_EVERY) {
                this.putInto.delete(id);
                this.sinceSweep.set(id, 0);
                this.takeDeposits(session);
            } else {
                this.sinceSweep.set(id, upkeeps);
            }
        }
        if (!inUse && session.state === "idle") {
            this.sessions.delete(id);
            this.slots.delete(id);
            this.sinceSweep.delete(id);
        }
    }

    /** A changed search re-pages the terminal: charged like a button press, or kept for later. */
    private applySearch(session: TerminalSession, text: string): void {
        if (text === session.search) return;
        const admitted = this.admit(session);
        if (!admitted.ok) {
            // Not refused for good: the field keeps the text and a later upkeep applies it.
            once("terminal:search_too_fast:" + (admitted.who ?? "?"), this.services.now(), REFUSAL_LOG_INTERVAL,
                string.format("terminal search from %s deferred: %s", admitted.who ?? "?", admitted.message));
            return;
        }
        session.setSearch(text);
    }

    /** The search text; a field holding what a save cannot (control characters, any length) is cleaned in place. */
    private searchOf(item: Item): string {
        // By position, never by Label: the game localizes labels (see shared/interfaceFields.ts).
        const element = interfaceElementAt(item, TERMINAL_SEARCH_POSITION);
        if (element === undefined) return "";
        const raw = element.Signal;
        if (type(raw) !== "string") return "";
        let cached = this.searchCache.get(item.ID);
        if (cached === undefined || cached.raw !== raw) {
            const kept = cleanFieldText(raw);
            cached = { raw, kept, search: cleanSearch(kept) };
            this.searchCache.set(item.ID, cached);
        }
        if (cached.kept !== raw) element.Signal = cached.kept;
        return cached.search;
    }

    /** Items in the terminal that are not part of its page: stored under the policy or refused. */
    private takeDeposits(session: TerminalSession): void {
        const page = session.page;
        const container = session.container;
        if (page === undefined || container === undefined) return;
        for (const item of container.AllItemsMod) {
            const id = item.ID;
            if (page.holds(id) || this.services.removals.isPending(id) || this.refusedLeft.has(id)) continue;
            const tag = markerTagOf(item);
            if (tag !== undefined) {
                const marker = parseMarker(tag);
                // Still on another page's books: that terminal books it as taken first.
                if (marker !== undefined && this.isLiveMarker(marker.nonce, marker.leaseId, marker.epoch)) continue;
                stripMarker(item);
            }
            const stored = this.services.transfer.ingest(item, session.dbId, session.source);
            if (stored.ok) {
                this.putters.delete(id);
                continue;
            }
            this.refuseDeposit(session, item, stored.message);
        }
    }

    private refuseDeposit(session: TerminalSession, item: Item, reason: string): void {
        const putter = this.putters.get(item.ID);
        this.putters.delete(item.ID);
        if (putter !== undefined && !putter.IsDead && putter.Inventory.TryPutItem(item, putter)) {
            session.say("refused");
            tellPlayer(putter, say("terminal.handed_back", reason));
            return;
        }
        // No one to hand it to, or no room: it stays visible in the terminal.
        this.refusedLeft.set(item.ID, true);
        session.say("cannot store an item");
        tellPlayer(putter, say("terminal.left_in_terminal", reason));
    }

    private isLiveMarker(nonce: string, leaseId: number, epoch: number): boolean {
        if (nonce !== this.nonce) return false;
        const lease = this.services.store.lease(leaseId);
        return lease !== undefined && lease.epoch === epoch;
    }

    // ---- game events ----

    onPut(inventory: Inventory, item: Item, user: Character | undefined): void {
        const owner = inventory.Owner;
        if (owner === undefined) return;
        const terminal = this.terminals.get(owner.ID);
        if (terminal === undefined || (terminal as unknown) !== (owner as unknown)) {
            this.refusedLeft.delete(item.ID);
            return;
        }
        this.putInto.set(owner.ID, true);
        if (user !== undefined) this.putters.set(item.ID, user);
    }

    /**
     * Is a player's move of `item` into `inventory` to be refused? A tree still landing on a page
     * (its contents have not all come: a spawn that never happens keeps it so until the timeout)
     * is counted whole by its lease, so nothing of it moves and nothing goes into it until then.
     */
    refusesPlayerMove(inventory: Inventory, item: Item): boolean {
        const owner = inventory.Owner;
        for (const [, session] of this.sessions) {
            const page = session.page;
            if (page === undefined) continue;
            if (page.isLanding(item.ID)) return true;
            if (owner !== undefined && page.isLanding(owner.ID)) return true;
        }
        return false;
    }

    /** A swap moves what lies in the target slot too (Inventory.TrySwapping): refuse it whole. */
    refusesPlayerSwap(inventory: Inventory, item: Item): boolean {
        if (this.refusesPlayerMove(inventory, item)) return true;
        const from = item.ParentInventory;
        for (const [, session] of this.sessions) {
            const page = session.page;
            if (page === undefined) continue;
            if (page.hasLandingIn(inventory)) return true;
            if (from !== undefined && from.Owner !== undefined && page.isLanding(from.Owner.ID)) return true;
        }
        return false;
    }

    onRemoved(item: Item): void {
        if (Submarine.Unloading) return;
        this.dropping.delete(item.ID);
        this.refusedLeft.delete(item.ID);
        const terminal = this.terminals.get(item.ID);
        if (terminal === item) {
            this.untrack(item.ID);
            const session = this.sessionOf(item, false);
            if (session !== undefined) {
                // Page items already queued for removal (one may have been grabbed on its way
                // back) have their units returned by the lease's close: still booked until gone.
                if (session.page !== undefined) {
                    session.page.returningInto(this.dropping);
                    this.bookTakenInto(session);
                }
                // The page items the game dropped out of the removed terminal: their units are
                // back, so the items go (booked until gone).
                for (const dropped of session.destroyed()) {
                    if (this.services.removals.queue(dropped, dropped.Prefab.Identifier.Value, noop)) this.dropping.set(dropped.ID, nestedItems(dropped, []));
                }
                this.sessions.delete(item.ID);
            }
            return;
        }
        // A page item removed. Item.Remove has already cleared its ParentInventory, but its
        // Container still names the container it was in (Barotrauma SharedSource/Items/Item.cs,
        // Item.Remove; Item.Drop is the only place that clears Container): in its own live
        // terminal its unit returns; taken anywhere else and used up, it was consumed.
        const container = item.Container;
        for (const [, s] of this.sessions) {
            if (s.page !== undefined && s.page.placed.has(item.ID)) {
                const inTerminal = container !== undefined && container.ID === s.item.ID && !container.Removed;
                s.page.onItemRemoved(item, inTerminal);
            } else if (s.page !== undefined && s.container !== undefined && s.page.heldInside(item)) {
                // Something a page item held, taken out and gone before the page's upkeep saw it
                // leave (stored through an interface or the API, used up): the page books the
                // change now, so the lease and the item's new owner never both count its unit.
                s.page.reconcile(s.container);
            }
        }
    }

    /**
     * A removed terminal's page items go back as they are now, with what they hold (abandon). An
     * item a player moved into one of them from another terminal's page is still placed on that
     * page until its upkeep sees it gone: that page books the take first, or the returned record
     * and that page's lease would both count the item. (It would be consumed anyway when it is
     * removed with its holder, through item.removed, but the record is stored at once.)
     */
    private bookTakenInto(removed: TerminalSession): void {
        const page = removed.page;
        if (page === undefined) return;
        const inside = new LuaMap<number, true>();
        let any = false;
        for (const [, p] of page.placed) {
            if (p.item.Removed) continue;
            for (const inner of nestedItems(p.item, [])) {
                inside.set(inner.ID, true);
                any = true;
            }
        }
        if (!any) return;
        for (const [, s] of this.sessions) {
            const other = s.page;
            const container = s.container;
            if (s === removed || other === undefined || container === undefined) continue;
            let holdsOne = false;
            for (const [id] of other.placed) {
                if (inside.has(id)) holdsOne = true;
            }
            if (!holdsOne) continue;
            if (other.savedWithPlayer) other.reconcileAfterPlayersSaved(container);
            else other.reconcile(container);
        }
    }

    // ---- lifecycle ----

    /**
     * Settle step "pages" (savePhases.ts). At the first save step every page books what was taken
     * and gives up the spawns still queued (their units return; an item landing later is removed
     * again); the units still in a terminal stay leased and are captured with the database. At
     * the capture, what was taken meanwhile is booked.
     */
    settle(reason: SettleReason): void {
        for (const [, item] of this.terminals) {
            if (!item.Removed) this.searchOf(item);
        }
        for (const [, session] of this.sessions) {
            const page = session.page;
            const container = session.container;
            if (page === undefined || container === undefined) continue;
            if (reason === "stop") page.stop(container);
            else if (reason === "save") page.settleForSave(container);
            else if (reason === "players") {
                if (carrierOf(container) !== undefined) page.settleForPlayers(container);
            } else if (page.savedWithPlayer) page.reconcileAfterPlayersSaved(container);
            else page.reconcile(container);
        }
    }

    /** Every lease is gone after a rebuild: pages are forgotten and saved page items dealt with. */
    afterRebuild(): void {
        for (const [id, session] of this.sessions) {
            session.forget();
            this.sessions.delete(id);
            this.slots.delete(id);
        }
        // Terminals unloaded with the last submarine (their removal is not reported) go too.
        const gone: number[] = [];
        let nGone = 0;
        for (const [id, item] of this.terminals) {
            if (item.Removed) { gone[nGone] = id; nGone++; }
        }
        for (const id of gone) this.untrack(id);
        for (const [id] of this.dropping) this.dropping.delete(id);
        for (const [id] of this.refusedLeft) this.refusedLeft.delete(id);
        for (const [id] of this.putters) this.putters.delete(id);
        this.rate.clear();
        let removed = 0;
        let unmarked = 0;
        // Once per round start: every item, for terminals and lease markers.
        for (const item of Item.ItemList) {
            if (item.Removed) continue;
            this.track(item);
            if (markerTagOf(item) === undefined) continue;
            const container = item.Container;
            if (container !== undefined && terminalKind(container) !== undefined) {
                // Its units are in the rebuilt database already.
                if (this.services.removals.queue(item, item.Prefab.Identifier.Value, noop)) {
                    // What it holds leaves with it and is in its record (removals.ts).
                    this.dropping.set(item.ID, nestedItems(item, []));
                    removed++;
                }
            } else {
                stripMarker(item);
                unmarked++;
            }
        }
        if (removed > 0 || unmarked > 0) {
            info(string.format("terminals: %d saved page item(s) went back to their database, %d taken item(s) unmarked", removed, unmarked));
        }
    }

    rolledBack(): void {
        for (const [id, session] of this.sessions) {
            session.forget();
            this.sessions.delete(id);
            this.slots.delete(id);
        }
    }

    roundEnded(): void {
        for (const [, session] of this.sessions) session.close();
    }

    /**
     * Item ids whose units the database holds while the item still exists (tests, other mods):
     * page items (and what they hold), items landing on a page, items on their way back.
     */
    bookedItems(): LuaTable<number, true> {
        const out = new LuaTable<number, true>();
        for (const [, session] of this.sessions) {
            const page = session.page;
            if (page === undefined) continue;
            page.bookedInto(out);
        }
        for (const [id, inside] of this.dropping) {
            out.set(id, true);
            for (const inner of inside) {
                if (!inner.Removed) out.set(inner.ID, true);
            }
        }
        return out;
    }

    /** Items in terminals on their way into the database (their units arrive when they are gone). */
    incomingItems(): LuaTable<number, true> {
        const out = new LuaTable<number, true>();
        const booked = this.bookedItems();
        for (const [, terminal] of this.terminals) {
            const inventory = terminal.Removed ? undefined : terminal.OwnInventory;
            if (inventory === undefined) continue;
            for (const item of inventory.AllItemsMod) {
                if (this.services.removals.isPending(item.ID) && booked.get(item.ID) === undefined) out.set(item.ID, true);
            }
        }
        return out;
    }

    sessionSummaries(): { item: number; db: string; state: string; page: number; lease: number; text: string }[] {
        const list: { item: number; db: string; state: string; page: number; lease: number; text: string }[] = [];
        let nList = 0;
        for (const [id, s] of this.sessions) {
            list[nList] = { item: id, db: s.dbId, state: s.state, page: s.pageIndex, lease: s.page?.leaseId ?? 0, text: s.summaryText() };
            nList++;
        }
        table.sort(list, (a, b) => a.item < b.item);
        return list;
    }

    /**
     * inventoryPutItem: true refuses the put. A refused put returns early in Inventory.PutItem and
     * the item stays where it was. Only players' moves are refused: the spawner's and the mod's
     * own name no user.
     */
    answerPut(inventory: Inventory, item: Item, user: Character | undefined): true | undefined {
        if (inventory === undefined || item === undefined) return undefined;
        if (user !== undefined && user !== null && this.refusesPlayerMove(inventory, item)) return true;
        this.onPut(inventory, item, user);
        return undefined;
    }

    /**
     * inventoryItemSwap: false refuses the swap before anything moves (Inventory.TrySwapping).
     * Only players' swaps are refused.
     */
    answerSwap(inventory: Inventory, item: Item, user: Character | undefined): false | undefined {
        if (inventory === undefined || item === undefined || user === undefined || user === null) return undefined;
        if (this.refusesPlayerSwap(inventory, item)) return false;
        return undefined;
    }

    /** The search field keeps what the terminal would make of it (shared/fieldText.ts). */
    cleanSearchField(item: Item, text: string): string | undefined {
        return terminalKind(item) !== undefined ? cleanFieldText(text) : undefined;
    }

    /**
     * Read-only state for other mods and tests: booked item ids, items on their way in, and one
     * line per terminal in use.
     */
    inspection(): { booked: LuaTable<number, true>; incoming: LuaTable<number, true>; sessions: ReturnType<TerminalFeature["sessionSummaries"]>; nonce: string } {
        return { booked: this.bookedItems(), incoming: this.incomingItems(), sessions: this.sessionSummaries(), nonce: this.nonce };
    }
}
