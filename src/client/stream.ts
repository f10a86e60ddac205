/**
 * Client side of terminal sync: one subscription per terminal the player uses, each feeding a
 * PanelModel. Messages are checked against the subscription's generation and sequence: an old
 * generation or a repeated sequence is ignored, a gap (or a serial it does not know) asks for a
 * fresh snapshot, and a request that got no answer is repeated after a while. Snapshot chunks
 * are staged and applied at once when the last one arrives, so the panel never shows half a
 * database. The panel never changes data: `bring` only asks the server.
 */
import type { ItemKey } from "../core/keys";
import { PanelLookup, PanelModel } from "./model";
import * as W from "../protocol/sync";

export interface ClientPorts {
    now(this: void): number;
    start(this: void, name: string): IWriteMessage;
    send(this: void, msg: IWriteMessage): void;
}

export type SubscriptionState = "waiting" | "live" | "resync" | "closed";

interface Subscription {
    readonly terminal: number;
    readonly model: PanelModel;
    state: SubscriptionState;
    db: string;
    version: number;
    gen: number;
    seq: number;
    keys: LuaMap<number, ItemKey>;
    staged: W.SyncRow[];
    /** Rows in `staged` (a snapshot stages every key: grown with this counter). */
    stagedCount: number;
    stagedKeys: LuaMap<number, ItemKey>;
    askedAt: number;
    reason: string;
    reply: { ok: boolean; text: string } | undefined;
}

interface Parsed {
    op: number;
    terminal: number;
    gen: number;
    seq: number;
    version: number;
    db: string;
    chunk: number;
    chunks: number;
    rows: { serial: number; key: ItemKey | undefined; row: W.SyncRow }[];
    ok: boolean;
    text: string;
}

/** Seconds without an answer before a request is sent again. */
const RETRY_AFTER = 2;

function parse(msg: IReadMessage): Parsed | undefined {
    const protocol = msg.ReadByte();
    if (protocol !== W.PROTOCOL) return undefined;
    const p: Parsed = { op: msg.ReadByte(), terminal: msg.ReadUInt16(), gen: 0, seq: 0, version: 0, db: "", chunk: 0, chunks: 0, rows: [], ok: false, text: "" };
    if (p.op === W.OP_SNAPSHOT || p.op === W.OP_DELTA) {
        p.gen = msg.ReadVariableUInt32();
        p.seq = msg.ReadVariableUInt32();
        p.version = msg.ReadVariableUInt32();
        if (p.op === W.OP_SNAPSHOT) {
            p.db = msg.ReadString();
            p.chunk = msg.ReadVariableUInt32();
            p.chunks = msg.ReadVariableUInt32();
        }
        const n = msg.ReadVariableUInt32();
        if (n > W.MAX_ROWS_PER_MESSAGE) return undefined;
        for (let i = 0; i < n; i++) {
            const serial = msg.ReadVariableUInt32();
            const withKey = p.op === W.OP_SNAPSHOT ? true : msg.ReadBoolean();
            const key = withKey ? msg.ReadString() : undefined;
            p.rows[i] = { serial, key, row: W.readRowBody(msg, key ?? "") };
        }
    } else if (p.op === W.OP_CLOSED) {
        p.text = msg.ReadString();
    } else if (p.op === W.OP_REPLY) {
        p.ok = msg.ReadBoolean();
        p.text = msg.ReadString();
    } else {
        return undefined;
    }
    return p;
}

export class SyncClient {
    private readonly subs = new LuaMap<number, Subscription>();
    /** Messages that could not be read (for specs and diagnostics). */
    unreadable = 0;
    resyncRequests = 0;

    constructor(
        private readonly ports: ClientPorts,
        private readonly lookup: PanelLookup,
    ) {}

    /** Starts (or restarts) the subscription of a terminal; the server checks the player uses it. */
    open(terminal: number): PanelModel {
        let sub = this.subs.get(terminal);
        if (sub === undefined) {
            sub = {
                terminal, model: new PanelModel(this.lookup), state: "waiting", db: "", version: 0, gen: 0, seq: 0,
                keys: new LuaMap(), staged: [], stagedCount: 0, stagedKeys: new LuaMap(), askedAt: 0, reason: "", reply: undefined,
            };
            this.subs.set(terminal, sub);
        }
        sub.state = "waiting";
        sub.askedAt = this.ports.now();
        this.request(W.OP_SUBSCRIBE, terminal, undefined);
        return sub.model;
    }

    close(terminal: number): void {
        if (!this.subs.has(terminal)) return;
        this.subs.delete(terminal);
        this.request(W.OP_UNSUBSCRIBE, terminal, undefined);
    }

    /** Asks the server to bring `key` (or exact entry `exactId`) onto the terminal's page. */
    bring(terminal: number, key: ItemKey, exactId?: number): boolean {
        const sub = this.subs.get(terminal);
        if (sub === undefined || sub.state === "closed") return false;
        this.request(W.OP_BRING, terminal, (w) => {
            w.WriteString(key);
            w.WriteVariableUInt32(exactId ?? 0);
        });
        return true;
    }

    model(terminal: number): PanelModel | undefined {
        return this.subs.get(terminal)?.model;
    }

    info(terminal: number): { state: SubscriptionState; db: string; version: number; gen: number; reason: string; reply?: { ok: boolean; text: string } } | undefined {
        const sub = this.subs.get(terminal);
        if (sub === undefined) return undefined;
        return { state: sub.state, db: sub.db, version: sub.version, gen: sub.gen, reason: sub.reason, reply: sub.reply };
    }

