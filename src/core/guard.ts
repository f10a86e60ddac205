/**
 * The pure part of the callback guard: a failure reporter that prints the same failing place at
 * most once per interval (counting what it held back), and wrappers that run a function under
 * pcall and report its error. The clock and the printer are given by the side that uses it
 * (host/guard.ts on the server, client/game.ts on a client): this module knows no game.
 */

/** Seconds between two reports of the same failing place. */
const REPORT_INTERVAL = 10;

interface FailureLog {
    last: number;
    suppressed: number;
}

export class FailureReporter {
    private readonly failures = new LuaMap<string, FailureLog>();

    constructor(private readonly clock: (this: void) => number, private readonly emit: (this: void, line: string) => void) {}

    /** Prints a caught error of `where` (at most once per REPORT_INTERVAL per place). */
    report(where: string, err: unknown): void {
        const now = this.clock();
        const log = this.failures.get(where);
        if (log !== undefined && now - log.last < REPORT_INTERVAL && now >= log.last) {
            log.suppressed++;
            return;
        }
        const more = log !== undefined && log.suppressed > 0 ? string.format(" (%d more since the last report)", log.suppressed) : "";
        this.failures.set(where, { last: now, suppressed: 0 });
        this.emit(string.format("[DatabaseIO] ERROR in %s%s: %s", where, more, tostring(err)));
    }

    /**
     * `fn` behind a guard: its results pass through unchanged (hook return values decide things);
     * an error is reported and the guarded call returns nil.
     */
    guarded<A extends unknown[], R>(where: string, fn: (this: void, ...args: A) => R): (this: void, ...args: A) => R | undefined {
        return (...args: A) => {
            const [ok, result] = pcall(fn, ...args);
            if (ok) return result as R;
            this.report(where, result);
            return undefined;
        };
    }

    /** `guarded` for a callback whose caller needs a value of its type: `fallback` after an error. */
    guardedOr<A extends unknown[], R>(where: string, fallback: R, fn: (this: void, ...args: A) => R): (this: void, ...args: A) => R {
        return (...args: A) => {
            const [ok, result] = pcall(fn, ...args);
            if (ok) return result as R;
            this.report(where, result);
            return fallback;
        };
    }

    /**
     * A patch callback behind a guard that returns nothing at all: a patch callback that returns a
     * value, even nil, replaces the method's return value (LuaCsHook.CreateDynamicHarmonyPatch: a
     * non-void result is converted and stored into __result).
     */
    patchCallback<I, P>(where: string, fn: (this: void, instance: I, ptable: P) => unknown): (this: void, instance: I, ptable: P) => void {
        return (instance: I, ptable: P) => {
            const [ok, err] = pcall(fn, instance, ptable);
            if (!ok) this.report(where, err);
        };
    }
}
