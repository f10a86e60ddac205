/**
 * One terminal page: a lease and the real items spawned from it into the terminal's container.
 *
 * Fill: for one view row at a time, one slot's worth (min(available, prefab max stack)) leaves
 * Working into the lease and is spawned into the container with the lease marker. Whatever does
 * not land in the container is removed again through the removal ledger, and its unit returns to
 * the lease's Working when the item is really gone. No slot estimation, no floor drop kept.
 *
 * Reconcile: a placed item that left the container was taken: it is consumed from the lease and
 * loses its marker. A placed item the game removes while it sits in the live terminal returns its
 * unit. A removed terminal drops what it holds before the game reports its removal: the page
 * items lying free return their units and are removed.
 *
 * What goes back is what is there (design.md invariant 8). A player can reach the inventory of an
 * item lying on the page and change it at any depth: take something out (Item.Drop through
 * Inventory.ServerEventRead, which no hook can refuse), put something in, or swap a tank
 * (Barotrauma SharedSource/Items/Inventory.cs, TryPutItem and TrySwapping). A placed item whose
 * record is no longer the one it was leased with (contents, condition) is booked as taken like
 * one that left the container, and from then on is an item put into the terminal: the terminal
 * stores it under the one ingest policy, or refuses it. Until a reconcile sees the change, the
 * items the lease counts (the placed item and what it held when last checked) stay booked.
 *
 * Clear: every placed item still in the container is queued for removal; each returns its unit
 * when gone, under the epoch it was placed with. The lease is renewed (epoch + 1) or closed only
 * once nothing is pending, so a late or repeated return is refused by the epoch.
 */
import type { ItemKey } from "../../core/keys";
import { keyIdentifier, keyQuality } from "../../core/keys";
import type { ItemRecord } from "../../core/record";
import { ok, refuse, RefusalCode, Result } from "../../core/result";
import type { HostServices } from "../../host/runtime";
import { spawnRecord } from "../../host/spawner";
import { consumeUnit, DELIVERY_TIMEOUT } from "../../host/delivery";
import { itemSignature, nestedItems, readRecord, recordSignature } from "../../host/records";
import { blockedReason } from "../../host/policy";
import { problem, warn } from "../../host/log";
import { makeMarker, stripMarker } from "./marker";
import type { ViewRow } from "./row";
import { itemPrefab } from "../../host/itemPrefabs";

export interface PlacedItem {
    readonly item: Item;
    readonly key: ItemKey;
    readonly exactId?: number;
    readonly epoch: number;
    /** The leased record's signature, for an item that can hold others (records.ts). */
    readonly signature?: string;
    /** Its condition when it landed (an item without contents changes only there). */
    readonly condition: number;
    /** The items inside it whose units the lease counts (what it held when last checked). */
    inside: Item[];
}

/** How filling one row ended. */
export type RowOutcome = "placed" | "skipped" | "full" | "timeout";

interface Batch {
    readonly record: ItemRecord;
    readonly key: ItemKey;
    readonly exactId?: number;
    readonly startedAt: number;
    readonly epoch: number;
    outstanding: number;
    placed: number;
    failed: number;
    readonly done: (this: void, outcome: RowOutcome) => void;
}

function plainRecord(key: ItemKey): ItemRecord {
    return { identifier: keyIdentifier(key), quality: keyQuality(key), condition: 100, stolen: false, outpost: "", contents: [] };
}

function maxStackOf(identifier: string): number {
    const prefab = itemPrefab(identifier);
    if (prefab === undefined) return 0;
    const n = prefab.MaxStackSize;
    if (type(n) !== "number" || n < 1) return 1;
    return math.min(math.floor(n), 63);
}

/** Is `item` in a character's inventory, at any depth? */
function carriedByCharacter(item: Item): boolean {
    let root = item;
    for (let depth = 0; depth < 64 && root.Container !== undefined; depth++) root = root.Container;
    return root.Container === undefined && root.ParentInventory !== undefined;
}

function noop(this: void): void {
    // units of this item are already in the database
}

