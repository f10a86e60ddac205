/**
 * Rules for what may enter the store: well-formed keys and records, the key of an exact entry, and
 * the record a plain (aggregated) unit materialises as.
 */
import { ItemKey, keyIdentifier, keyQuality, makeKey } from "./keys";
import type { ItemRecord } from "./record";
import type { ExactEntry } from "./snapshotTypes";
import { ok, refuse, Result } from "./result";

/** Qualities above this are not a game value; refusing them keeps keys short and formatting safe. */
export const MAX_QUALITY = 99;
/** Nested contents deeper than this are refused (a real item tree is a few levels deep). */
const MAX_DEPTH = 16;
/** Container and slot indices are small; this only rejects nonsense. */
const MAX_INDEX = 65535;

function isWholeInRange(n: unknown, low: number, high: number): boolean {
    if (type(n) !== "number") return false;
    const value = n as number;
    return value >= low && value <= high && math.floor(value) === value;
}

export function isWellFormedIdentifier(identifier: unknown): boolean {
    if (type(identifier) !== "string") return false;
    const text = identifier as string;
    if (text === "" || string.lower(text) !== text) return false;
    const [hash] = string.find(text, "#", 1, true);
    return hash === undefined;
}

/** A key is "identifier#quality" exactly as makeKey writes it. */
export function isWellFormedKey(key: unknown): key is ItemKey {
    if (type(key) !== "string") return false;
    const text = key as string;
    const [hash] = string.find(text, "#", 1, true);
    if (hash === undefined) return false;
    const identifier = keyIdentifier(text);
    const quality = tonumber(string.sub(text, hash + 1));
    if (!isWellFormedIdentifier(identifier) || !isWholeInRange(quality, 0, MAX_QUALITY)) return false;
    return makeKey(identifier, keyQuality(text)) === text;
}

export function checkRecord(record: unknown, depth = 0): Result<true> {
    if (type(record) !== "table") return refuse("invalid_record", "the item record is missing");
    const r = record as ItemRecord;
    if (!isWellFormedIdentifier(r.identifier)) {
        return refuse("invalid_record", "the item record has no valid lower-case identifier");
    }
    if (!isWholeInRange(r.quality, 0, MAX_QUALITY)) {
        return refuse("invalid_record", "the quality of '" + r.identifier + "' is not a whole number from 0 to 99");
    }
    if (type(r.condition) !== "number" || !(r.condition >= 0 && r.condition <= 100)) {
        return refuse("invalid_record", "the condition of '" + r.identifier + "' is not a percentage from 0 to 100");
    }
    if (type(r.stolen) !== "boolean" || type(r.outpost) !== "string" || type(r.contents) !== "table") {
        return refuse("invalid_record", "the record of '" + r.identifier + "' is incomplete");
    }
    if (r.contents.length > 0 && depth >= MAX_DEPTH) {
        return refuse("invalid_record", "the contents of '" + r.identifier + "' are nested too deeply");
    }
    for (const inner of r.contents) {
        if (type(inner) !== "table" || !isWholeInRange(inner.container, 0, MAX_INDEX) || !isWholeInRange(inner.slot, 0, MAX_INDEX)) {
            return refuse("invalid_record", "the contents of '" + r.identifier + "' have an invalid container or slot");
        }
        const nested = checkRecord(inner.record, depth + 1);
        if (!nested.ok) return nested;
    }
    return ok(true);
}

export function keyOfRecord(record: ItemRecord): ItemKey {
    return makeKey(record.identifier, record.quality);
}

export function keyOfEntry(entry: ExactEntry): ItemKey {
    return makeKey(entry.record.identifier, entry.record.quality);
}

/** What one aggregated unit of `key` is: full condition, no contents, nothing special. */
export function plainRecordOf(key: ItemKey): ItemRecord {
    return {
        identifier: keyIdentifier(key),
        quality: keyQuality(key),
        condition: 100,
        stolen: false,
        outpost: "",
        contents: [],
    };
}