    terminals(): number[] {
        const list: number[] = [];
        let nList = 0;
        for (const [t] of this.subs) { list[nList] = t; nList++; }
        table.sort(list);
        return list;
    }

    /** One server message. Never raises: an unreadable message counts as a gap. */
    receive(msg: IReadMessage): void {
        const [success, parsed] = pcall(parse, msg);
        if (!success || parsed === undefined) {
            this.unreadable += 1;
            // Which subscription it was for is unknown: every live one checks itself.
            for (const [, sub] of this.subs) {
                if (sub.state === "live") this.resync(sub);
            }
            return;
        }
        const sub = this.subs.get(parsed.terminal);
        if (sub === undefined) return;
        if (parsed.op === W.OP_CLOSED) {
            sub.state = "closed";
            sub.reason = parsed.text;
            sub.model.replaceAll([]);
            return;
        }
        if (parsed.op === W.OP_REPLY) {
            sub.reply = { ok: parsed.ok, text: parsed.text };
            return;
        }
        if (sub.state === "closed") return;
        if (parsed.gen < sub.gen) return;
        if (parsed.gen === sub.gen && parsed.seq <= sub.seq) return;
        if (parsed.op === W.OP_SNAPSHOT) this.onSnapshot(sub, parsed);
        else this.onDelta(sub, parsed);
    }

    /** Call every update: repeats requests that got no answer. */
    update(): void {
        const now = this.ports.now();
        for (const [, sub] of this.subs) {
            if ((sub.state === "waiting" || sub.state === "resync") && now - sub.askedAt >= RETRY_AFTER) {
                sub.askedAt = now;
                // Subscribing again is idempotent: a live stream answers with a snapshot, a lost
                // one is created again (or refused with a reason).
                this.request(W.OP_SUBSCRIBE, sub.terminal, undefined);
            }
        }
    }

    private onSnapshot(sub: Subscription, p: Parsed): void {
        if (p.gen > sub.gen) {
            // A new generation must start with its first chunk.
            if (p.seq !== 1 || p.chunk !== 1) {
                sub.gen = p.gen;
                sub.seq = p.seq;
                this.resync(sub);
                return;
            }
            sub.gen = p.gen;
            sub.seq = 0;
            sub.staged = [];
            sub.stagedCount = 0;
            sub.stagedKeys = new LuaMap();
        }
        if (p.seq !== sub.seq + 1 || p.chunk !== p.seq || p.chunk > p.chunks) {
            sub.seq = math.max(sub.seq, p.seq);
            this.resync(sub);
            return;
        }
        sub.seq = p.seq;
        sub.db = p.db;
        sub.version = p.version;
        for (const r of p.rows) {
            const key = r.key!;
            sub.stagedKeys.set(r.serial, key);
            sub.staged[sub.stagedCount] = { key, amount: r.row.amount, exact: r.row.exact, worst: r.row.worst };
            sub.stagedCount++;
        }
        if (p.chunk === p.chunks) {
            sub.keys = sub.stagedKeys;
            sub.model.replaceAll(sub.staged);
            sub.staged = [];
            sub.stagedCount = 0;
            sub.stagedKeys = new LuaMap();
            sub.state = "live";
        } else {
            sub.state = "waiting";
        }
    }

    private onDelta(sub: Subscription, p: Parsed): void {
        if (p.gen > sub.gen || p.seq !== sub.seq + 1 || sub.state !== "live") {
            sub.gen = math.max(sub.gen, p.gen);
            sub.seq = p.gen === sub.gen ? math.max(sub.seq, p.seq) : p.seq;
            this.resync(sub);
            return;
        }
        // Resolve every serial first: a delta is applied whole or not at all.
        const resolved: W.SyncRow[] = [];
        let nResolved = 0;
        const learned = new LuaMap<number, ItemKey>();
        for (const r of p.rows) {
            const key = r.key ?? learned.get(r.serial) ?? sub.keys.get(r.serial);
            if (key === undefined) {
                sub.seq = p.seq;
                this.resync(sub);
                return;
            }
            if (r.key !== undefined) learned.set(r.serial, key);
            resolved[nResolved] = { key, amount: r.row.amount, exact: r.row.exact, worst: r.row.worst };
            nResolved++;
        }
        sub.seq = p.seq;
        sub.version = p.version;
        for (let i = 0; i < resolved.length; i++) {
            const serial = p.rows[i].serial;
            const row = resolved[i];
            if (row.amount <= 0) sub.keys.delete(serial);
            else sub.keys.set(serial, row.key);
            sub.model.apply(row);
        }
    }

    private resync(sub: Subscription): void {
        // Already asked: the timer repeats the request, so a burst of late messages asks once.
        if (sub.state === "resync") return;
        sub.state = "resync";
        sub.askedAt = this.ports.now();
        this.askSnapshot(sub);
    }

    private askSnapshot(sub: Subscription): void {
        this.resyncRequests += 1;
        const gen = sub.gen;
        this.request(W.OP_RESYNC, sub.terminal, (w) => {
            w.WriteVariableUInt32(gen);
        });
    }

    private request(op: number, terminal: number, body: ((this: void, w: IWriteMessage) => void) | undefined): void {
        const w = this.ports.start(W.NET_UP);
        W.writeHeader(w, op, terminal);
        if (body !== undefined) body(w);
        this.ports.send(w);
    }
}
