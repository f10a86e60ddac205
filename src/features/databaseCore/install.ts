/**
 * Wires the Database Core's label strip: store and lifecycle listeners mark it changed, the think
 * hook refreshes it (status.ts).
 */
import type { HostServices } from "../../host/runtime";
import { addHook } from "../../host/guard";
import { CoreLabels } from "./status";

export function installDatabaseCores(s: HostServices): CoreLabels {
    const labels = new CoreLabels(s);
    const markDirty = (): void => {
        labels.markDirty();
    };
    s.store.subscribe("databaseio.core.label", markDirty);
    s.lifecycle.afterRebuild.add("core.label", markDirty);
    s.lifecycle.committed.add("core.label", markDirty);
    addHook("think", "databaseio.core.label", () => {
        labels.refresh();
    });
    return labels;
}
