/**
 * Pulls: a recipe's missing ingredients taken from a database in ONE consume (all or nothing)
 * into one spawner lease, then spawned into the fabricator's input container. Each unit is
 * consumed from the lease when its item has landed there, so a save in between holds every unit
 * exactly once (in the lease, hence in the captured database, or as the landed item). A unit that
 * lands anywhere else is removed again and returns; spawns the game never performs return after a
 * timeout; a rebuild or rollback drops the lease (the loaded save is the truth) and late items are
 * removed again. When the last unit is settled, `onSettled` says whether every unit is in place.
 */
import type { HostServices } from "../../host/runtime";
import type { ConsumeRequest, ConsumeResult } from "../../core/consume";
import { consume } from "../../core/consume";
import type { ItemKey } from "../../core/keys";
import { keyIdentifier, keyQuality, makeKey } from "../../core/keys";
import type { ItemRecord } from "../../core/record";
import { refuse } from "../../core/result";
import type { Result } from "../../core/result";
import { SAVING_CODE, SAVING_MESSAGE } from "../../host/savePhases";
import { spawnRecord } from "../../host/spawner";
import { problem, warn } from "../../host/log";
import { tagResolver } from "../shared/prefabTags";

export interface PullRequest {
    readonly dbId: string;
    readonly fab: FabricatorComponent;
    readonly recipe: FabricationRecipe;
    readonly user: Character | undefined;
    readonly request: ConsumeRequest;
    /** Start fabricating once every unit landed (the Start button), or only fill (a request). */
    readonly start: boolean;
    readonly source: string;
}

export interface Pull extends PullRequest {
    readonly leaseId: number;
    readonly epoch: number;
    readonly fabId: number;
    readonly units: number;
    outstanding: number;
    misplaced: number;
    readonly startedAt: number;
    readonly waiting: LuaMap<number, { readonly key: ItemKey; readonly exactId: number | undefined }>;
    nextWaiting: number;
    deliveredAtStop?: boolean;
}

/** Seconds after which spawns the game never performed are given up (their units return). */
export const PULL_TIMEOUT = 5;
/** Less than one game update: a spawn queued this recently has not been processed yet. */
const SAME_UPDATE = 1 / 120;
const OWNER_PREFIX = "spawn:fabricator:";

export class FabricatorPulls {
    private pulls = new LuaMap<number, Pull>();
    private byFab = new LuaMap<number, number>();

    constructor(
        private readonly s: HostServices,
        private readonly onSettled: (this: void, pull: Pull, complete: boolean) => void,
    ) {}

    /** True while a pull for fabricator item `fabId` is on its way. */
    busy(fabId: number): boolean {
        return this.byFab.has(fabId);
    }

    inFlight(): number {
        let n = 0;
        for (const [, pull] of this.pulls) n += pull.outstanding;
        return n;
    }

    /** Takes the request from the database and queues the spawns. Refused: nothing changed. */
    begin(req: PullRequest): Result<ConsumeResult> {
        // From the first save step on, nothing is taken (savePhases.ts).
        if (this.s.phases.frozen) return refuse(SAVING_CODE, SAVING_MESSAGE);
        const store = this.s.store;
        const fabId = req.fab.Item.ID;
        const opened = store.openLease(req.dbId, OWNER_PREFIX + string.format("%d", fabId));
        if (!opened.ok) return opened;
        const lease = opened.value;
        const taken = consume(store, req.dbId, req.source, req.request, tagResolver, lease.id);
        if (!taken.ok) {
            store.closeLease(lease.id, lease.epoch, "fabricator");
            return taken;
        }
        const pull: Pull = {
            ...req,
            leaseId: lease.id,
            epoch: lease.epoch,
            fabId,
            units: taken.value.plan.units,
            outstanding: 0,
            misplaced: 0,
            startedAt: this.s.now(),
            waiting: new LuaMap(),
            nextWaiting: 1,
        };
        this.pulls.set(lease.id, pull);
        this.byFab.set(fabId, lease.id);
        const leased = store.lease(lease.id)!;
        const target = req.fab.InputContainer.Inventory;
        for (const [key, count] of leased.countList()) {
            const record = plainRecord(key, taken.value);
            for (let i = 0; i < count; i++) this.spawnUnit(pull, record, key, undefined, target);
        }
        for (const entry of leased.exactList()) {
            this.spawnUnit(pull, entry.record, makeKey(entry.record.identifier, entry.record.quality), entry.id, target);
        }
        if (pull.outstanding === 0) this.finish(pull);
        return taken;
    }

    private live(pull: Pull): boolean {
        return this.pulls.get(pull.leaseId) === pull;
    }

