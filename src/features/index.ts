/**
 * Every device of the mod, one folder each with one install.ts that wires it to the game. The
 * order below is the order in which their hooks and listeners are registered (and run, for one
 * event); keep it. The restocker and the fabricator take from a database through the one core
 * consume path (core/consume.ts).
 */
import type { HostServices } from "../host/runtime";
import { installSync } from "../host/sync/install";
import { installDatabaseCores } from "./databaseCore/install";
import { installInterfaces } from "./interface/install";
import { installRestockers } from "./restocker/install";
import { installFabricators } from "./fabricator/install";
import { installTerminals } from "./terminal/install";
import { terminalAccess } from "./terminal/access";
import { bringToPage } from "./terminal/pageRequests";

export function installFeatures(services: HostServices): void {
    installDatabaseCores(services);
    installInterfaces(services);
    installRestockers(services);
    installFabricators(services);
    installTerminals(services);
    installSync(services, { access: terminalAccess, bring: bringToPage });
}