export class LeasePage {
    readonly placed = new LuaMap<number, PlacedItem>();
    /** Items queued for removal whose unit returns to Working when they are gone. */
    private readonly returning = new LuaMap<number, Item[]>();
    private returningCount = 0;
    private batch: Batch | undefined;
    /** Items of a tree being spawned that already landed (its contents land on later updates). */
    private readonly landing = new LuaMap<number, Item>();
    /** A reconcile booked a changed item as taken: it now waits in the terminal as a deposit. */
    edited = false;
    /**
     * The page is in a player's record (multiplayer SavePlayers stored it in a carried terminal):
     * from then until the round ends it is booked as stored (settleForPlayers).
     */
    savedWithPlayer = false;
    /**
     * Page items stored with a player after a change: their records are in Working now, the items
     * (still marked in the player's record) go at the next round start. Booked until then.
     */
    private readonly savedCopies = new LuaMap<number, Item[]>();
    /** The lease is gone (rebuild, rollback, closed) or Lua stopped: nothing is booked any more. */
    private dead = false;
    private stopped = false;

    private constructor(
        private readonly services: HostServices,
        readonly dbId: string,
        readonly owner: string,
        readonly nonce: string,
        readonly leaseId: number,
        public epoch: number,
        private readonly source: string,
    ) {}

    static open(services: HostServices, dbId: string, owner: string, nonce: string, source: string): Result<LeasePage> {
        const opened = services.store.openLease(dbId, owner);
        if (!opened.ok) return opened;
        services.leaseOwners.set(owner, true);
        return ok(new LeasePage(services, dbId, owner, nonce, opened.value.id, opened.value.epoch, source));
    }

    get marker(): string {
        return makeMarker(this.nonce, this.leaseId, this.epoch);
    }

    /** Spawns or returns are still outstanding. */
    get busy(): boolean {
        return this.batch !== undefined || this.returningCount > 0;
    }

    get isDead(): boolean {
        return this.dead;
    }

    /** Is this item's unit booked by this page (placed, landing, or on its way back)? */
    holds(itemId: number): boolean {
        return this.placed.has(itemId) || this.returning.has(itemId) || this.landing.has(itemId);
    }

    /**
     * Is this item part of a tree still landing on the page, or in an inventory of one? Players
     * may not move such an item, nor put anything into it, until the tree is complete.
     */
    isLanding(itemId: number): boolean {
        return this.landing.has(itemId);
    }

    /** Does a landing item lie in `inventory` (a swap there would move it)? */
    hasLandingIn(inventory: Inventory): boolean {
        for (const [, item] of this.landing) {
            if (item.ParentInventory === inventory) return true;
        }
        return false;
    }

    /** Adds the ids of every item whose unit this page books to `out` (inspect hook). */
    bookedInto(out: LuaTable<number, true>): void {
        for (const [id, p] of this.placed) {
            out.set(id, true);
            for (const inner of p.inside) {
                if (!inner.Removed) out.set(inner.ID, true);
            }
        }
        for (const [id, inside] of this.returning) {
            out.set(id, true);
            for (const inner of inside) {
                if (!inner.Removed) out.set(inner.ID, true);
            }
        }
        for (const [id] of this.landing) out.set(id, true);
        for (const [id, inside] of this.savedCopies) {
            out.set(id, true);
            for (const inner of inside) {
                if (!inner.Removed) out.set(inner.ID, true);
            }
        }
    }

    /** True when `item` was inside a placed item when the page last looked (any depth). */
    heldInside(item: Item): boolean {
        for (const [, p] of this.placed) {
            for (const inner of p.inside) {
                if (inner === item) return true;
            }
        }
        return false;
    }

    placedCount(): number {
        let n = 0;
        for (const [_id] of this.placed) n++;
        return n;
    }

