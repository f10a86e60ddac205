/**
 * The Database Core device: shows its database's status on its label strip (database id, units,
 * distinct items, version, saves). The label is saved with the item; it is refreshed at most once
 * a second and only when something changed.
 */
import type { HostServices } from "../../host/runtime";
import { readBlob } from "../../host/cores";

/** The game cuts label text edited over the network to 100 characters; stay under it. */
const MAX_LABEL = 100;
const REFRESH_INTERVAL = 1;

export function statusText(s: HostServices, anchorId: number, dbId: string): string {
    const db = s.store.database(dbId);
    let text: string;
    if (db === undefined || db.anchorId !== anchorId) {
        const inert = s.store.inertAnchors().find((a) => a.anchorId === anchorId);
        text = inert !== undefined ? string.format("%s: INERT (another core holds it)", dbId) : string.format("%s: idle", dbId);
    } else if (db.readOnlyReason !== undefined) {
        text = string.format("%s: READ-ONLY, see dbio status", dbId);
    } else {
        text = string.format("%s: %d units, %d kinds, v%d, saved %dx", dbId, db.heldTotal(), db.keyCount(), db.version, db.commitSerial);
    }
    return string.sub(text, 1, MAX_LABEL);
}

/** The label strips of the tracked cores, rewritten on the next refresh after a change. */
export class CoreLabels {
    private dirty = true;
    private lastRefresh = -REFRESH_INTERVAL;

    constructor(private readonly s: HostServices) {}

    markDirty(): void {
        this.dirty = true;
    }

    /** think: at most once per REFRESH_INTERVAL, and only after a change. */
    refresh(): void {
        if (!this.dirty) return;
        const now = this.s.now();
        if (now - this.lastRefresh < REFRESH_INTERVAL) return;
        this.lastRefresh = now;
        this.dirty = false;
        for (const core of this.s.lifecycle.trackedCores()) {
            if (core.item.Removed) continue;
            const label = core.item.GetComponentString("ItemLabel");
            if (label === undefined) continue;
            const text = statusText(this.s, core.anchorId, core.dbId);
            if (label.Text !== text) label.Text = text;
        }
    }
}

/** For `dbio status`: whether a core's blob is empty (a new core). */
export function isEmptyCore(item: Item): boolean {
    return readBlob(item) === "";
}
