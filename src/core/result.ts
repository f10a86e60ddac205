/**
 * Results instead of exceptions: MoonSharp's error() carries only strings, so nothing in this mod
 * throws across a module boundary. A refusal says why in a stable code plus a readable message.
 */
export type Ok<T> = { readonly ok: true; readonly value: T };
export type Refused = { readonly ok: false; readonly code: string; readonly message: string };
export type Result<T> = Ok<T> | Refused;

export function ok<T>(value: T): Ok<T> {
    return { ok: true, value };
}

export function refuse(code: string, message: string): Refused {
    return { ok: false, code, message };
}
