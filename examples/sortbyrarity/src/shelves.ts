/**
 * Fuel shelves: containers tagged `dbioexample_fuelshelf` kept at KEEP fuel rods from the database.
 *
 * - Which containers: found once per round (onRebuilt runs at every round start and Lua reload),
 *   by their ID; never a scan per tick.
 * - When: the fuel rod key changed and rods became available (watchKey), or a round began.
 * - How: `consumeInto` plans all or nothing and spawns into the shelf; a rod that does not fit
 *   goes back to the database. Rods on their way take a moment to land, so a shelf that was just
 *   served waits a second before it is counted again (no double orders); rods that arrive in
 *   that second are looked at once it is over (a `think` hook that does nothing otherwise).
 */
const DB = "default";
const FUEL = "fuelrod";
const TAG = "dbioexample_fuelshelf";
const KEEP = 2;
/** Seconds a served shelf waits before it is counted again (spawns land on the next update). */
const SETTLE = 1;

type Say = (this: void, text: string) => void;

interface Shelf {
    readonly id: number;
    readonly item: ExampleItem;
    /** Until then the shelf's count does not include rods still on their way. */
    busyUntil: number;
    /** Rods arrived while the shelf was busy: serve it when it is not. */
    recheck: boolean;
}

export class FuelShelves {
    private shelves: Shelf[] = [];
    private requests = 0;
    private units = 0;
    private refusals = 0;

    constructor(
        private readonly api: DatabaseIO.Api,
        private readonly say: Say,
    ) {}

    start(): DatabaseIO.Result<true> {
        const key = this.api.key(FUEL);
        if (key === undefined) return { ok: false, code: "bad_key", message: "no key for " + FUEL };
        const watched = this.api.watchKey(DB, key, (event) => {
            let arrived = event.reset === true;
            for (const change of event.changes) {
                if (change.after > change.before) arrived = true;
            }
            if (arrived) this.serveAll();
        });
        if (!watched.ok) return watched;
        const rebuilt = this.api.onRebuilt("dbioexample.shelves", () => {
            this.findShelves();
            this.serveAll();
        });
        if (!rebuilt.ok) return rebuilt;
        Hook.Add("think", "dbioexample.shelves", () => {
            this.recheckBusy();
        });
        // Installed in the middle of a round (a Lua reload): the round's shelves are already there.
        this.findShelves();
        return { ok: true, value: true };
    }

    stats(): { readonly requests: number; readonly units: number; readonly refusals: number; readonly shelves: number } {
        return { requests: this.requests, units: this.units, refusals: this.refusals, shelves: this.shelves.length };
    }

    private findShelves(): void {
        const found: Shelf[] = [];
        for (const item of Item.ItemList) {
            if (!item.Removed && item.OwnInventory !== undefined && item.HasTag(TAG)) found.push({ id: item.ID, item, busyUntil: 0, recheck: false });
        }
        // A total order, so the shelves are served the same way every time.
        table.sort(found, (a, b) => a.id < b.id);
        this.shelves = found;
    }

    private serveAll(): void {
        const now = Timer.GetTime();
        for (const shelf of this.shelves) {
            if (shelf.item.Removed) continue;
            if (shelf.busyUntil <= now) this.serve(shelf, now);
            else shelf.recheck = true;
        }
    }

    private recheckBusy(): void {
        let now: number | undefined = undefined;
        for (const shelf of this.shelves) {
            if (!shelf.recheck) continue;
            now = now ?? Timer.GetTime();
            if (shelf.busyUntil > now) continue;
            shelf.recheck = false;
            if (!shelf.item.Removed) this.serve(shelf, now);
        }
    }

    private serve(shelf: Shelf, now: number): void {
        const inventory = shelf.item.OwnInventory;
        if (inventory === undefined) return;
        let have = 0;
        for (const inside of inventory.AllItemsMod) {
            if (string.lower(inside.Prefab.Identifier.Value) === FUEL) have++;
        }
        const want = KEEP - have;
        if (want <= 0) return;
        const available = this.api.amount(DB, FUEL);
        const amount = want < available ? want : available;
        if (amount <= 0) return;
        this.requests++;
        const result = this.api.consumeInto(DB, { ingredients: [{ identifiers: [FUEL], amount, minCondition: 50 }] }, inventory, "fuelshelf");
        if (!result.ok) {
            // insufficient: only rods below 50% were left. Say anything else once per request.
            this.refusals++;
            if (result.code !== "insufficient") this.say(string.format("shelf %d: %s", shelf.id, result.message));
            return;
        }
        this.units += result.value.units;
        shelf.busyUntil = now + SETTLE;
    }
}
