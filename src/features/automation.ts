/**
 * Automation devices: the auto-restocker and the fabricator feed. Both take from a database
 * through the one core consume path (core/consume.ts).
 */
import type { HostServices } from "../host/runtime";
import { installRestockers } from "./restocker";

export function installAutomation(services: HostServices): void {
    installRestockers(services);
}
