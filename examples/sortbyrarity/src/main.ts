/**
 * Example extension of Database IO, built only on its public API (types/databaseio.d.ts).
 *
 * 1. A terminal sort mode, "rarity": see rarity.ts.
 * 2. A consumer: every container tagged `dbioexample_fuelshelf` is kept stocked with fuel rods from
 *    the database. It watches the fuel rod key, so it reacts when rods are stored, and pulls them
 *    through `consumeInto` (all or nothing; a rod that does not fit goes back to the database).
 *
 * Lua/Autorun/sortbyrarity.lua loads this bundle and calls start().
 */
import { installSortMode } from "./rarity";
import { FuelShelves } from "./shelves";

/** Messages go to the console with the mod's name; nothing here ever throws into the game. */
function say(this: void, text: string): void {
    print("[Sort by rarity] " + text);
}

let shelves: FuelShelves | undefined = undefined;

function install(this: void): void {
    const api = DatabaseIO;
    // A multiplayer client has no API (at most the client panel's table, without apiVersion):
    // the database, and this example's work, live on the server.
    if (api === undefined || typeof api.apiVersion !== "number") return;
    if (api.apiVersion < 1) {
        say(string.format("needs Database IO API version 1, found %d", api.apiVersion));
        return;
    }
    const sorted = installSortMode(api);
    if (!sorted.ok) say("no rarity sort: " + sorted.message);
    if (shelves === undefined) {
        shelves = new FuelShelves(api, say);
        const started = shelves.start();
        if (!started.ok) say("no fuel shelves: " + started.message);
    }
}

/** Called by the Autorun file. Database IO may load after this mod: then wait for `loaded`. */
export function start(this: void): void {
    // Read-only: `Hook.Call("dbioexample.stats")` answers what the shelves did (for hosts, specs).
    Hook.Add("dbioexample.stats", "dbioexample.stats", () => stats());
    if (DatabaseIO !== undefined) {
        install();
        return;
    }
    Hook.Add("loaded", "dbioexample.install", () => {
        install();
    });
}

/** For specs and curious hosts: what the shelves did so far. */
export function stats(this: void): { readonly requests: number; readonly units: number; readonly refusals: number; readonly shelves: number } {
    if (shelves === undefined) return { requests: 0, units: 0, refusals: 0, shelves: 0 };
    return shelves.stats();
}
