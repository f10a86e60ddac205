/**
 * Auto-restocker: keeps the containers linked to it in the submarine editor (turret loaders,
 * racks, cabinets, suit lockers) stocked from its database.
 *
 * When it looks: when the database gains units of an identifier it watches (a store
 * subscription filtered by key; the store is never polled), and in a slow sweep every
 * SWEEP_INTERVAL seconds over its own linked containers only (a player emptied a slot, a tank ran
 * dry). No power, switched off, or no round running: it does nothing.
 *
 * What it takes: only what the target can hold. Capacity comes from the container itself
 * (HowManyCanBePut), minus units already on their way; the units are planned with the core
 * consume API (never leased ones) and moved by Transfer.extract, which leases them, spawns them
 * into the container and consumes each one only once it is placed. A unit that cannot be placed
 * is removed again and its lease returns it: never a floor drop, never a put-back duplicate.
 * Spent items of a watched kind (condition 0: empty tanks, spent shells) are ingested back into
 * the database as exact entries under the ingest policy, or left where they are if it refuses.
 */
import type { HostServices } from "../../host/runtime";
import { databaseIdOf, prefabIdOf } from "../../host/devices";
import { DEVICE_TAG, RESTOCKER } from "../../protocol/devices";
import { once } from "../../host/log";
import { keyIdentifier } from "../../core/keys";
import { countAvailable, planConsume } from "../../core/consume";
import type { Ingredient } from "../../core/consume";
import type { MutationEvent } from "../../core/mutationEvents";
import { configTextOf, parseConfig, RestockConfig } from "./config";
import { tagResolver } from "../shared/prefabTags";
import { itemPrefab } from "../../host/itemPrefabs";

/** Seconds between sweeps over every restocker's linked containers. */
export const SWEEP_INTERVAL = 2;
/**
 * A player's typing or button spam must not cost a prefab scan per keystroke: the config text is
 * read at most this often (a later change is picked up by the next sweep), and the On/Off button
 * takes at most one press per interval. The game does not say who pressed, so the limit is per
 * device.
 */
const CONFIG_INTERVAL = 0.5;
const PRESS_INTERVAL = 0.25;
/** A toggle signal that did not arrive for this long counts as low again (a pulse ended). */
const SIGNAL_GAP = 0.1;
const LOG_INTERVAL = 600;
const OFF_TAG = "restocker:off";
const ON_TAG = "restocker:on";

interface Delivery {
    readonly leaseId: number;
    readonly containerId: number;
    readonly units: number;
    /** Units of its kind the container should hold once this delivery has landed. */
    readonly expected: number;
}

/** Seconds a container is left alone after a delivery did not land (it refuses what we send). */
export const PLACEMENT_BACKOFF = 30;

interface Restocker {
    readonly item: Item;
    rawConfig: string | undefined;
    config: RestockConfig;
    /** Identifiers it stocks (tags expanded), in config order. */
    wanted: string[];
    wantedSet: LuaMap<string, true>;
    deliveries: Delivery[];
    /** container item ID -> time before which it is not stocked again. */
    backoff: LuaMap<number, number>;
    toggleHigh: boolean;
    toggleAt: number;
    /** When the config text was last parsed, and the last button press (both rate limited). */
    configReadAt: number;
    pressedAt: number;
}

/** A restocker's switch is a tag (saved with the item); no tag means on. */
export function isSwitchedOn(item: Item): boolean {
    return !item.HasTag(OFF_TAG);
}

export function setSwitchedOn(item: Item, on: boolean): void {
    if (isSwitchedOn(item) === on) return;
    const from = on ? OFF_TAG : ON_TAG;
    const to = on ? ON_TAG : OFF_TAG;
    if (item.HasTag(from)) item.ReplaceTag(from, to);
    else item.AddTag(to);
}

/** set_state input: on/off words or a number (> 0 is on); anything else is ignored. */
export function parseState(value: string): boolean | undefined {
    const v = string.lower(value);
    if (v === "1" || v === "true" || v === "on" || v === "yes" || v === "enable" || v === "enabled") return true;
    if (v === "0" || v === "false" || v === "off" || v === "no" || v === "disable" || v === "disabled" || v === "") return false;
    const n = tonumber(v);
    if (n === undefined) return undefined;
    return n > 0;
}