    private spawnUnit(pull: Pull, record: ItemRecord, key: ItemKey, exactId: number | undefined, target: Inventory): void {
        pull.outstanding++;
        const serial = pull.nextWaiting;
        pull.nextWaiting++;
        pull.waiting.set(serial, { key, exactId });
        const started = spawnRecord(record, target, undefined, (landed) => {
            pull.waiting.delete(serial);
            if (!this.live(pull)) {
                // Counted as delivered when Lua stopped: the item is where its unit went.
                if (pull.deliveredAtStop === true) return;
                // The lease is over (timeout, rebuild, rollback): its units went back already.
                this.s.removals.queue(landed.item, record.identifier, () => undefined);
                return;
            }
            if (landed.placed) {
                const tx = this.s.store.transaction(pull.dbId, "spawner");
                if (exactId !== undefined) tx.consumeExactFromLease(pull.leaseId, pull.epoch, exactId);
                else tx.consumeFromLease(pull.leaseId, pull.epoch, key, 1);
                const consumed = tx.commit();
                if (!consumed.ok) problem("a fabricator ingredient could not be consumed from its lease: " + consumed.message);
                this.unitDone(pull);
            } else {
                // Landed elsewhere (no room after all): take it out of the world again; it returns.
                pull.misplaced++;
                this.s.removals.queue(landed.item, record.identifier, () => {
                    this.unitDone(pull);
                });
            }
        });
        if (!started.ok) {
            pull.waiting.delete(serial);
            pull.misplaced++;
            problem("cannot spawn " + record.identifier + ": " + started.message);
            this.unitDone(pull);
        }
    }

    private unitDone(pull: Pull): void {
        pull.outstanding--;
        if (pull.outstanding <= 0 && this.live(pull)) this.finish(pull);
    }

    private finish(pull: Pull): void {
        this.forget(pull);
        // Whatever was not placed returns to Working with the lease.
        this.s.store.closeLease(pull.leaseId, pull.epoch, "fabricator");
        this.onSettled(pull, pull.misplaced === 0);
    }

    private forget(pull: Pull): void {
        this.pulls.delete(pull.leaseId);
        if (this.byFab.get(pull.fabId) === pull.leaseId) this.byFab.delete(pull.fabId);
    }

    /** think: spawns that never arrived are given up; their units return. */
    sweep(): void {
        const now = this.s.now();
        const expired: Pull[] = [];
        let nExpired = 0;
        for (const [, pull] of this.pulls) {
            if (now - pull.startedAt > PULL_TIMEOUT) { expired[nExpired] = pull; nExpired++; }
        }
        for (const pull of expired) {
            warn(string.format("%d fabricator ingredient spawn(s) never arrived; their units went back to '%s'", pull.outstanding, pull.dbId));
            pull.misplaced += pull.outstanding;
            this.finish(pull);
        }
    }

    /**
     * Lua is stopping (reloadlua): spawns queued in this very update land after the restart with
     * nobody to account for them, so their units count as delivered now; older ones had their
     * chance and return with the lease (as Transfer.settleForStop does for extracts).
     */
    settleForStop(): void {
        const now = this.s.now();
        const all: Pull[] = [];
        let nAll = 0;
        for (const [, pull] of this.pulls) { all[nAll] = pull; nAll++; }
        for (const pull of all) {
            if (this.s.store.lease(pull.leaseId) !== undefined && now - pull.startedAt < SAME_UPDATE) {
                const tx = this.s.store.transaction(pull.dbId, "spawner (stop)");
                for (const [, unit] of pull.waiting) {
                    if (unit.exactId !== undefined) tx.consumeExactFromLease(pull.leaseId, pull.epoch, unit.exactId);
                    else tx.consumeFromLease(pull.leaseId, pull.epoch, unit.key, 1);
                }
                const consumed = tx.commit();
                if (consumed.ok) pull.deliveredAtStop = true;
                else problem("fabricator spawns queued at stop could not be counted as delivered: " + consumed.message);
            }
            this.forget(pull);
            this.s.store.closeLease(pull.leaseId, pull.epoch, "fabricator (stop)");
        }
    }

    /**
     * The first save step: spawns still queued are given up; the units not in place yet return
     * with the lease now, and an item the game still creates is removed again (its pull is over).
     */
    settleForSave(): void {
        const all: Pull[] = [];
        let n = 0;
        for (const [, pull] of this.pulls) {
            all[n] = pull;
            n++;
        }
        table.sort(all, (a, b) => a.leaseId < b.leaseId);
        for (const pull of all) {
            this.forget(pull);
            this.s.store.closeLease(pull.leaseId, pull.epoch, "fabricator (save)");
        }
    }

    /** A rebuild or rollback dropped every lease: forget the pulls (late items are removed again). */
    reset(): void {
        this.pulls = new LuaMap<number, Pull>();
        this.byFab = new LuaMap<number, number>();
    }
}

function plainRecord(key: ItemKey, taken: ConsumeResult): ItemRecord {
    for (const pick of taken.plan.picks) {
        if (pick.exactId === undefined && pick.key === key) return pick.record;
    }
    return { identifier: keyIdentifier(key), quality: keyQuality(key), condition: 100, stolen: false, outpost: "", contents: [] };
}