    /** Leases one slot's worth of `row` and spawns it into `container`; `done` runs once. */
    fillRow(row: ViewRow, container: Inventory, done: (this: void, outcome: RowOutcome) => void): void {
        if (this.dead) {
            done("skipped");
            return;
        }
        if (this.services.phases.frozen) {
            // A save is in progress (savePhases.ts): nothing more is leased; the page ends here.
            done("full");
            return;
        }
        const db = this.services.store.database(this.dbId);
        if (db === undefined) {
            done("skipped");
            return;
        }
        const tx = this.services.store.transaction(this.dbId, this.source);
        let record: ItemRecord;
        let n: number;
        if (row.exactId !== undefined) {
            const entry = db.exactEntry(row.exactId);
            if (entry === undefined) {
                done("skipped");
                return;
            }
            record = entry.record;
            n = 1;
            tx.leaseOutExact(this.leaseId, row.exactId);
        } else {
            const available = db.isParked(row.key) ? 0 : db.aggregatedOf(row.key);
            n = math.min(available, maxStackOf(row.identifier));
            if (n <= 0) {
                done("skipped");
                return;
            }
            record = plainRecord(row.key);
            tx.leaseOut(this.leaseId, row.key, n);
        }
        const leased = tx.commit();
        if (!leased.ok) {
            warn(string.format("terminal could not lease %s: %s", row.key, leased.message));
            done("skipped");
            return;
        }
        const batch: Batch = { record, key: row.key, exactId: row.exactId, startedAt: this.services.now(), epoch: this.epoch, outstanding: n, placed: 0, failed: 0, done };
        this.batch = batch;
        const marker = this.marker;
        for (let i = 0; i < n; i++) {
            const started = spawnRecord(record, container, marker, (landed) => {
                this.landed(batch, landed.item, landed.placed);
            }, (item) => {
                this.landingOne(batch, item);
            });
            if (!started.ok) {
                problem("terminal cannot spawn " + record.identifier + ": " + started.message);
                this.returnUnit(batch.key, batch.exactId, batch.epoch);
                batch.failed++;
                batch.outstanding--;
            }
        }
        if (batch.outstanding === 0) this.finishBatch(batch);
    }

    /**
     * An item of a tree landed before the tree is complete: booked while the batch is current.
     * A tree whose units already went back (Lua stopped, the batch given up, the lease gone) is
     * removed as soon as its root lands, not only once its contents are there.
     */
    private landingOne(batch: Batch, item: Item): void {
        if (this.stopped) {
            if (!item.Removed) Entity.Spawner.AddItemToRemoveQueue(item);
            return;
        }
        if (this.batch !== batch || this.dead) {
            if (!item.Removed && item.ParentInventory !== undefined && item.Container !== undefined && !this.services.removals.isPending(item.Container.ID)) {
                this.services.removals.queue(item, item.Prefab.Identifier.Value, noop);
            }
            return;
        }
        this.landing.set(item.ID, item);
    }

    private landed(batch: Batch, item: Item, placed: boolean): void {
        if (this.stopped) {
            // Lua stopped meanwhile and its units went back to Working: this item is one too many.
            if (!item.Removed) Entity.Spawner.AddItemToRemoveQueue(item);
            return;
        }
        if (this.batch !== batch || this.dead) {
            // Given up (its units went back) or the lease is gone: this item is one too many.
            if (!item.Removed) this.services.removals.queue(item, item.Prefab.Identifier.Value, noop);
            return;
        }
        batch.outstanding--;
        // The lease counts the whole tree: what landed in it, even if a player already took it
        // out again (the next reconcile sees the record changed). One tree per batch has contents.
        const inside = nestedItems(item, []);
        const seen = new LuaMap<number, true>();
        for (const inner of inside) seen.set(inner.ID, true);
        let nInside = inside.length;
        for (const [id, other] of this.landing) {
            if (id !== item.ID && !seen.has(id)) {
                inside[nInside] = other;
                nInside++;
            }
        }
        this.clearLanding();
        if (item.Removed) {
            this.returnUnit(batch.key, batch.exactId, batch.epoch);
            batch.failed++;
        } else if (placed) {
            const canHold = item.OwnInventory !== undefined || batch.record.contents.length > 0;
            this.placed.set(item.ID, {
                item, key: batch.key, exactId: batch.exactId, epoch: batch.epoch,
                signature: canHold ? recordSignature(batch.record) : undefined,
                condition: item.Condition,
                inside,
            });
            batch.placed++;
        } else {
            this.queueReturn(item, batch.key, batch.exactId, batch.epoch, []);
            batch.failed++;
        }
        if (batch.outstanding === 0) this.finishBatch(batch);
    }

