/**
 * Who stored or took what: a bounded in-memory log of applied changes, for the `dbio audit`
 * command. It is fed by the store's mutation events, so every path (devices, automation, the API,
 * console restores) is covered without each having to remember.
 */
export interface AuditedChange {
    readonly key: string;
    readonly before: number;
    readonly after: number;
}

export interface AuditedEvent {
    readonly db: string;
    readonly version: number;
    readonly source: string;
    readonly changes: readonly AuditedChange[];
}

interface Line {
    readonly time: number;
    readonly db: string;
    readonly text: string;
}

export class AuditLog {
    private readonly lines: Line[] = [];
    private next = 0;

    constructor(private readonly capacity = 1000) {}

    record(event: AuditedEvent, time: number): void {
        const parts: string[] = [];
        let nParts = 0;
        for (const change of event.changes) {
            const delta = change.after - change.before;
            parts[nParts] = string.format("%s%d %s", delta >= 0 ? "+" : "", delta, change.key);
            nParts++;
        }
        const text = string.format("[%8.1fs] %s v%d by %s: %s", time, event.db, event.version, event.source, table.concat(parts, ", "));
        const line: Line = { time, db: event.db, text };
        if (this.lines.length < this.capacity) {
            this.lines.push(line);
        } else {
            this.lines[this.next] = line;
        }
        this.next = (this.next + 1) % this.capacity;
    }

    /** The newest `n` lines (oldest first), optionally for one database. */
    recent(n: number, db?: string): string[] {
        const ordered: Line[] = [];
        let nOrdered = 0;
        const total = this.lines.length;
        const start = total < this.capacity ? 0 : this.next;
        for (let i = 0; i < total; i++) {
            const line = this.lines[(start + i) % total];
            if (db === undefined || line.db === db) { ordered[nOrdered] = line; nOrdered++; }
        }
        const out: string[] = [];
        let nOut = 0;
        for (let i = math.max(0, ordered.length - n); i < ordered.length; i++) { out[nOut] = ordered[i].text; nOut++; }
        return out;
    }
}
