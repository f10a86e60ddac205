/**
 * The arguments of a Hook.Patch callback. LuaCs hands them over in a LuaCsHook.ParameterTable
 * (LuaCsForBarotrauma SharedSource/LuaCs/LuaCsHook.cs): a C# object whose arguments are reached
 * only through its string indexer `this[string paramName]` (get: the modified value, else
 * OriginalParameters[paramName], which throws for an unknown name; set: ModifiedParameters). Its
 * members are PreventExecution, ReturnValue, OriginalReturnValue and OriginalParameters
 * (ModifiedParameters is hidden from Lua). On MoonSharp `ptable.wasSaved` raises "cannot access
 * field wasSaved of userdata<ParameterTable>"; only a bracket index reaches the indexer.
 * Members are used by name (`ptable.PreventExecution = true`); arguments only through here.
 */
import { indexed, setIndexed } from "./clr";

/** The argument `name` (the C# parameter name) of a patched call. */
export function patchArg(ptable: PatchParams, name: string): unknown {
    return indexed(ptable, name);
}

/** Replaces the argument `name` for the original method (Before patches). */
export function setPatchArg(ptable: PatchParams, name: string, value: unknown): void {
    setIndexed(ptable, name, value);
}
