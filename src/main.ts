/**
 * Bundle entry. LuaCs runs Lua/Autorun/databaseio.lua, which loads this bundle and calls boot()
 * with the mod's folder. Loading the bundle itself does nothing but build its module table.
 */
import { buildApi, publishApi } from "./api/index";
import { isAuthority, startHost } from "./host/runtime";
import { installFeatures } from "./features/index";
import { info } from "./host/log";
import { startClient } from "./client/index";
import { throwAndCatch } from "./core/selftest";

export const VERSION = "0.2.0";

/** Used by the build's specs to prove throw/catch works in the shipped bundle. */
export const __selftest = { throwAndCatch };

export function boot(this: void, modPath: string): void {
    if (!isAuthority()) {
        // A multiplayer client: the database lives on the server. Client-side panels come here.
        info("client side loaded (" + VERSION + ")");
        startClient(VERSION);
        return;
    }
    const host = startHost();
    installFeatures(host);
    publishApi(buildApi({ store: host.store, transfer: host.transfer, lifecycle: host.lifecycle, modVersion: VERSION }));
    info(string.format("Database IO %s loaded from %s (%s)", VERSION, modPath, SERVER ? "server" : "singleplayer"));
    if (Game.RoundStarted) {
        // Lua was reloaded in the middle of a round: the live cores hold what was there.
        host.lifecycle.rebuild("lua reload");
    }
}
