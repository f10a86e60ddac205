/**
 * Converting a real item (and everything inside it) into an ItemRecord. Spawning records back into
 * the world is in spawner.ts.
 */
import type { ContainedRecord, ItemRecord } from "../core/record";
import { prefabIdOf } from "./devices";
import { toArray } from "./clr";

function roundPercent(value: number): number {
    if (value !== value) return 0; // NaN
    if (value <= 0) return 0;
    if (value >= 100) return 100;
    return math.floor(value * 100 + 0.5) / 100;
}

export function conditionPercentOf(item: Item): number {
    if (item.MaxCondition <= 0) return 100;
    return roundPercent((item.Condition / item.MaxCondition) * 100);
}

export function readRecord(item: Item): ItemRecord {
    const outpost = item.OriginalOutpost ?? "";
    const contents: ContainedRecord[] = [];
    let nContents = 0;
    const inventories = toArray<ItemInventory>(item.OwnInventories);
    {
        for (let c = 0; c < inventories.length; c++) {
            const inventory = inventories[c];
            for (let slot = 0; slot < inventory.Capacity; slot++) {
                for (const child of toArray<Item>(inventory.GetItemsAt(slot))) {
                    contents[nContents] = { container: c, slot, record: readRecord(child) };
                    nContents++;
                }
            }
        }
    }
    return {
        identifier: prefabIdOf(item),
        quality: item.Quality ?? 0,
        condition: conditionPercentOf(item),
        stolen: item.StolenDuringRound === true || outpost !== "",
        outpost,
        contents,
    };
}

/** Units of a record including everything nested in it (a toolbox with 5 wrenches is 6). */
export function unitsIn(record: ItemRecord): number {
    let n = 1;
    for (const child of record.contents) n += unitsIn(child.record);
    return n;
}

/**
 * Everything a record keeps that makes units what they are, as one string: identifier, quality,
 * condition, stolen, outpost and the contents (by inner container, in a fixed order). The slot a
 * child lies in is left out: moving an item within its container changes no unit.
 */
export function recordSignature(record: ItemRecord): string {
    let head = string.format("%s|%d|%.2f|%s|%s", record.identifier, record.quality, record.condition, record.stolen ? "s" : "", record.outpost);
    if (record.contents.length === 0) return head;
    const inner: string[] = [];
    let n = 0;
    for (const child of record.contents) {
        inner[n] = string.format("%d:", child.container) + recordSignature(child.record);
        n++;
    }
    table.sort(inner);
    head = head + "{" + table.concat(inner, ",") + "}";
    return head;
}

/** The signature of the record `item` would give now (see recordSignature). */
export function itemSignature(item: Item): string {
    return recordSignature(readRecord(item));
}

/** Every item inside `item`, in every one of its containers, at any depth, appended to `out`. */
export function nestedItems(item: Item, out: Item[]): Item[] {
    collectNested(item, out, out.length);
    return out;
}

function collectNested(item: Item, out: Item[], n: number): number {
    const inventories = toArray<ItemInventory>(item.OwnInventories);
    for (let c = 0; c < inventories.length; c++) {
        for (const child of toArray<Item>(inventories[c].AllItemsMod)) {
            out[n] = child;
            n++;
            n = collectNested(child, out, n);
        }
    }
    return n;
}
