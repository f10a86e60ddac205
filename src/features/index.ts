/**
 * Every device of the mod. Each feature module exports one install function taking the host
 * services; add one line per feature here.
 */
import type { HostServices } from "../host/runtime";
import { installDatabaseCores } from "./databaseCore";
import { installInterfaces } from "./interfaces";
import { installAutomation } from "./automation";
import { installTerminals } from "./terminal";
import { installSync } from "../host/sync/install";

export function installFeatures(services: HostServices): void {
    installDatabaseCores(services);
    installInterfaces(services);
    installAutomation(services);
    installTerminals(services);
    installSync(services);
}