function hasPower(item: Item): boolean {
    const powered = item.GetComponentString("Powered");
    return powered !== undefined && powered.HasPower;
}

/** The item's container inventories, or none for a linked entity that is not an item. */
function inventoriesOf(entity: Item): ItemInventory[] {
    const [success, inventories] = pcall(() => entity.OwnInventories);
    if (!success || inventories === undefined) return [];
    return inventories as ItemInventory[];
}

export class Restockers {
    private tracked = new LuaMap<number, Restocker>();
    private dirty = new LuaMap<number, true>();
    private hasDirty = false;
    /** identifier -> restocker ids watching it. */
    private watchers = new LuaMap<string, LuaMap<number, true>>();
    private lastSweep = -SWEEP_INTERVAL;
    running = false;

    constructor(private readonly s: HostServices) {}

    count(): number {
        let n = 0;
        for (const [] of this.tracked) n++;
        return n;
    }

    rescan(): void {
        this.tracked = new LuaMap<number, Restocker>();
        this.watchers = new LuaMap<string, LuaMap<number, true>>();
        for (const item of Item.ItemList) this.track(item);
        this.markAll();
    }

    /**
     * Settle step "fields" (savePhases.ts): every restocker's config field is cleaned in place, so
     * text typed right before a save (not read by an upkeep yet) never reaches the save.
     */
    cleanFields(): void {
        for (const [, r] of this.tracked) {
            if (!r.item.Removed) configTextOf(r.item);
        }
    }

    track(item: Item): void {
        if (item.Removed || prefabIdOf(item) !== RESTOCKER) return;
        const r: Restocker = {
            item,
            rawConfig: undefined,
            config: parseConfig(""),
            wanted: [],
            wantedSet: new LuaMap<string, true>(),
            deliveries: [],
            backoff: new LuaMap<number, number>(),
            toggleHigh: false,
            toggleAt: -1,
            configReadAt: -CONFIG_INTERVAL,
            pressedAt: -PRESS_INTERVAL,
        };
        this.tracked.set(item.ID, r);
        this.refreshConfig(r);
        this.mark(item.ID);
    }

    onRemoved(item: Item): void {
        const r = this.tracked.get(item.ID);
        if (r === undefined || r.item !== item) return;
        this.unwatch(item.ID, r);
        this.tracked.delete(item.ID);
        this.dirty.delete(item.ID);
    }

    /** Store events: wake the restockers that watch a key whose available amount went up. */
    onEvent(event: MutationEvent): void {
        if (!this.running) return;
        if (event.reset === true) {
            this.markAll();
            return;
        }
        for (const change of event.changes) {
            if (change.after <= change.before) continue;
            const ids = this.watchers.get(keyIdentifier(change.key));
            if (ids === undefined) continue;
            for (const [id] of ids) this.mark(id);
        }
    }

    onSignal(signal: WireSignal, connection: WireConnection): void {
        const item = connection.Item;
        const r = this.tracked.get(item.ID);
        if (r === undefined) return;
        const value = signal.value ?? "";
        if (connection.Name === "set_state") {
            const state = parseState(value);
            if (state !== undefined) this.switchTo(r, state);
        } else if (connection.Name === "toggle") {
            // Edge, not level: a continuous signal arrives every update and must toggle once.
            const now = this.s.now();
            const high = value !== "" && value !== "0";
            const wasHigh = r.toggleHigh && now - r.toggleAt <= SIGNAL_GAP;
            r.toggleHigh = high;
            r.toggleAt = now;
            if (high && !wasHigh) this.switchTo(r, !isSwitchedOn(item));
        }
    }

    /** The CustomInterface button. */
    toggle(item: Item): void {
        const r = this.tracked.get(item.ID);
        if (r === undefined) return;
        const now = this.s.now();
        if (now - r.pressedAt < PRESS_INTERVAL) return;
        r.pressedAt = now;
        this.switchTo(r, !isSwitchedOn(item));
    }

    private switchTo(r: Restocker, on: boolean): void {
        setSwitchedOn(r.item, on);
        if (on) this.mark(r.item.ID);
    }

