/**
 * Build check (not shipped): the declared API (types/databaseio.d.ts) and the table src/api builds
 * have the same members, and each implementation member fits its declaration. The build runs
 * `tsc -p types/check/tsconfig.json`; a mismatch fails it with the member's name in the error.
 */
import type { DatabaseIOApi } from "../../src/api/index";
import type { RefusalCode } from "../../src/core/result";

type Declared = DatabaseIO.Api;
type Missing = Exclude<keyof DatabaseIOApi, keyof Declared>;
type Extra = Exclude<keyof Declared, keyof DatabaseIOApi>;

/** Members the implementation has and the declarations lack (must be never). */
export const undeclared: [Missing] extends [never] ? true : Missing = true;
/** Members declared that the implementation lacks (must be never). */
export const unimplemented: [Extra] extends [never] ? true : Extra = true;

/** Refusal codes declared to mods that the mod does not produce (must be never): a renamed code. */
type UnknownCode = Exclude<DatabaseIO.RefusalCode, RefusalCode>;
export const unproduced: [UnknownCode] extends [never] ? true : UnknownCode = true;

/**
 * Every implementation member fits its declared type. Members are compared as methods (parameters
 * either way round), as TypeScript compares methods: the implementation may accept callbacks with
 * looser argument types (e.g. `unknown` rows) than the declarations promise to a mod.
 */
type Method<F> = F extends (this: void, ...args: infer A) => infer R ? { m(this: void, ...args: A): R }["m"] : F;
type MethodArgs<A> = { [I in keyof A]: Method<A[I]> };
type AsMethods<T> = {
    [K in keyof T]: T[K] extends (this: void, ...args: infer A) => infer R ? { m(this: void, ...args: MethodArgs<A>): R }["m"] : T[K];
};
export function fits(impl: AsMethods<DatabaseIOApi>): AsMethods<Declared> {
    return impl;
}