    private finishBatch(batch: Batch): void {
        if (this.batch === batch) this.batch = undefined;
        this.clearLanding();
        batch.done(batch.failed > 0 ? "full" : "placed");
    }

    /** think: spawns that never arrived return their units. */
    sweep(now: number): void {
        const batch = this.batch;
        if (batch === undefined || now - batch.startedAt <= DELIVERY_TIMEOUT) return;
        this.batch = undefined;
        const missing = batch.outstanding;
        // A tree whose root landed (a part of it never came) goes back once what landed is
        // gone: booked until then, so its units are never counted twice meanwhile.
        const root = this.landingRoot();
        this.clearLanding();
        if (root !== undefined && batch.exactId !== undefined && !this.dead) {
            this.queueReturn(root, batch.key, batch.exactId, batch.epoch, nestedItems(root, []));
        } else if (batch.exactId !== undefined) this.returnUnit(batch.key, batch.exactId, batch.epoch);
        else this.returnUnits(batch.key, missing, batch.epoch);
        warn(string.format("%d terminal spawn(s) of %s never arrived; their units went back", missing, batch.key));
        batch.done("timeout");
    }

    /** `inside`: the items in it that its record counts (removed with it, see removals.ts). */
    private queueReturn(item: Item, key: ItemKey, exactId: number | undefined, epoch: number, inside: Item[]): void {
        const id = item.ID;
        const queued = this.services.removals.queue(item, key, () => {
            if (this.returning.has(id)) {
                this.returning.delete(id);
                this.returningCount--;
            }
            this.returnUnit(key, exactId, epoch);
        });
        if (queued) {
            this.returning.set(id, inside);
            this.returningCount++;
        }
    }

    private returnUnit(key: ItemKey, exactId: number | undefined, epoch: number): void {
        if (exactId === undefined) {
            this.returnUnits(key, 1, epoch);
            return;
        }
        if (this.dead) return;
        const result = this.services.store.transaction(this.dbId, this.source).returnExactFromLease(this.leaseId, epoch, exactId).commit();
        if (!result.ok) this.fenced(result.code, result.message);
    }

    private returnUnits(key: ItemKey, n: number, epoch: number): void {
        if (this.dead || n <= 0) return;
        const result = this.services.store.transaction(this.dbId, this.source).returnFromLease(this.leaseId, epoch, key, n).commit();
        if (!result.ok) this.fenced(result.code, result.message);
    }

    /** A refused return after the lease moved on is the epoch doing its job; anything else is a bug. */
    private fenced(code: RefusalCode, message: string): void {
        if (code === "stale_epoch" || code === "lease_closed" || code === "unknown_lease") return;
        problem("terminal return refused: " + message);
    }

    /** The root of the tree landing now (the landed item not inside another landed one), if any. */
    private landingRoot(): Item | undefined {
        for (const [, item] of this.landing) {
            const parent = item.Container;
            if (item.Removed) continue;
            if (parent === undefined || !this.landing.has(parent.ID)) return item;
        }
        return undefined;
    }

    /** A tree given up while landing (its units go back): what already landed is removed again. */
    private abandonLanding(): void {
        for (const [, item] of this.landing) {
            const parent = item.Container;
            const isRoot = parent === undefined || !this.landing.has(parent.ID);
            if (isRoot && !item.Removed) this.services.removals.queue(item, item.Prefab.Identifier.Value, noop);
        }
        this.clearLanding();
    }

    private clearLanding(): void {
        for (const [id] of this.landing) this.landing.delete(id);
    }

