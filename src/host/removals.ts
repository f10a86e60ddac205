/**
 * Items on their way out of the world.
 *
 * A unit moves from the world into a database only when its item is really gone: removals are
 * queued by the game and land on the next update, so until then the item still exists and the
 * database must not count it yet. Each queued removal is remembered here with what to do once the
 * item is gone (insert its record, return leased units, or nothing for an item whose units the
 * database already holds).
 *
 * A capture cannot wait for the queue: the game serializes the submarine right away. `settleAll`
 * therefore removes every pending item at once (unsynced, which is fine at a save: a transition
 * unloads everything next, and singleplayer has no clients) and runs its callback, so the save
 * holds each unit exactly once. A removal that never lands (the game's queue was reset at round
 * end) leaves the item in the world and the database untouched: nothing is lost either way.
 *
 * What leaves the world is what the item held when it was queued, at any depth: the game's
 * EntitySpawner.AddItemToRemoveQueue queues the contents of an item's first container with it
 * (recursively) when it is queued, so an item taken out before the queue runs is still removed;
 * the ledger queues the contents of every other container the same way. Nothing may be put into
 * an item on its way out (the inventoryPutItem hook refuses the put): Item.Remove would drop it
 * (ItemContainer.RemoveComponentSpecific) or, before that, it would leave with a record that does
 * not hold it. So the record read when the item was queued is exactly what goes.
 */
import { problem } from "./log";
import { nestedItems } from "./records";

type OnGone = (this: void) => void;

/**
 * Item.Remove at once, everything inside first. Removed on its own, a container drops what it
 * holds into the world (ItemContainer.RemoveComponentSpecific drops each contained item unless
 * the submarine is unloading), and those items would be saved beside the record that already
 * holds them. The game's own queue (EntitySpawner.AddItemToRemoveQueue) removes the contents
 * too, so queued and settled removals end the same way.
 */
function removeWithContents(item: Item): void {
    for (const inventory of item.OwnInventories) {
        for (const child of inventory.AllItemsMod) {
            if (!child.Removed) removeWithContents(child);
        }
    }
    if (!item.Removed) item.Remove();
}

interface Pending {
    readonly item: Item;
    readonly onGone: OnGone;
    readonly what: string;
    /** What it held when it was queued, at any depth: removed with it. */
    readonly inside: Item[];
}

export class RemovalLedger {
    private pending = new LuaMap<number, Pending>();
    private count = 0;
    /** Item id -> the id of the queued item it was inside when that was queued. */
    private readonly within = new LuaMap<number, number>();

    /** Queues `item` (and everything inside it) for removal; `onGone` runs once when it is gone. */
    queue(item: Item, what: string, onGone: OnGone): boolean {
        // A removed item is not queued: the game skips it (EntitySpawner.AddItemToRemoveQueue) and
        // never reports it again, and its entry would block the next item the game gives its ID
        // (the lowest free one, Entity.FindFreeId). The caller treats it as not queued.
        if (item.Removed) return false;
        const existing = this.pending.get(item.ID);
        if (existing !== undefined) {
            if (existing.item === item || !existing.item.Removed) return false;
            // An entry whose item is gone without a report (and whose ID is taken again): it is
            // settled now, as its report would have settled it.
            this.onItemRemoved(existing.item, false);
        }
        const inside = nestedItems(item, []);
        this.pending.set(item.ID, { item, onGone, what, inside });
        this.count++;
        Entity.Spawner.AddItemToRemoveQueue(item);
        for (const child of inside) {
            this.within.set(child.ID, item.ID);
            // Already queued by the game when it is in the first container: then ignored.
            Entity.Spawner.AddItemToRemoveQueue(child);
        }
        return true;
    }

    /**
     * inventoryPutItem: true when `inventory` belongs to an item on its way out (or to anything
     * that was inside one), so the put is refused and the item stays where it was.
     */
    refusesPut(inventory: Inventory): boolean {
        if (this.count === 0) return false;
        const owner = inventory.Owner;
        if (owner === undefined || owner === null) return false;
        // Everything inside a queued item was noted when it was queued, and nothing joins later.
        return this.pending.has(owner.ID) || this.within.has(owner.ID);
    }

    private forgetInside(entry: Pending): void {
        const rootId = entry.item.ID;
        for (const child of entry.inside) {
            if (this.within.get(child.ID) === rootId) this.within.delete(child.ID);
        }
    }

    isPending(itemId: number): boolean {
        return this.pending.has(itemId);
    }

    get size(): number {
        return this.count;
    }

    /** item.removed: the game removed the item. During an unload it is in the save: forget it. */
    onItemRemoved(item: Item, unloading: boolean): void {
        const entry = this.pending.get(item.ID);
        if (entry === undefined || entry.item !== item) return;
        this.pending.delete(item.ID);
        this.count--;
        this.forgetInside(entry);
        if (unloading) return;
        const [success, err] = pcall(entry.onGone);
        if (!success) problem(string.format("after removing %s: %s", entry.what, err));
    }

    /** Before a capture: finish every pending removal now. */
    settleAll(): void {
        const entries: Pending[] = [];
        let nEntries = 0;
        for (const [, entry] of this.pending) { entries[nEntries] = entry; nEntries++; }
        table.sort(entries, (a, b) => a.item.ID < b.item.ID);
        for (const entry of entries) {
            if (!entry.item.Removed) removeWithContents(entry.item);
            // What it held when queued is part of its record and goes as well, wherever it is now
            // (the queue would remove it too: EntitySpawner.AddItemToRemoveQueue).
            for (const child of entry.inside) {
                if (!child.Removed) removeWithContents(child);
            }
            // Remove() fires item.removed, which normally ran the callback; make sure it ran once.
            if (this.pending.has(entry.item.ID)) this.onItemRemoved(entry.item, false);
        }
    }

    /** Lua is stopping: run the callbacks (the game's queue still removes the items). */
    settleCallbacksOnly(): void {
        const entries: Pending[] = [];
        let nEntries = 0;
        for (const [, entry] of this.pending) { entries[nEntries] = entry; nEntries++; }
        table.sort(entries, (a, b) => a.item.ID < b.item.ID);
        for (const entry of entries) this.onItemRemoved(entry.item, false);
    }

    /** A new round: nothing pending survives an unload. */
    clear(): void {
        this.pending = new LuaMap<number, Pending>();
        this.count = 0;
        for (const [id] of this.within) this.within.delete(id);
    }
}
