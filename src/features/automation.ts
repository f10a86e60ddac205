/**
 * Automation devices: the auto-restocker and the fabricator feed. Both take from a database
 * through the one core consume path (core/consume.ts).
 */
import type { HostServices } from "../host/runtime";
import { installRestockers } from "./restocker";
import { installFabricators } from "./fabricator";

export function installAutomation(services: HostServices): void {
    installRestockers(services);
    installFabricators(services);
}
