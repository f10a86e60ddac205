/**
 * What the database knows about one real item. Pure data: the host converts game items to and
 * from these records; the core never sees a game object.
 */
export interface ItemRecord {
    /** Prefab identifier, lower case (Barotrauma identifiers are case-insensitive). */
    readonly identifier: string;
    /** Integer quality level (0 = normal). */
    readonly quality: number;
    /** Condition as a percentage of the prefab's max condition, 0..100, two decimals kept. */
    readonly condition: number;
    /** The unit was stolen (or is outpost property taken out of its outpost). */
    readonly stolen: boolean;
    /** Original outpost name for stolen goods, "" when none. May be any text (e.g. Chinese). */
    readonly outpost: string;
    /** Items inside this one, each with the index of the inner container and slot it came from. */
    readonly contents: readonly ContainedRecord[];
}

export interface ContainedRecord {
    /** 0-based index of the ItemContainer component (item.OwnInventories order). */
    readonly container: number;
    /** 0-based slot index inside that container. */
    readonly slot: number;
    readonly record: ItemRecord;
}

/** Units under one key are interchangeable: full condition, no contents, no per-unit data. */
export function isPlainRecord(r: ItemRecord): boolean {
    return r.condition >= 100 && r.contents.length === 0 && !r.stolen && r.outpost === "";
}
