/**
 * Wires the fed fabricators to the game: the StartFabricating patch, the fill and query
 * messages, the think hook, lifecycle and save-phase listeners. What each one does lives in
 * fabricators.ts, query.ts and pull.ts.
 */
import type { HostServices } from "../../host/runtime";
import { isAuthority } from "../../host/runtime";
import { info, warn } from "../../host/log";
import { addHook, addPatch, receive } from "../../host/guard";
import { Fabricators, isFedFabricator } from "./fabricators";
import { FabricatorQueries } from "./query";
import { FILL_MESSAGE, QUERY_MESSAGE } from "../../protocol/fabricator";

const CLASS = "Barotrauma.Items.Components.Fabricator";
const PARAMS = ["Barotrauma.FabricationRecipe", "Barotrauma.Character", "System.Boolean"];
const HOOK = "databaseio.fabricator.";

/** Server: answers `databaseio.fab.query` to the asking client only. */
function installFabricatorQuery(s: HostServices, fabricators: Fabricators): FabricatorQueries {
    const queries = new FabricatorQueries(s, fabricators, isFedFabricator);
    receive(QUERY_MESSAGE, (msg, client) => {
        queries.onMessage(msg, client);
    });
    addHook("client.disconnected", "databaseio.fabricator.query", (client: Client) => {
        queries.forget(client.SessionId);
    });
    return queries;
}

export function installFabricators(s: HostServices): Fabricators | undefined {
    if (!isAuthority()) return undefined;
    const fabricators = new Fabricators(s);
    const [accessible, accessError] = pcall(() => {
        LuaUserData.MakeMethodAccessible(LuaUserData.RegisterType(CLASS), "StartFabricating");
    });
    if (!accessible) warn(string.format("Fabricator.StartFabricating is not callable (%s): filled fabricators need Start pressed again", accessError));
    const [patched, patchError] = pcall(() => {
        addPatch(HOOK + "start", CLASS, "StartFabricating", PARAMS, (instance, ptable) => {
            fabricators.onStart(instance as FabricatorComponent, ptable);
        }, Hook.HookMethodType.Before);
    });
    if (!patched) warn(string.format("cannot patch %s.StartFabricating (%s): fabricators will not pull from databases", CLASS, patchError));
    else info("fabricators pull missing ingredients from their database");
    if (SERVER) {
        receive(FILL_MESSAGE, (msg, client) => {
            fabricators.onFillMessage(msg, client);
        });
        installFabricatorQuery(s, fabricators);
    }
    s.lifecycle.afterRebuild.add("fabricators", () => {
        fabricators.pulls.reset();
    });
    s.lifecycle.rolledBack.add("fabricators", () => {
        fabricators.pulls.reset();
    });
    s.phases.on("pulls", "fabricators", (reason) => {
        fabricators.pulls.deliveries.settleFor(reason);
    });
    addHook("think", HOOK + "think", () => {
        fabricators.pulls.deliveries.sweep();
    });
    return fabricators;
}
