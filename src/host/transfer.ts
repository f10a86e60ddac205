/**
 * Moving units between the world and a database, for every device and the public API.
 *
 * Ingest (world -> database): the item is queued for removal and its record enters the database
 * only when the item is really gone (see removals.ts). Units waiting for that count against the
 * database's limits, so the insert cannot be refused afterwards except by a fault; if it is, the
 * record is spawned back where the item was (never voided).
 *
 * Extract (database -> world): the units move into a short-lived lease owned by the spawner, so a
 * save in the middle holds them exactly once; each unit is consumed from that lease when its item
 * has landed in the target inventory. A unit that landed anywhere else is removed again and goes
 * back to the database. A spawn the game never performs times out and its units return; if it
 * lands late, its lease is over and the item is removed again. The spawning and tracking is
 * delivery.ts, shared with fabricator pulls.
 */
import type { DatabaseStore } from "../core/store";
import type { ItemRecord } from "../core/record";
import { normalizeDatabaseId } from "../core/keys";
import { plainRecordOf } from "../core/entries";
import type { ItemKey } from "../core/keys";
import { ok, refuse, Result } from "../core/result";
import type { IngestOptions, IngestPolicy } from "./policy";
import type { RemovalLedger } from "./removals";
import { canSpawn, spawnRecord } from "./spawner";
import { Deliveries } from "./delivery";
import { problem, warn } from "./log";
import { SAVING_CODE, SAVING_MESSAGE } from "./savePhases";
import type { SavePhases } from "./savePhases";

export interface ExtractRequest {
    readonly dbId: string;
    readonly key: ItemKey;
    readonly amount: number;
    readonly target: Inventory;
    readonly source: string;
    /** Exact entry to take instead of aggregated units (amount must then be 1). */
    readonly exactId?: number;
}

export interface ExtractTicket {
    readonly leaseId: number;
    readonly units: number;
}

export class Transfer {
    floorDrops = 0;
    /** Its units on their way (the think sweep and the save phases drive it). */
    readonly deliveries: Deliveries<undefined>;

    constructor(
        private readonly store: DatabaseStore,
        private readonly removals: RemovalLedger,
        private readonly policy: IngestPolicy,
        now: (this: void) => number,
        private readonly phases: SavePhases,
    ) {
        this.deliveries = new Deliveries<undefined>(store, removals, now, {
            sources: { settled: "spawner", timeout: "spawner timeout", stop: "spawner (stop)", save: "spawner (save)" },
            what: "spawn(s)",
            unit: "spawned unit",
            // An extract's misplaced item already gone settles its unit at once.
            settleRemovedMisplacedAtOnce: true,
        });
    }

    /** Units queued for removal, not yet inserted (the policy counts them against limits). */
    reservedUnits(dbId: string): number {
        return this.policy.reservedUnits(normalizeDatabaseId(dbId));
    }

    /**
     * Takes `item` (with everything inside it) into database `dbId`. The item stays in the world
     * until the game removes it; a refusal leaves it where it is.
     */
    ingest(item: Item, rawDbId: string, source: string, options?: IngestOptions): Result<ItemRecord> {
        const dbId = normalizeDatabaseId(rawDbId);
        if (this.removals.isPending(item.ID)) return refuse("pending", "that item is already on its way in");
        // From the first save step on, nothing is stored (savePhases.ts).
        if (this.phases.frozen) return refuse(SAVING_CODE, SAVING_MESSAGE);
        const allowed = this.policy.check(item, dbId, options);
        if (!allowed.ok) return allowed;
        const record = allowed.value;
        const origin = item.ParentInventory;
        const reservation = this.policy.reserve(dbId, record);
        this.removals.queue(item, record.identifier, () => {
            this.policy.release(reservation);
            this.insertRecord(dbId, record, source, origin);
        });
        return ok(record);
    }

    private insertRecord(dbId: string, record: ItemRecord, source: string, origin: Inventory | undefined): void {
        // Accepted while the database had a core: stored even if that core is gone by now (the
        // item is already leaving; a spawned replacement could land after a save, or never).
        const result = this.store.transaction(dbId, source).completesAccepted().insert(record, 1).commit();
        if (result.ok) return;
        // Never void: the item is gone, so it comes back as a new one where it was.
        problem(string.format("could not store %s in '%s' (%s): returning it", record.identifier, dbId, result.message));
        if (origin !== undefined && canSpawn(record).ok) {
            spawnRecord(record, origin, undefined, (landed) => {
                if (!landed.placed) {
                    this.floorDrops++;
                    warn(string.format("%s returned to the floor (no room where it was)", record.identifier));
                }
            });
        } else {
            this.floorDrops++;
            problem(string.format("%s could not be returned: no prefab or no place", record.identifier));
        }
    }

    /** Spawns `amount` units of `key` into `target`. Units that cannot be placed go back. */
    extract(request: ExtractRequest): Result<ExtractTicket> {
        const dbId = normalizeDatabaseId(request.dbId);
        if (this.phases.frozen) return refuse(SAVING_CODE, SAVING_MESSAGE);
        const amount = request.amount;
        if (type(amount) !== "number" || amount !== math.floor(amount) || amount < 1 || amount > 1000) {
            return refuse("bad_amount", "the amount must be a whole number from 1 to 1000");
        }
        const probe = plainRecordOf(request.key);
        const spawnable = canSpawn(probe);
        if (!spawnable.ok) return spawnable;
        const opened = this.store.openLease(dbId, "spawn:" + request.source);
        if (!opened.ok) return opened;
        const lease = opened.value;
        const tx = this.store.transaction(dbId, request.source);
        if (request.exactId !== undefined) {
            if (amount !== 1) return this.abandon(lease.id, lease.epoch, refuse("bad_amount", "an exact entry is one unit"));
            tx.leaseOutExact(lease.id, request.exactId);
        } else {
            tx.leaseOut(lease.id, request.key, amount);
        }
        const moved = tx.commit();
        if (!moved.ok) return this.abandon(lease.id, lease.epoch, moved);
        this.deliveries.start(lease.id, lease.epoch, dbId, request.target, undefined);
        return ok({ leaseId: lease.id, units: amount });
    }

    private abandon<T>(leaseId: number, epoch: number, reason: Result<T>): Result<T> {
        this.store.closeLease(leaseId, epoch, "spawner");
        return reason;
    }

    /** A rebuild dropped every lease: forget the trackers (their callbacks find no live lease). */
    reset(): void {
        this.deliveries.reset();
        this.policy.clearReservations();
    }

    inFlight(): number {
        return this.deliveries.inFlight();
    }
}
