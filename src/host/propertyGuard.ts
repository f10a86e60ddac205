/**
 * Networked property edits on the mod's devices (`item.readPropertyChange`, server side).
 *
 * A device's database binding is its `dbid:` tag. Retagging in game would let a player move a
 * terminal or an interface onto a database the crew never wired it to, so the binding is a
 * submarine-editor decision only: an edit of `Tags` on a device sent by a client is refused and
 * logged (once per client and interval). The Database Core refuses every edit (lifecycle.ts);
 * those refusals are logged here too.
 * Hook arguments (LuaCs Item.ReadPropertyChange): item, property (SerializableProperty, whose
 * public field `Name` LuaCs type dumps list), parentObject, allowEditing, sender client.
 */
import { prefabIdOf } from "./devices";
import { CORE, DEVICE_TAG, isDeviceIdentifier } from "../protocol/devices";
import { once } from "./log";
import { addHook } from "./guard";

const HOOK = "databaseio.host.propertyGuard";
/** Seconds between two log lines for the same client and reason. */
const LOG_INTERVAL = 30;

/** Properties of a device that a client may never change over the network. */
const PROTECTED: { readonly [property: string]: true | undefined } = {
    tags: true,
};

function isDevice(item: Item): boolean {
    return isDeviceIdentifier(prefabIdOf(item)) || item.HasTag(DEVICE_TAG);
}

function propertyName(property: unknown): string {
    if (property === undefined || property === null) return "";
    const [success, name] = pcall(() => (property as SerializableProperty).Name);
    if (!success || type(name) !== "string") return "";
    return string.lower(name as string);
}

/** True when the edit must be refused. Never raises: an unreadable edit is refused. */
export function refuseDeviceEdit(item: unknown, property: unknown, client: Client | undefined, now: number): boolean {
    const [success, refused] = pcall(() => {
        if (item === undefined || item === null) return false;
        const core = prefabIdOf(item as Item) === CORE;
        if (!core && !isDevice(item as Item)) return false;
        const name = propertyName(property);
        // The core refuses every edit in lifecycle.ts; here it is only reported.
        if (!core && PROTECTED[name] !== true) return false;
        const who = client === undefined ? "?" : string.format("%s (%d)", client.Name, client.SessionId);
        const whoKey = client === undefined ? "?" : string.format("%d", client.SessionId);
        once(
            "property:" + whoKey + ":" + name,
            now,
            LOG_INTERVAL,
            core
                ? string.format("refused: client %s tried to change '%s' of Database Core %d (the stored database is never edited by players)", who, name, (item as Item).ID)
                : string.format("refused: client %s tried to change '%s' of %s %d (device bindings are set in the submarine editor)", who, name, prefabIdOf(item as Item), (item as Item).ID),
        );
        return true;
    });
    return !success || refused === true;
}

export function installPropertyGuard(now: (this: void) => number): void {
    if (!SERVER) return;
    addHook("item.readPropertyChange", HOOK, (item: unknown, property: unknown, _parent: unknown, _allow: unknown, client: Client | undefined) => {
        if (refuseDeviceEdit(item, property, client, now())) return true;
        return undefined;
    });
}
