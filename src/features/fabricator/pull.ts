/**
 * Pulls: a recipe's missing ingredients taken from a database in ONE consume (all or nothing)
 * into one spawner lease, then delivered into the fabricator's input container by the host's
 * delivery primitive (host/delivery.ts): each unit is consumed from the lease when its item has
 * landed there, so a save in between holds every unit exactly once; a unit that lands anywhere
 * else is removed again and returns; spawns the game never performs return after its timeout; a
 * rebuild or rollback drops the lease (the loaded save is the truth) and late items are removed
 * again. When the last unit is settled, `onSettled` says whether every unit is in place.
 */
import type { HostServices } from "../../host/runtime";
import type { ConsumeRequest, ConsumeResult } from "../../core/consume";
import { consume } from "../../core/consume";
import type { ItemKey } from "../../core/keys";
import { plainRecordOf } from "../../core/entries";
import type { ItemRecord } from "../../core/record";
import { refuse } from "../../core/result";
import type { Result } from "../../core/result";
import { SAVING_CODE, SAVING_MESSAGE } from "../../host/savePhases";
import { Deliveries } from "../../host/delivery";
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
    readonly fabId: number;
    readonly units: number;
}

const OWNER_PREFIX = "spawn:fabricator:";

export class FabricatorPulls {
    /** Its units on their way (the think sweep and the save phases drive it). */
    readonly deliveries: Deliveries<Pull>;
    /** Fabricator item id -> the lease of its pull (on its way while that delivery is). */
    private byFab = new LuaMap<number, number>();

    constructor(
        private readonly s: HostServices,
        onSettled: (this: void, pull: Pull, complete: boolean) => void,
    ) {
        this.deliveries = new Deliveries<Pull>(s.store, s.removals, s.now, {
            sources: { settled: "fabricator", timeout: "fabricator", stop: "fabricator (stop)", save: "fabricator (save)" },
            what: "fabricator ingredient spawn(s)",
            unit: "a fabricator ingredient",
            // A misplaced ingredient the game already removed waits for the timeout (as it did).
            settleRemovedMisplacedAtOnce: false,
            onSettled: (delivery, complete) => onSettled(delivery.data, complete),
        });
    }

    /** True while a pull for fabricator item `fabId` is on its way. */
    busy(fabId: number): boolean {
        const leaseId = this.byFab.get(fabId);
        if (leaseId === undefined) return false;
        if (this.deliveries.has(leaseId)) return true;
        this.byFab.delete(fabId);
        return false;
    }

    inFlight(): number {
        return this.deliveries.inFlight();
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
        const pull: Pull = { ...req, fabId, units: taken.value.plan.units };
        this.byFab.set(fabId, lease.id);
        this.deliveries.start(lease.id, lease.epoch, req.dbId, req.fab.InputContainer.Inventory, pull, (key) => recordOf(key, taken.value));
        return taken;
    }

    /** A rebuild or rollback dropped every lease: forget the pulls (late items are removed again). */
    reset(): void {
        this.deliveries.reset();
        this.byFab = new LuaMap<number, number>();
    }
}

/** The record the plan picked for a counted unit (its condition), else the plain one. */
function recordOf(key: ItemKey, taken: ConsumeResult): ItemRecord {
    for (const pick of taken.plan.picks) {
        if (pick.exactId === undefined && pick.key === key) return pick.record;
    }
    return plainRecordOf(key);
}
