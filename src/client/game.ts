/**
 * The client's own adapter to the game: guarded hooks, patches, net receivers and GUI callbacks,
 * prefab lookup by identifier, and whether an item is a fed fabricator. The client imports only
 * src/protocol and src/core besides its own files; everything here that touches LuaCs stays here.
 *
 * Guards: the same FailureReporter (core/guard.ts) as the server's host/guard.ts; why every
 * callback needs one is told there (LuaConverters.RegisterHandler runs GUI callbacks unguarded).
 */
import { FailureReporter } from "../core/guard";
import { IdentifierIndex } from "../core/identifierIndex";
import { isFedFabricatorIdentity } from "../protocol/devices";

const reporter = new FailureReporter(
    () => {
        const [ok, t] = pcall(() => Timer.GetTime());
        return ok && type(t) === "number" ? (t as number) : 0;
    },
    (line) => {
        const printerror = (_G as unknown as { printerror?: (this: void, message: string) => void }).printerror;
        if (type(printerror) === "function") printerror!(line);
        else print(line);
    },
);

/** `fn` behind the guard; `fallback` after an error (GUI callbacks whose caller needs a value). */
export function guardedOr<A extends unknown[], R>(where: string, fallback: R, fn: (this: void, ...args: A) => R): (this: void, ...args: A) => R {
    return reporter.guardedOr(where, fallback, fn);
}

/** Hook.Add with a guarded callback. */
export function addHook(eventName: string, id: string, fn: (this: void, ...args: any[]) => unknown): void {
    Hook.Add(eventName, id, reporter.guarded("hook " + eventName + " (" + id + ")", fn));
}

/** Hook.Patch with a guarded callback that returns nothing; throws when the method is unknown. */
export function addPatch(id: string, className: string, method: string, params: string[] | undefined, fn: PatchCallback, hookType: HookMethodType): void {
    const wrapped: PatchCallback = reporter.patchCallback("patch " + className + "." + method + " (" + id + ")", fn);
    if (params !== undefined) Hook.Patch(id, className, method, params, wrapped, hookType);
    else Hook.Patch(id, className, method, wrapped, hookType);
}

/** Networking.Receive with a guarded handler. */
export function receive(name: string, fn: (this: void, msg: IReadMessage) => void): void {
    Networking.Receive(name, reporter.guarded("net message " + name, fn));
}

/**
 * The loaded item prefab with exactly this identifier (any case). Not ItemPrefab.GetItemPrefab,
 * which matches display names first (see host/itemPrefabs.ts): the prefab collection read into an
 * index, read again at every round start.
 */
const prefabs = new IdentifierIndex<ItemPrefab>((add) => {
    const all = (_G as unknown as { ItemPrefab?: typeof ItemPrefab }).ItemPrefab;
    if (all !== undefined) for (const prefab of all.Prefabs) add(prefab.Identifier.Value, prefab);
});
let prefabsHooked = false;

export function itemPrefab(identifier: string): ItemPrefab | undefined {
    if (!prefabsHooked && (_G as unknown as { Hook?: unknown }).Hook !== undefined) {
        prefabsHooked = true;
        addHook("roundStart", "databaseio.client.itemprefabs", () => {
            prefabs.reset();
        });
    }
    return prefabs.get(identifier);
}

/** The item's prefab identifier, lower case. */
export function identifierOf(item: Item): string {
    return string.lower(item.Prefab.Identifier.Value);
}

/** A fabricator fed from a database (the server's rule: protocol/devices.ts). */
export function isFedFabricator(item: Item): boolean {
    return isFedFabricatorIdentity(identifierOf(item), item.Tags);
}
