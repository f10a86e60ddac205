/**
 * Database Core items: the only place a database is persisted. The encoded database lives in the
 * core's MemoryComponent `Value`, which the game saves with the item when it captures the
 * submarine.
 */
import { ok, refuse, Result } from "../core/result";
import { databaseIdOf, prefabIdOf } from "./devices";
import { toArray } from "./clr";
import { CORE } from "../protocol/devices";

export interface CoreItem {
    readonly item: Item;
    readonly anchorId: number;
    readonly dbId: string;
}

export function isCore(item: Item): boolean {
    return prefabIdOf(item) === CORE;
}

export function coreOf(item: Item): CoreItem {
    return { item, anchorId: item.ID, dbId: databaseIdOf(item) };
}

/** Every live core. Item.ItemList is O(n), so this runs at round start and on commands only. */
export function findCores(): CoreItem[] {
    const found: CoreItem[] = [];
    let nFound = 0;
    for (const item of toArray<Item>(Item.ItemList)) {
        if (!item.Removed && isCore(item)) { found[nFound] = coreOf(item); nFound++; }
    }
    table.sort(found, (a, b) => a.anchorId < b.anchorId);
    return found;
}

export function readBlob(item: Item): string {
    const memory = item.GetComponentString("MemoryComponent");
    if (memory === undefined) return "";
    const value = memory.Value;
    return value === undefined ? "" : value;
}

/**
 * Writes a blob and reads it back: the MemoryComponent setter silently truncates anything longer
 * than its maxvaluelength, and a truncated blob must never be left behind as if it were saved.
 */
export function writeBlob(item: Item, blob: string): Result<true> {
    const memory = item.GetComponentString("MemoryComponent");
    if (memory === undefined) {
        return refuse("no_memory", "the Database Core has no MemoryComponent (item XML changed?)");
    }
    if (blob.length > memory.MaxValueLength) {
        return refuse(
            "too_large",
            string.format("the database needs %d characters but the core holds %d", blob.length, memory.MaxValueLength),
        );
    }
    const previous = memory.Value;
    memory.Value = blob;
    if (memory.Value !== blob) {
        memory.Value = previous;
        return refuse("write_failed", "the core did not keep the written value");
    }
    return ok(true);
}
