/**
 * The host adapter's composition root: builds the store and every host service, wires them to
 * the game, and exposes them to the features and the public API. Only the side that owns the data
 * (a server, or the game itself in singleplayer) builds any of this.
 */
import { DatabaseStore } from "../core/store";
import { LifecycleBinding } from "./lifecycle";
import { RemovalLedger } from "./removals";
import { Transfer } from "./transfer";
import { SavePhases } from "./savePhases";
import { IngestPolicy } from "./policy";
import { AuditLog } from "./audit";
import { loadConfig } from "./config";
import { problem } from "./log";
import { registerCommands } from "./commands";
import { installPropertyGuard } from "./propertyGuard";
import { addHook } from "./guard";
import { itemPrefab } from "./itemPrefabs";

export interface HostServices {
    readonly store: DatabaseStore;
    readonly lifecycle: LifecycleBinding;
    readonly removals: RemovalLedger;
    readonly transfer: Transfer;
    readonly audit: AuditLog;
    readonly policy: IngestPolicy;
    /** Save phases: devices settle and freeze from the first save step (savePhases.ts). */
    readonly phases: SavePhases;
    /** Lease owners that still exist (terminals register theirs); verify reports the others. */
    readonly leaseOwners: LuaMap<string, true>;
    readonly now: (this: void) => number;
}

const HOOK = "databaseio.host.";

export function now(): number {
    return Timer.GetTime();
}

/** True where the database lives: a server, or singleplayer (CLIENT only, no network). */
export function isAuthority(): boolean {
    return SERVER || (CLIENT && Game.IsSingleplayer);
}

export function startHost(): HostServices {
    const config = loadConfig();
    const store = new DatabaseStore({
        isKnownIdentifier: (identifier) => itemPrefab(identifier) !== undefined,
        limits: () => ({ maxUnits: config.maxUnits, maxKeys: config.maxKeys }),
        onListenerError: (message) => problem(message),
    });
    const removals = new RemovalLedger();
    const phases = new SavePhases();
    const lifecycle = new LifecycleBinding(store, now, true, phases);
    const policy = new IngestPolicy(store);
    const transfer = new Transfer(store, removals, policy, now, phases);
    const audit = new AuditLog();
    const leaseOwners = new LuaMap<string, true>();
    const services: HostServices = { store, lifecycle, removals, transfer, audit, policy, leaseOwners, phases, now };

    store.subscribe("databaseio.audit", (event) => {
        audit.record(event, now());
    });
    // Spawns still queued are given up (save) or counted (stop); then every pending removal
    // settles, after the devices queued theirs and before anything is encoded.
    phases.on("spawns", "transfer", (reason) => {
        transfer.deliveries.settleFor(reason);
    });
    phases.on("removals", "removals", (reason) => {
        if (reason === "stop") removals.settleCallbacksOnly();
        else removals.settleAll();
    });
    lifecycle.afterRebuild.add("transfer", () => {
        removals.clear();
        transfer.reset();
    });
    // A player puts nothing into an item on its way out (removals.ts). Players' puts name them
    // (Inventory.ServerEventRead passes sender.Character); the spawner's and the mod's own do not
    // and are left alone. Returns nothing unless it refuses: the last non-nil result of all
    // inventoryPutItem hooks decides (LuaCs Hook.Call).
    addHook("inventoryPutItem", HOOK + "removals", (inventory: Inventory, _item: Item, user: Character | undefined) => {
        if (inventory !== undefined && user !== undefined && user !== null && removals.refusesPut(inventory)) return true;
    });
    // A swap must be refused whole: Inventory.TrySwapping takes both items out of their slots
    // first and puts each back through TryPutItem, and a put the hook above refuses returns
    // early in PutItem while TryPutItem reports success, so the item would end up in no slot
    // (and in no save). The inventoryItemSwap hook runs before anything moves; false cancels.
    addHook("inventoryItemSwap", HOOK + "removals", (inventory: Inventory, item: Item, user: Character | undefined) => {
        if (user === undefined || user === null || inventory === undefined || item === undefined) return undefined;
        const from = item.ParentInventory;
        if (removals.refusesPut(inventory) || (from !== undefined && removals.refusesPut(from))) return false;
        return undefined;
    });
    addHook("item.removed", HOOK + "removals", (item: Item) => {
        removals.onItemRemoved(item, Submarine.Unloading === true);
    });
    addHook("think", HOOK + "sweep", () => {
        transfer.deliveries.sweep();
    });
    lifecycle.install();
    installPropertyGuard(now);
    registerCommands({
        store,
        lifecycle,
        audit,
        transfer,
        now,
        // Spawner leases live for a few updates only; any other owner must be registered.
        isLiveLeaseOwner: (owner) => string.sub(owner, 1, 6) === "spawn:" || leaseOwners.has(owner),
    });
    return services;
}

// Devices are installed by src/features/index.ts (installFeatures), called from src/main.ts:
// features depend on the host, never the other way round.
