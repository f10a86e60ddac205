/**
 * Interfaces: items put into one become entries of its database.
 *
 * No per-tick scan of the world: interface items are tracked (a scan after every rebuild, then
 * item.created / item.removed), a put into one marks it for the next think (inventoryPutItem
 * fires before the item is placed), and a slow sweep over the tracked interfaces picks up
 * anything else (a retry after power returns, space freed, a core built, a put no hook saw).
 */
import type { HostServices } from "../../host/runtime";
import { InterfaceKind, interfaceKindOf } from "./kinds";
import { InterfaceMemory, processInterface } from "./ingest";

/** Seconds between sweeps over every tracked interface. */
const SWEEP_INTERVAL = 2;

interface Tracked {
    readonly item: Item;
    readonly kind: InterfaceKind;
}

export class Interfaces {
    private tracked = new LuaMap<number, Tracked>();
    private dirty = new LuaMap<number, true>();
    private hasDirty = false;
    private lastSweep = 0;
    /** Whether a round runs: set at install, on every rebuild, cleared at round end. */
    private running = Game.RoundStarted;
    readonly memory = new InterfaceMemory();

    constructor(private readonly s: HostServices) {}

    count(): number {
        let n = 0;
        for (const [] of this.tracked) n++;
        return n;
    }

    /** Every interface in the world, after a rebuild (round start, Lua reload). O(items), once. */
    rescan(): void {
        this.tracked = new LuaMap<number, Tracked>();
        this.dirty = new LuaMap<number, true>();
        this.memory.clear();
        for (const item of Item.ItemList) this.track(item);
        // Whatever was left in them (saved with the submarine) is looked at on the next think.
        for (const [id] of this.tracked) this.dirty.set(id, true);
        this.hasDirty = true;
    }

    track(item: Item): void {
        if (item.Removed) return;
        const kind = interfaceKindOf(item);
        if (kind !== undefined) this.tracked.set(item.ID, { item, kind });
    }

    onRemoved(item: Item): void {
        const id = item.ID;
        const entry = this.tracked.get(id);
        if (entry !== undefined && entry.item === item) {
            this.tracked.delete(id);
            this.dirty.delete(id);
        }
        this.memory.forget(id);
    }

    /** inventoryPutItem: runs before the item is placed, so only remember it. */
    onPut(inventory: Inventory, item: Item, user: Character | undefined): void {
        const owner = inventory.Owner;
        if (owner === undefined) return;
        const entry = this.tracked.get(owner.ID);
        if (entry === undefined) return;
        this.memory.noteput(item.ID, user);
        this.dirty.set(owner.ID, true);
        this.hasDirty = true;
    }

    think(): void {
        const now = this.s.now();
        if (now - this.lastSweep >= SWEEP_INTERVAL) {
            this.lastSweep = now;
            for (const [id] of this.tracked) this.dirty.set(id, true);
            this.hasDirty = true;
        }
        if (!this.hasDirty) return;
        const ids: number[] = [];
        let nIds = 0;
        for (const [id] of this.dirty) { ids[nIds] = id; nIds++; }
        this.dirty = new LuaMap<number, true>();
        this.hasDirty = false;
        table.sort(ids);
        for (const id of ids) {
            const entry = this.tracked.get(id);
            if (entry !== undefined) processInterface(this.s, this.memory, entry.item, entry.kind);
        }
    }

    /** After every rebuild (round start, Lua reload). */
    start(): void {
        this.running = true;
        this.rescan();
    }

    /**
     * think. Nothing is stored from the first save step on (savePhases.ts): what lies in an
     * interface then stays there, in the save, and is stored in the next round.
     */
    update(): void {
        if (this.running && !this.s.phases.frozen) this.think();
    }

    /** Round end: nothing is stored after the round stops. */
    stop(): void {
        this.running = false;
        this.dirty = new LuaMap<number, true>();
        this.hasDirty = false;
    }
}