    /**
     * Is `p` (still in the container) no longer what it was leased as? Its condition, for an item
     * that holds nothing; its whole record, for one that can hold others. An unchanged holder's
     * contents are noted again (a tank swapped for an identical one is the same record).
     */
    private changed(p: PlacedItem): boolean {
        const item = p.item;
        if (p.signature === undefined) return item.Condition !== p.condition;
        if (itemSignature(item) !== p.signature) return true;
        p.inside = nestedItems(item, []);
        return false;
    }

    /**
     * Books what players did: placed items that left `container` are consumed from the lease and
     * lose their marker, and so are placed items still in it whose record changed (they are
     * deposits from now on: `edited` is set). Returns how many were taken.
     */
    reconcile(container: Inventory): number {
        if (this.dead) return 0;
        const taken: PlacedItem[] = [];
        let nTaken = 0;
        for (const [, p] of this.placed) {
            // Still in the container is the common case: one property read per item.
            const item = p.item;
            if (item.Removed) continue;
            if (item.ParentInventory !== container) {
                taken[nTaken] = p;
                nTaken++;
            } else if (this.changed(p)) {
                taken[nTaken] = p;
                nTaken++;
                this.edited = true;
            }
        }
        if (nTaken === 0) return 0;
        this.bookTaken(taken);
        return nTaken;
    }

    /**
     * Books placed items as taken, in one transaction (by item id, so the order never depends
     * on table iteration): each leaves the page's books, loses its marker and is consumed.
     */
    private bookTaken(taken: PlacedItem[]): void {
        table.sort(taken, (a, b) => a.item.ID < b.item.ID);
        const tx = this.services.store.transaction(this.dbId, this.source);
        for (const p of taken) {
            this.placed.delete(p.item.ID);
            stripMarker(p.item);
            consumeUnit(tx, this.leaseId, p.epoch, p.key, p.exactId);
        }
        const result = tx.commit();
        if (!result.ok) problem("terminal could not book taken items: " + result.message);
    }

    /**
     * item.removed (not an unload) for a placed item. `inTerminal`: it was still in this page's
     * live terminal. The game cannot say so through ParentInventory, which Item.Remove clears
     * before it raises item.removed; the caller reads Item.Container, which Item.Remove leaves
     * on the container the item was in (Barotrauma SharedSource/Items/Item.cs, Item.Remove and
     * Item.ParentInventory). In the terminal, its unit returns; elsewhere it was taken and used
     * up before a reconcile saw it leave: consumed.
     */
    onItemRemoved(item: Item, inTerminal: boolean): void {
        const p = this.placed.get(item.ID);
        if (p === undefined || p.item !== item) return;
        this.placed.delete(item.ID);
        if (this.dead) return;
        if (inTerminal) {
            this.returnUnit(p.key, p.exactId, p.epoch);
        } else {
            const tx = this.services.store.transaction(this.dbId, this.source);
            consumeUnit(tx, this.leaseId, p.epoch, p.key, p.exactId);
            const result = tx.commit();
            if (!result.ok) this.fenced(result.code, result.message);
        }
    }

    /** Reconciles, then queues every placed item still in the container for removal. */
    clear(container: Inventory): void {
        this.reconcile(container);
        const items: PlacedItem[] = [];
        let nItems = 0;
        for (const [, p] of this.placed) { items[nItems] = p; nItems++; }
        table.sort(items, (a, b) => a.item.ID < b.item.ID);
        for (const p of items) {
            this.placed.delete(p.item.ID);
            if (p.item.Removed) {
                this.returnUnit(p.key, p.exactId, p.epoch);
            } else {
                this.queueReturn(p.item, p.key, p.exactId, p.epoch, p.inside);
            }
        }
    }

    /** Nothing pending: returns what is left and bumps the epoch (a new page on the same lease). */
    renew(): Result<true> {
        if (this.dead) return refuse("lease_closed", "the page's lease is gone");
        const result = this.services.store.transaction(this.dbId, this.source).renewLease(this.leaseId, this.epoch).commit();
        if (!result.ok) return result;
        const lease = this.services.store.lease(this.leaseId);
        if (lease !== undefined) this.epoch = lease.epoch;
        return ok(true);
    }

