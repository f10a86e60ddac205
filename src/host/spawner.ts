/**
 * Turning a record back into real items. Spawns are queued by the game and land on the next
 * update, so the result arrives in a callback, once the whole tree (the item and everything that
 * was inside it) exists. A spawn into a full inventory lands in the world instead: callers must
 * check `placed` and never assume.
 */
import type { ItemRecord } from "../core/record";
import { ok, refuse, Result } from "../core/result";
import { warn } from "./log";
import { toArray } from "./clr";
import { guarded } from "./guard";
import { itemPrefab } from "./itemPrefabs";

const SPAWN_CALLBACK = "spawn callback of ";

export interface SpawnResult {
    /** The root item, or undefined if the game never created it. */
    readonly item: Item;
    /** True when the root item landed in the requested inventory. */
    readonly placed: boolean;
    /** Nested items that could not go back into their container and lie in the world. */
    readonly strayChildren: number;
}

export function prefabFor(identifier: string): ItemPrefab | undefined {
    return itemPrefab(identifier);
}

function absoluteCondition(prefab: ItemPrefab, percent: number): number {
    const max = prefab.Health > 0 ? prefab.Health : 100;
    return (max * percent) / 100;
}

function applyUnitData(item: Item, record: ItemRecord): void {
    if (record.outpost !== "") {
        item.OriginalOutpost = record.outpost;
        item.AllowStealing = false;
    }
    if (record.stolen) item.StolenDuringRound = true;
}

/** Checks that every prefab in the tree is loaded before anything leaves the database. */
export function canSpawn(record: ItemRecord): Result<true> {
    if (prefabFor(record.identifier) === undefined) {
        return refuse("unknown_prefab", "no item prefab '" + record.identifier + "' is loaded");
    }
    for (const child of record.contents) {
        const inner = canSpawn(child.record);
        if (!inner.ok) return inner;
    }
    return ok(true);
}

/** Called for every item of a tree as it lands (the root first), before the tree is complete. */
export type OnLanded = (this: void, item: Item) => void;

/**
 * Spawns `record` into `target`. `marker`, if given, is added as a tag to the root item (leased
 * items carry their lease marker into the save). `done` runs once, after the whole tree landed;
 * `onItem`, if given, for each item of the tree as it lands (contents land on later updates).
 */
export function spawnRecord(
    record: ItemRecord,
    target: Inventory,
    marker: string | undefined,
    done: (this: void, result: SpawnResult) => void,
    onItem?: OnLanded,
): Result<true> {
    const check = canSpawn(record);
    if (!check.ok) return check;
    const prefab = prefabFor(record.identifier)!;
    // The game calls onSpawned unguarded inside EntitySpawner.Update (host/guard.ts): guard it.
    Entity.Spawner.AddItemToSpawnQueue(prefab, target, absoluteCondition(prefab, record.condition), record.quality, guarded(SPAWN_CALLBACK + record.identifier, (item: Item) => {
        applyUnitData(item, record);
        if (marker !== undefined) item.AddTag(marker);
        const placed = item.ParentInventory === target && !item.Removed;
        if (!placed) {
            // Nothing goes into an item that is about to be removed again.
            done({ item, placed: false, strayChildren: 0 });
            return;
        }
        if (onItem !== undefined && record.contents.length > 0) onItem(item);
        spawnContents(item, record, (stray) => {
            done({ item, placed: true, strayChildren: stray });
        }, onItem);
    }));
    return ok(true);
}

function spawnContents(parent: Item, record: ItemRecord, finished: (this: void, stray: number) => void, onItem?: OnLanded): void {
    if (record.contents.length === 0) {
        finished(0);
        return;
    }
    let outstanding = record.contents.length;
    let stray = 0;
    const inventories = toArray<ItemInventory>(parent.OwnInventories);
    for (const child of record.contents) {
        const inventory = inventories[child.container] ?? parent.OwnInventory;
        const prefab = prefabFor(child.record.identifier)!;
        const landed = guarded(SPAWN_CALLBACK + child.record.identifier, (item: Item): void => {
            applyUnitData(item, child.record);
            if (onItem !== undefined) onItem(item);
            if (inventory === undefined || item.ParentInventory !== inventory) {
                stray++;
                warn(string.format("a %s could not go back into its %s and lies beside it", child.record.identifier, record.identifier));
            } else if (inventory.FindIndex(item) !== child.slot) {
                // Put it back in the slot it came from when that slot takes it; otherwise it stays.
                inventory.TryPutItem(item, child.slot, false, false, undefined);
            }
            spawnContents(item, child.record, (innerStray) => {
                stray += innerStray;
                outstanding--;
                if (outstanding === 0) finished(stray);
            }, onItem);
        });
        if (inventory !== undefined) {
            Entity.Spawner.AddItemToSpawnQueue(prefab, inventory, absoluteCondition(prefab, child.record.condition), child.record.quality, landed);
        } else {
            Entity.Spawner.AddItemToSpawnQueue(prefab, parent.WorldPosition, absoluteCondition(prefab, child.record.condition), child.record.quality, landed);
        }
    }
}
