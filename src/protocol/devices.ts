/**
 * The device prefab identifiers and tags, each spelled once, and small predicates on them.
 *
 * Pure: identifiers and tag strings in, answers out. Reading them off an item (its prefab, its
 * Tags) is the caller's part (host/devices.ts on the server, the client's own adapter).
 * Identifiers are the lower-case prefab identifiers of mod/Items/*.xml and of the vanilla
 * fabricators; compare them with an identifier already lowered (Identifier compares
 * case-insensitively).
 */

/** A device is bound to a database by an item tag `dbid:<name>` (no tag: "default"). */
export const DB_TAG_PREFIX = "dbid:";
/** Newer devices carry this tag; it also marks an item as a device for the policy. */
export const DEVICE_TAG = "dbio_device";

export const CORE = "databasecore";
export const HANDHELD_TERMINAL = "databaseterminal";
export const FIXED_TERMINAL = "databaseterminalfixed";
export const INTERFACE = "databaseinterface";
export const FIXED_INTERFACE = "databaseinterfacefixed";
export const UNPACK_INTERFACE = "databaseunpackinterface";
export const FIXED_UNPACK_INTERFACE = "databaseunpackinterfacefixed";
export const RESTOCKER = "databaserestocker";
/** Vanilla fabricators fed without a tag; any other fabricator item opts in with a dbid: tag. */
export const FABRICATOR = "fabricator";
export const MEDICAL_FABRICATOR = "medicalfabricator";

export type TerminalKind = "handheld" | "fixed";

/** Which terminal an identifier is, undefined when it is none. */
export function terminalKindOf(identifier: string): TerminalKind | undefined {
    if (identifier === HANDHELD_TERMINAL) return "handheld";
    if (identifier === FIXED_TERMINAL) return "fixed";
    return undefined;
}

export function isTerminalIdentifier(identifier: string): boolean {
    return terminalKindOf(identifier) !== undefined;
}

/** The mod's device prefabs (mod/Items/*.xml) that a client may not retag; not the core. */
const DEVICES = new LuaSet<string>();
for (const id of [INTERFACE, FIXED_INTERFACE, UNPACK_INTERFACE, FIXED_UNPACK_INTERFACE, RESTOCKER, HANDHELD_TERMINAL, FIXED_TERMINAL]) {
    DEVICES.add(id);
}

/** Interfaces, unpack interfaces, the restocker and the terminals (not the core). */
export function isDeviceIdentifier(identifier: string): boolean {
    return DEVICES.has(identifier);
}

/** Does this item tag list (Item.Tags, comma separated) carry a `dbid:` tag (any case)? */
export function hasDatabaseTag(tags: string | undefined): boolean {
    if (tags === undefined || tags === "") return false;
    const [at] = string.find(string.lower(tags), DB_TAG_PREFIX, 1, true);
    return at !== undefined;
}

/** A fabricator fed from a database: a vanilla fabricator, or any item bound with a dbid: tag. */
export function isFedFabricatorIdentity(identifier: string, tags: string | undefined): boolean {
    if (identifier === FABRICATOR || identifier === MEDICAL_FABRICATOR) return true;
    return hasDatabaseTag(tags);
}