    think(): void {
        // Nothing is delivered or taken back from the first save step on (savePhases.ts).
        if (!this.running || this.s.phases.frozen) return;
        const now = this.s.now();
        if (now - this.lastSweep >= SWEEP_INTERVAL) {
            this.lastSweep = now;
            this.markAll();
        }
        if (!this.hasDirty) return;
        const ids: number[] = [];
        let nIds = 0;
        for (const [id] of this.dirty) { ids[nIds] = id; nIds++; }
        this.dirty = new LuaMap<number, true>();
        this.hasDirty = false;
        table.sort(ids);
        for (const id of ids) {
            const r = this.tracked.get(id);
            if (r !== undefined) this.process(r);
        }
    }

    /**
     * Install (a round may already run: Lua reloaded mid-round) and every rebuild: restockers
     * work from here on, over a fresh scan of the world.
     */
    start(roundRunning: boolean): void {
        this.running = roundRunning;
        if (roundRunning) this.rescan();
    }

    /** Round end: nothing moves until the next rebuild. */
    stop(): void {
        this.running = false;
        this.dirty = new LuaMap<number, true>();
        this.hasDirty = false;
        for (const [, r] of this.tracked) r.deliveries = [];
    }

    private mark(id: number): void {
        this.dirty.set(id, true);
        this.hasDirty = true;
    }

    private markAll(): void {
        for (const [id] of this.tracked) this.mark(id);
    }

    private unwatch(id: number, r: Restocker): void {
        for (const identifier of r.wanted) this.watchers.get(identifier)?.delete(id);
    }

    /** Re-reads the config text; on a change, re-expands tags and re-registers the watches. */
    private refreshConfig(r: Restocker): void {
        const raw = configTextOf(r.item);
        if (raw === r.rawConfig) return;
        const now = this.s.now();
        if (r.rawConfig !== undefined && now - r.configReadAt < CONFIG_INTERVAL) return;
        r.configReadAt = now;
        r.rawConfig = raw;
        r.config = parseConfig(raw);
        this.unwatch(r.item.ID, r);
        const wanted: string[] = [];
        let nWanted = 0;
        const set = new LuaMap<string, true>();
        const add = (id: string): void => {
            if (set.has(id) || itemPrefab(id) === undefined) return;
            set.set(id, true);
            wanted[nWanted] = id;
            nWanted++;
        };
        for (const id of r.config.identifiers) add(id);
        for (const tag of r.config.tags) for (const id of tagResolver(tag)) add(id);
        r.wanted = wanted;
        r.wantedSet = set;
        for (const id of wanted) {
            let ids = this.watchers.get(id);
            if (ids === undefined) {
                ids = new LuaMap<number, true>();
                this.watchers.set(id, ids);
            }
            ids.set(r.item.ID, true);
        }
        if (r.config.problems.length > 0) {
            once(
                string.format("restocker:%d:config", r.item.ID),
                this.s.now(),
                LOG_INTERVAL,
                string.format("restocker %d: words not understood in its config: %s", r.item.ID, table.concat([...r.config.problems], " ")),
            );
        }
    }

    private process(r: Restocker): void {
        const item = r.item;
        if (item.Removed) return;
        this.refreshConfig(r);
        if (r.wanted.length === 0 || !isSwitchedOn(item) || !hasPower(item)) return;
        const dbId = databaseIdOf(item);
        if (this.s.store.database(dbId) === undefined) return;
        for (const target of item.linkedTo) {
            if (target === item) continue;
            const [success, isDevice] = pcall(() => target.Removed || target.HasTag(DEVICE_TAG));
            if (!success || isDevice) continue;
            for (const inventory of inventoriesOf(target)) this.stockContainer(r, dbId, target, inventory);
        }
        // Deliveries to containers that are no longer linked: forget them once they are over.
        r.deliveries = r.deliveries.filter((d) => this.s.store.lease(d.leaseId) !== undefined);
    }

