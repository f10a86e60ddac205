/**
 * The marker a leased item carries while it sits in a terminal page: the tag
 * `dbio_lease:<nonce>:<leaseId>:<epoch>`. Item.Tags is saved with the item, so a page captured
 * into a save can be recognised on load. Lease ids restart at 1 in a new Lua state, so the marker
 * also names the Lua state (`nonce`) that issued it: a marker from another state never matches a
 * live lease.
 */
export const MARKER_PREFIX = "dbio_lease:";

export interface Marker {
    readonly nonce: string;
    readonly leaseId: number;
    readonly epoch: number;
}

export function makeMarker(nonce: string, leaseId: number, epoch: number): string {
    return string.format("%s%s:%d:%d", MARKER_PREFIX, nonce, leaseId, epoch);
}

/**
 * Splits a comma list with one gmatch (tags may hold any text: the only pattern class is "not a
 * comma", which compares UTF-16 units as they are, docs/platform.md). Empty parts are dropped.
 */
export function splitTags(tags: string | undefined): string[] {
    const list: string[] = [];
    let nList = 0;
    if (tags === undefined || tags === "") return list;
    for (const [part] of string.gmatch(tags + ",", "([^,]*),")) {
        if (part !== "") { list[nList] = part; nList++; }
    }
    return list;
}

function isMarkerTag(tag: string): boolean {
    return string.lower(string.sub(tag, 1, MARKER_PREFIX.length)) === MARKER_PREFIX;
}

/** The item's lease marker tag, if it has one. */
export function markerTagOf(item: Item): string | undefined {
    for (const tag of splitTags(item.Tags)) {
        if (isMarkerTag(tag)) return tag;
    }
    return undefined;
}

/** Reads a marker tag; undefined when it is not a well-formed marker. */
export function parseMarker(tag: string): Marker | undefined {
    if (!isMarkerTag(tag)) return undefined;
    const rest = string.sub(tag, MARKER_PREFIX.length + 1);
    const parts: string[] = [];
    let nParts = 0;
    for (const [part] of string.gmatch(rest + ":", "([^:]*):")) {
        parts[nParts] = part;
        nParts++;
    }
    if (parts.length !== 3 || parts[0] === "") return undefined;
    const leaseId = tonumber(parts[1]);
    const epoch = tonumber(parts[2]);
    if (leaseId === undefined || epoch === undefined) return undefined;
    return { nonce: string.lower(parts[0]), leaseId, epoch };
}

/** Removes every lease marker from the item's tags (the other tags stay in their order). */
export function stripMarker(item: Item): boolean {
    const tags = splitTags(item.Tags);
    const kept: string[] = [];
    let nKept = 0;
    for (const tag of tags) {
        if (!isMarkerTag(tag)) { kept[nKept] = tag; nKept++; }
    }
    if (kept.length === tags.length) return false;
    item.Tags = table.concat(kept, ",");
    return true;
}
