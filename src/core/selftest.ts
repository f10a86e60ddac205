/**
 * Test-only probes for the compiled output. MoonSharp's error() accepts only strings and has no
 * debug.getinfo, so a thrown Error object only survives thanks to the compatibility prelude
 * (plugins/moonsharp-compat.js). The build specs call these through the per-file modules and
 * through the shipped bundle to prove that throw/catch keeps working there. Nothing in the mod
 * calls them.
 */

/** Throws an Error carrying `message` and returns the message seen by the catch block. */
export function throwAndCatch(message: string): string {
    try {
        throw new Error(message);
    } catch (e) {
        if (e instanceof Error) return e.message;
        return describeNonError(e);
    }
}

/** Throws a plain string and returns what the catch block received. */
export function throwStringAndCatch(message: string): string {
    try {
        throw message;
    } catch (e) {
        if (typeof e === "string") return e;
        return describeNonError(e);
    }
}

/** A thrown Error passes through a function that does not catch it and keeps its class. */
export function rethrowThroughCall(message: string): string {
    try {
        failWith(message);
    } catch (e) {
        if (e instanceof RangeError) return "RangeError: " + e.message;
        if (e instanceof Error) return "Error: " + e.message;
        return describeNonError(e);
    }
    return "not thrown";
}

function failWith(message: string): void {
    throw new RangeError(message);
}

function describeNonError(e: unknown): string {
    return "caught a " + typeof e + " instead of an Error";
}
