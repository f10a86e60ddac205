/**
 * Every function the mod hands to the game runs behind a guard: an error inside is caught, printed
 * once in a while with a clear prefix, and never reaches the game's own loop.
 *
 * Not every caller in the game catches (LuaCsForBarotrauma source):
 * - spawn callbacks: the Lua function becomes an Action<Item> (LuaConverters.RegisterAction<T>:
 *   `p => Call(function, p)`, no try/catch) that ItemSpawnInfo.OnSpawned invokes inside
 *   EntitySpawner.Update (SharedSource/Networking/EntitySpawner.cs): an error breaks the
 *   spawner's update and leaves the rest of the queue for later;
 * - GUI callbacks (OnClicked, OnSelected, ...): LuaConverters.RegisterHandler wraps them the same
 *   way, unguarded, inside the GUI update;
 * - hooks: LuaCsHook.Call catches per callback and logs "Error in Hook ...";
 * - patches: the generated Harmony prefix/postfix (LuaCsHook.CreateDynamicHarmonyPatch) catches,
 *   but an error skips the remaining Lua patches of that method, other mods' included, and
 *   discards every argument change;
 * - net receivers: LuaCsNetworking.HandleNetMessage catches and logs.
 * The guard makes all of them behave the same and keeps the mod's own error visible.
 */
import { problem } from "./log";
import { FailureReporter } from "../core/guard";

function clock(): number {
    const [ok, t] = pcall(() => Timer.GetTime());
    return ok && type(t) === "number" ? (t as number) : 0;
}

function emit(line: string): void {
    const printerror = (_G as unknown as { printerror?: (this: void, message: string) => void }).printerror;
    if (type(printerror) === "function") {
        printerror!(line);
    } else {
        problem(line);
    }
}

const reporter = new FailureReporter(clock, emit);

/** Prints a caught error of `where` (at most once per interval per place). */
export function reportFailure(where: string, err: unknown): void {
    reporter.report(where, err);
}

/**
 * `fn` behind a guard: its results pass through unchanged (hook return values decide things);
 * an error is reported and the guarded call returns nil.
 */
export function guarded<A extends unknown[], R>(where: string, fn: (this: void, ...args: A) => R): (this: void, ...args: A) => R | undefined {
    return reporter.guarded(where, fn);
}

/** `guarded` for a callback whose caller needs a value of its type: `fallback` after an error. */
export function guardedOr<A extends unknown[], R>(where: string, fallback: R, fn: (this: void, ...args: A) => R): (this: void, ...args: A) => R {
    return reporter.guardedOr(where, fallback, fn);
}

/** Hook.Add with a guarded callback. */
export function addHook(eventName: string, id: string, fn: (this: void, ...args: any[]) => unknown): void {
    Hook.Add(eventName, id, guarded("hook " + eventName + " (" + id + ")", fn));
}

/**
 * Hook.Patch with a guarded callback (FailureReporter.patchCallback: it returns nothing at all).
 * Throws (a string) when the method cannot be resolved, as Hook.Patch does.
 */
export function addPatch(id: string, className: string, method: string, params: string[] | undefined, fn: PatchCallback, hookType: HookMethodType): void {
    const wrapped: PatchCallback = reporter.patchCallback("patch " + className + "." + method + " (" + id + ")", fn);
    if (params !== undefined) {
        Hook.Patch(id, className, method, params, wrapped, hookType);
    } else {
        Hook.Patch(id, className, method, wrapped, hookType);
    }
}

/** Networking.Receive with a guarded handler. */
export function receive(name: string, fn: (this: void, msg: IReadMessage, client: Client | undefined) => void): void {
    Networking.Receive(name, guarded("net message " + name, fn));
}