    /**
     * Drops the deliveries to `containerId` that are over (landed, or went back). When none is in
     * flight any more and the container holds less than they should have left, some units did
     * not land: leave the container alone for a while instead of sending them again and again.
     */
    private settleDeliveries(r: Restocker, containerId: number, have: number): void {
        let expected = -1;
        let inFlight = false;
        const keep: Delivery[] = [];
        let nKeep = 0;
        for (const d of r.deliveries) {
            if (d.containerId !== containerId) {
                keep[nKeep] = d;
                nKeep++;
            } else if (this.s.store.lease(d.leaseId) !== undefined) {
                inFlight = true;
                keep[nKeep] = d;
                nKeep++;
            } else if (d.expected > expected) {
                expected = d.expected;
            }
        }
        r.deliveries = keep;
        if (!inFlight && expected >= 0 && have < expected) {
            r.backoff.set(containerId, this.s.now() + PLACEMENT_BACKOFF);
            once(
                string.format("restocker:%d:placement:%d", r.item.ID, containerId),
                this.s.now(),
                LOG_INTERVAL,
                string.format("restocker %d: units for container %d did not fit and went back to the database; retrying in %d s", r.item.ID, containerId, PLACEMENT_BACKOFF),
            );
        }
    }

    private incomingTo(r: Restocker, containerId: number): number {
        let n = 0;
        for (const d of r.deliveries) {
            if (d.containerId === containerId) n += d.units;
        }
        return n;
    }

    private stockContainer(r: Restocker, dbId: string, target: Item, inventory: ItemInventory): void {
        const config = r.config;
        const source = string.format("restocker:%d", r.item.ID);
        let have = 0;
        let usableSlots = 0;
        for (let slot = 0; slot < inventory.Capacity; slot++) {
            const stack = inventory.GetItemsAt(slot);
            if (stack.length === 0) {
                usableSlots++;
                continue;
            }
            const first = stack[0];
            if (!r.wantedSet.has(prefabIdOf(first))) continue;
            usableSlots++;
            for (const unit of stack) {
                if (this.s.removals.isPending(unit.ID)) continue;
                if (unit.ConditionPercentage <= 0) {
                    if (config.replaceSpent) this.returnSpent(r, dbId, unit, source);
                } else {
                    have++;
                }
            }
        }
        const containerId = target.ID;
        this.settleDeliveries(r, containerId, have);
        if ((r.backoff.get(containerId) ?? 0) > this.s.now()) return;
        const goal = config.perSlot ? config.amount * usableSlots : config.amount;
        let deficit = goal - have - this.incomingTo(r, containerId);
        for (const identifier of r.wanted) {
            if (deficit <= 0) return;
            const prefab = itemPrefab(identifier);
            if (prefab === undefined || !inventory.CanProbablyBePut(prefab)) continue;
            // Units on their way take space too (they have not landed yet).
            const room = inventory.HowManyCanBePut(prefab) - this.incomingTo(r, containerId);
            const want = math.min(deficit, room);
            if (want <= 0) continue;
            const ingredient: Ingredient = { identifiers: [identifier], amount: want, minCondition: config.minCondition, prefer: "best" };
            const available = countAvailable(this.s.store, dbId, ingredient, undefined, want);
            if (available <= 0) continue;
            const plan = planConsume(this.s.store, dbId, { ingredients: [{ ...ingredient, amount: available }] });
            if (!plan.ok) continue;
            for (const pick of plan.value.picks) {
                const ticket = this.s.transfer.extract({ dbId, key: pick.key, amount: pick.count, target: inventory, source, exactId: pick.exactId });
                if (!ticket.ok) {
                    once(string.format("restocker:%d:extract", r.item.ID), this.s.now(), LOG_INTERVAL, string.format("restocker %d: %s", r.item.ID, ticket.message));
                    return;
                }
                const expected = have + this.incomingTo(r, containerId) + ticket.value.units;
                r.deliveries.push({ leaseId: ticket.value.leaseId, containerId, units: ticket.value.units, expected });
                deficit -= ticket.value.units;
            }
        }
    }

    private returnSpent(r: Restocker, dbId: string, unit: Item, source: string): void {
        const result = this.s.transfer.ingest(unit, dbId, source);
        if (result.ok || result.code === "pending") return;
        once(
            string.format("restocker:%d:spent:%s", r.item.ID, result.code),
            this.s.now(),
            LOG_INTERVAL,
            string.format("restocker %d left a spent %s where it was: %s", r.item.ID, unit.Prefab.Identifier.Value, result.message),
        );
    }
}