    /** Items queued for removal whose unit returns when they are gone, with what they hold. */
    returningInto(out: LuaMap<number, Item[]>): void {
        for (const [id, inside] of this.returning) out.set(id, inside);
    }

    /** Item ids queued for removal whose unit returns when they are gone. */
    returningIds(): number[] {
        const ids: number[] = [];
        let nIds = 0;
        for (const [id] of this.returning) { ids[nIds] = id; nIds++; }
        return ids;
    }

    /**
     * The terminal is being removed. The game has already dropped what it held
     * (ItemContainer.RemoveComponentSpecific drops every contained item unless the submarine is
     * unloading), so a placed item lying free fell out of it now, or was put on the floor since
     * the last upkeep (the game does not tell these apart): its unit returns and the item is
     * handed back to be removed. A placed item in another inventory was taken: consumed, its
     * marker goes. Then the lease ends. Returns the items to remove.
     */
    abandon(): Item[] {
        const items: PlacedItem[] = [];
        let nItems = 0;
        for (const [, p] of this.placed) { items[nItems] = p; nItems++; }
        table.sort(items, (a, b) => a.item.ID < b.item.ID);
        const dropped: Item[] = [];
        let nDropped = 0;
        const taken: PlacedItem[] = [];
        let nTaken = 0;
        for (const p of items) {
            this.placed.delete(p.item.ID);
            if (!p.item.Removed && p.item.ParentInventory !== undefined) {
                taken[nTaken] = p;
                nTaken++;
                continue;
            }
            if (!p.item.Removed && this.changed(p)) {
                // Changed on the page: what goes back is the item as it is now, and it goes.
                // A record the policy would never store stays in the world as a take.
                if (this.returnAsItIs(p)) {
                    dropped[nDropped] = p.item;
                    nDropped++;
                } else {
                    stripMarker(p.item);
                }
                continue;
            }
            if (!p.item.Removed) {
                dropped[nDropped] = p.item;
                nDropped++;
            }
            this.returnUnit(p.key, p.exactId, p.epoch);
        }
        if (nTaken > 0 && !this.dead) this.bookTaken(taken);
        this.close();
        return dropped;
    }

    /**
     * A placed item whose record changed goes with its terminal: what goes back is the item as it
     * is now (it is removed with what it holds now, removals.ts). Same root key, so no limit can
     * refuse it. A record the policy would never store (a device put inside) is not stored: the
     * item is a take and stays. Returns whether it was stored.
     */
    private returnAsItIs(p: PlacedItem): boolean {
        if (this.dead) return true;
        const blocked = blockedReason(p.item);
        const tx = this.services.store.transaction(this.dbId, this.source);
        consumeUnit(tx, this.leaseId, p.epoch, p.key, p.exactId);
        if (blocked === undefined) tx.insert(readRecord(p.item), 1);
        else warn(string.format("a changed %s fell out of its removed terminal and stays: %s", p.key, blocked.message));
        const result = tx.commit();
        if (!result.ok) this.fenced(result.code, result.message);
        return blocked === undefined;
    }

    /** Returns what is left and ends the lease. */
    close(): void {
        this.services.leaseOwners.delete(this.owner);
        if (this.dead) return;
        this.dead = true;
        const result = this.services.store.closeLease(this.leaseId, this.epoch, this.source);
        if (!result.ok) this.fenced(result.code, result.message);
    }

    /** The store dropped the lease (rebuild, rollback): nothing of it is booked any more. */
    forget(): void {
        this.dead = true;
        this.batch = undefined;
        this.clearLanding();
        this.services.leaseOwners.delete(this.owner);
    }

    /**
     * The first save step (savePhases.ts): what was taken is booked; spawns still queued are given
     * up (their units return now, and an item the game still creates is removed again because
     * its batch is over). The items in the container stay leased and are captured as such. The
     * fill that waited for the batch ends its page here.
     */
    settleForSave(container: Inventory): void {
        this.reconcile(container);
        const batch = this.batch;
        if (batch === undefined) return;
        this.batch = undefined;
        this.abandonLanding();
        if (batch.outstanding > 0 && !this.dead) {
            if (batch.exactId !== undefined) this.returnUnit(batch.key, batch.exactId, batch.epoch);
            else this.returnUnits(batch.key, batch.outstanding, batch.epoch);
        }
        batch.done("full");
    }

    /**
     * Multiplayer SavePlayers has just stored the carried terminal holding this page, lease
     * markers included; the next round removes the marked items that lie in a terminal, their
     * units being in the database. So the database must hold what the record holds: an item that
     * left the container is taken (as in reconcile); an item changed in place since the last
     * booking (devices were already frozen, players were not) goes back as it is now, its old
     * record consumed and the new one stored, and it stays booked until the round ends. From now
     * on the page is booked as stored (reconcileAfterPlayersSaved).
     */
    settleForPlayers(container: Inventory): void {
        if (this.dead) return;
        const changed: PlacedItem[] = [];
        let nChanged = 0;
        const left: PlacedItem[] = [];
        let nLeft = 0;
        for (const [, p] of this.placed) {
            if (p.item.Removed) continue;
            if (p.item.ParentInventory !== container) {
                left[nLeft] = p;
                nLeft++;
            } else if (this.changed(p)) {
                changed[nChanged] = p;
                nChanged++;
            }
        }
        this.savedWithPlayer = true;
        if (nLeft > 0) this.bookTaken(left);
        table.sort(changed, (a, b) => a.item.ID < b.item.ID);
        for (const p of changed) {
            const blocked = blockedReason(p.item);
            if (blocked !== undefined) {
                // Never stored (a device put inside): the old record stays leased.
                warn(string.format("a changed %s on a carried page is saved as it was leased: %s", p.key, blocked.message));
                continue;
            }
            // One transaction per item: the page's books change only with the database's.
            const tx = this.services.store.transaction(this.dbId, this.source);
            consumeUnit(tx, this.leaseId, p.epoch, p.key, p.exactId);
            tx.insert(readRecord(p.item), 1);
            const result = tx.commit();
            if (!result.ok) {
                this.fenced(result.code, result.message);
                continue;
            }
            this.placed.delete(p.item.ID);
            this.savedCopies.set(p.item.ID, nestedItems(p.item, []));
        }
    }

    /**
     * The capture, for a page stored with a player (settleForPlayers). The player's record holds
     * the page as SavePlayers saw it, so what changed since then on the page or in a player's
     * inventory is not the save's and is not booked. Only a page item that left for the
     * submarine (not into a character's inventory) is taken: the submarine's save holds it, and
     * the copy in the player's record goes at the next round start with no unit behind it.
     */
    reconcileAfterPlayersSaved(container: Inventory): void {
        if (this.dead) return;
        const taken: PlacedItem[] = [];
        let nTaken = 0;
        for (const [, p] of this.placed) {
            const item = p.item;
            if (item.Removed || item.ParentInventory === container) continue;
            if (carriedByCharacter(item)) continue;
            taken[nTaken] = p;
            nTaken++;
        }
        if (nTaken > 0) this.bookTaken(taken);
    }

    /**
     * Lua is stopping (reloadlua, quit). The lease stays open and is captured with its units.
     * Spawns still queued may land after the restart or never: their units go back to Working
     * now, and an item that lands later is removed again by its (old) callback.
     */
    stop(container: Inventory): void {
        this.reconcile(container);
        const batch = this.batch;
        if (batch !== undefined && batch.outstanding > 0 && !this.dead) {
            if (batch.exactId !== undefined) this.returnUnit(batch.key, batch.exactId, batch.epoch);
            else this.returnUnits(batch.key, batch.outstanding, batch.epoch);
        }
        this.batch = undefined;
        this.clearLanding();
        this.stopped = true;
    }
}
