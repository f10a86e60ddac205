/**
 * Server side of terminal sync (design.md "Sync"; the wire format is in wire.ts).
 *
 * A client subscribes per terminal it is using and gets a chunked snapshot; after that the keys
 * that changed are sent as deltas, coalesced per flush interval with a bounded number of rows per
 * database and flush. Each subscription is a stream with its own generation, sequence and key
 * serials (a key is sent in full once per stream, then referred to by its serial). All streams
 * of one database share one row cache fed by one watcher, so ten players on one database cost
 * one view.
 *
 * Everything the game provides comes through SyncPorts, so the specs can drive this class with a
 * lossy transport; install.ts binds it to LuaCs.
 */
import type { ItemKey } from "../../core/keys";
import { isWellFormedKey } from "../../core/entries";
import type { DatabaseStore } from "../../core/store";
import type { MutationEvent } from "../../core/mutationEvents";
import { Result } from "../../core/result";
import type { WatchHandle, WatchRegistry } from "../../core/watch";
import { DbRows } from "./rows";
import * as W from "../../protocol/sync";

/** A connected client as the sync server knows it. */
export interface SyncClientRef {
    /** Stable for the connection (the game's SessionId). */
    readonly id: number;
    readonly name: string;
    readonly client?: Client;
}

export interface SyncPorts {
    readonly store: DatabaseStore;
    readonly watches: WatchRegistry;
    now(this: void): number;
    /** A fresh outgoing message (Networking.Start). */
    start(this: void, name: string): IWriteMessage;
    send(this: void, to: SyncClientRef, msg: IWriteMessage): void;
    /** May this client use this terminal now? The terminal's database id when it may. */
    access(this: void, who: SyncClientRef, terminal: number): Result<string>;
    bring(this: void, who: SyncClientRef, terminal: number, key: ItemKey, exactId: number | undefined): Result<string>;
    /** A refusal for the host's log; `key` is per client and reason (logged once per interval). */
    refused(this: void, key: string, message: string): void;
}

export interface SyncOptions {
    /** Seconds between delta flushes. */
    readonly flushInterval?: number;
    /** Seconds between checks that subscribers still use their terminals. */
    readonly accessInterval?: number;
    /** Rows sent per database and flush at most; the rest waits for the next flush. */
    readonly rowsPerFlush?: number;
    readonly maxSubscriptions?: number;
    /** Requests a client may burst, and how many come back per second. */
    readonly burst?: number;
    readonly refillPerSecond?: number;
}

interface Stream {
    readonly who: SyncClientRef;
    readonly terminal: number;
    readonly db: string;
    gen: number;
    seq: number;
    serials: LuaMap<ItemKey, number>;
    nextSerial: number;
    snapshotAt: number;
    /** When this stream last got a snapshot or delta (an idle stream gets a heartbeat). */
    sentAt: number;
}

interface Feed {
    readonly rows: DbRows;
    readonly streams: LuaMap<string, Stream>;
    pending: LuaMap<ItemKey, true>;
    reset: boolean;
    watch: WatchHandle;
}

interface Bucket {
    tokens: number;
    last: number;
}

export interface SyncStats {
    snapshots: number;
    deltas: number;
    refused: LuaMap<string, number>;
}

/** Seconds before a resync request about an older generation gets another snapshot. */
const RESEND_AFTER = 0.5;
/**
 * An idle stream gets an empty delta this often: its sequence number lets a client notice that
 * the last message before a quiet spell was lost (nothing else would tell it).
 */
const HEARTBEAT_EVERY = 2;

function streamId(clientId: number, terminal: number): string {
    return string.format("%d:%d", clientId, terminal);
}

export class SyncServer {
    private readonly lua = new LuaMap<number, SyncClientRef>();
    private readonly streams = new LuaMap<string, Stream>();
    private readonly perClient = new LuaMap<number, LuaMap<number, Stream>>();
    private readonly feeds = new LuaMap<string, Feed>();
    private readonly buckets = new LuaMap<number, Bucket>();
    private nextFlush = 0;
    private nextAccess = 0;
    private readonly flushInterval: number;
    private readonly accessInterval: number;
    private readonly rowsPerFlush: number;
    private readonly maxSubscriptions: number;
    private readonly burst: number;
    private readonly refill: number;
    readonly stats: SyncStats = { snapshots: 0, deltas: 0, refused: new LuaMap() };

    constructor(
        private readonly ports: SyncPorts,
        options: SyncOptions = {},
    ) {
        this.flushInterval = options.flushInterval ?? 0.25;
        this.accessInterval = options.accessInterval ?? 1;
        this.rowsPerFlush = options.rowsPerFlush ?? 400;
        this.maxSubscriptions = options.maxSubscriptions ?? 4;
        this.burst = options.burst ?? 20;
        this.refill = options.refillPerSecond ?? 10;
    }

    // ---- clients ----

    /** The client reported its client-side LuaCs packages: it may get sync messages. */
    clientHasLua(who: SyncClientRef): void {
        this.lua.set(who.id, who);
    }

    isLuaClient(id: number): boolean {
        return this.lua.has(id);
    }

    /** The client left: its streams end, nothing more is sent to it. */
    clientLeft(id: number): void {
        const mine = this.perClient.get(id);
        if (mine !== undefined) {
            const terminals: number[] = [];
            let nTerminals = 0;
            for (const [terminal] of mine) { terminals[nTerminals] = terminal; nTerminals++; }
            for (const terminal of terminals) this.endStream(id, terminal, undefined);
        }
        this.lua.delete(id);
        this.buckets.delete(id);
    }

    subscriptionCount(id: number): number {
        let n = 0;
        const mine = this.perClient.get(id);
        if (mine !== undefined) for (const [,] of mine) n += 1;
        return n;
    }

    /** Databases with a live feed (for specs: one per database however many subscribers). */
    feedCount(): number {
        let n = 0;
        for (const [,] of this.feeds) n += 1;
        return n;
    }

    // ---- incoming ----

    /** One client message. Never raises: a bad message is refused, logged once, and changes nothing. */
    receive(msg: IReadMessage, who: SyncClientRef): void {
        if (!this.lua.has(who.id)) {
            this.refuse(who, "no_lua", "sent a sync message without reporting client-side LuaCs");
            return;
        }
        if (!this.take(who.id)) {
            this.refuse(who, "rate", "sends sync requests too fast");
            return;
        }
        const [success, err] = pcall(() => this.dispatch(msg, who));
        if (!success) {
            this.refuse(who, "malformed", string.format("sent a malformed sync message (%s)", type(err) === "string" ? err : "error"));
        }
    }

    private dispatch(msg: IReadMessage, who: SyncClientRef): void {
        const protocol = msg.ReadByte();
        if (protocol !== W.PROTOCOL) {
            this.refuse(who, "protocol", string.format("speaks sync protocol %d (this server: %d)", protocol, W.PROTOCOL));
            return;
        }
        const op = msg.ReadByte();
        const terminal = msg.ReadUInt16();
        if (type(terminal) !== "number" || terminal < 0 || terminal > 65535 || math.floor(terminal) !== terminal) {
            this.refuse(who, "bad_terminal", "sent an invalid terminal id");
            return;
        }
        if (op === W.OP_SUBSCRIBE) {
            this.subscribe(who, terminal);
        } else if (op === W.OP_UNSUBSCRIBE) {
            this.endStream(who.id, terminal, undefined);
        } else if (op === W.OP_RESYNC) {
            const gen = msg.ReadVariableUInt32();
            const stream = this.streams.get(streamId(who.id, terminal));
            if (stream === undefined) {
                // No answer: a late request from before an unsubscribe must not close a newer
                // subscription; a client that really lost its stream subscribes again.
                this.refuse(who, "not_subscribed", string.format("asked for a snapshot of terminal %d without a subscription", terminal));
                return;
            }
            // A request about an older generation is usually answered by a snapshot in flight;
            // after a short while it is answered again (that snapshot may have been lost too).
            if (gen === stream.gen || this.ports.now() - stream.snapshotAt >= RESEND_AFTER) this.sendSnapshot(stream);
        } else if (op === W.OP_BRING) {
            const key = msg.ReadString();
            const exactId = msg.ReadVariableUInt32();
            this.bring(who, terminal, key, exactId);
        } else {
            this.refuse(who, "unknown_op", string.format("sent an unknown sync operation %s", type(op) === "number" ? string.format("%d", op) : type(op)));
        }
    }

    private subscribe(who: SyncClientRef, terminal: number): void {
        const id = streamId(who.id, terminal);
        const access = this.ports.access(who, terminal);
        if (!access.ok) {
            this.refuse(who, "access", string.format("may not subscribe to terminal %d: %s", terminal, access.message));
            this.endStream(who.id, terminal, access.message);
            if (!this.streams.has(id)) this.sendClosed(who, terminal, access.message);
            return;
        }
        const existing = this.streams.get(id);
        if (existing !== undefined && existing.db === access.value) {
            // Subscribing again (a client that lost its state) just gets a fresh snapshot.
            this.sendSnapshot(existing);
            return;
        }
        if (existing !== undefined) this.endStream(who.id, terminal, undefined);
        if (this.subscriptionCount(who.id) >= this.maxSubscriptions) {
            this.refuse(who, "too_many", string.format("asked for more than %d subscriptions", this.maxSubscriptions));
            this.sendClosed(who, terminal, "too many subscriptions");
            return;
        }
        const stream: Stream = { who, terminal, db: access.value, gen: 0, seq: 0, serials: new LuaMap(), nextSerial: 0, snapshotAt: 0, sentAt: 0 };
        this.streams.set(id, stream);
        let mine = this.perClient.get(who.id);
        if (mine === undefined) {
            mine = new LuaMap();
            this.perClient.set(who.id, mine);
        }
        mine.set(terminal, stream);
        this.feedOf(stream.db).streams.set(id, stream);
        this.sendSnapshot(stream);
    }

    private bring(who: SyncClientRef, terminal: number, key: string, exactId: number): void {
        if (!this.streams.has(streamId(who.id, terminal))) {
            this.refuse(who, "not_subscribed", string.format("asked to bring an entry to terminal %d without a subscription", terminal));
            this.sendReply(who, terminal, false, "not subscribed to this terminal");
            return;
        }
        if (type(key) !== "string" || key.length > W.MAX_KEY_LENGTH || !isWellFormedKey(key)) {
            this.refuse(who, "bad_key", "asked to bring an entry with an invalid key");
            this.sendReply(who, terminal, false, "invalid item key");
            return;
        }
        if (type(exactId) !== "number" || exactId < 0 || math.floor(exactId) !== exactId) {
            this.refuse(who, "bad_exact", "asked to bring an entry with an invalid exact id");
            this.sendReply(who, terminal, false, "invalid entry id");
            return;
        }
        const result = this.ports.bring(who, terminal, key, exactId > 0 ? exactId : undefined);
        if (!result.ok) this.refuse(who, "bring_" + result.code, string.format("bring refused: %s", result.message));
        this.sendReply(who, terminal, result.ok, result.ok ? result.value : result.message);
    }

    // ---- periodic work ----

    /** Call every update: flushes deltas and re-checks access on their intervals. */
    update(): void {
        const now = this.ports.now();
        if (now >= this.nextAccess) {
            this.nextAccess = now + this.accessInterval;
            this.checkAccess();
        }
        if (now >= this.nextFlush) {
            this.nextFlush = now + this.flushInterval;
            this.flush();
            this.heartbeats(now);
        }
    }

    /** Sends what changed since the last flush, to every stream of every changed database. */
    flush(): void {
        const dbs: string[] = [];
        let nDbs = 0;
        for (const [db] of this.feeds) { dbs[nDbs] = db; nDbs++; }
        table.sort(dbs);
        for (const db of dbs) this.flushFeed(this.feeds.get(db)!);
    }

    private flushFeed(feed: Feed): void {
        if (feed.reset) {
            feed.reset = false;
            feed.pending = new LuaMap();
            for (const stream of this.sortedStreams(feed)) this.sendSnapshot(stream);
            return;
        }
        if (feed.pending.isEmpty()) return;
        const keys: ItemKey[] = [];
        let nKeys = 0;
        for (const [key] of feed.pending) { keys[nKeys] = key; nKeys++; }
        table.sort(keys);
        const rows: W.SyncRow[] = [];
        let nRows = 0;
        for (const key of keys) {
            if (nRows >= this.rowsPerFlush) break;
            feed.pending.delete(key);
            rows[nRows] = feed.rows.row(key);
            nRows++;
        }
        for (const stream of this.sortedStreams(feed)) this.sendDelta(stream, rows);
    }

    private heartbeats(now: number): void {
        const ids: string[] = [];
        let nIds = 0;
        for (const [id, stream] of this.streams) {
            if (now - stream.sentAt >= HEARTBEAT_EVERY) { ids[nIds] = id; nIds++; }
        }
        table.sort(ids);
        for (const id of ids) {
            const stream = this.streams.get(id)!;
            const w = this.begin(stream, W.OP_DELTA);
            w.WriteVariableUInt32(0);
            this.ports.send(stream.who, w);
        }
    }

    private checkAccess(): void {
        const ids: string[] = [];
        let nIds = 0;
        for (const [id] of this.streams) { ids[nIds] = id; nIds++; }
        table.sort(ids);
        for (const id of ids) {
            const stream = this.streams.get(id);
            if (stream === undefined) continue;
            const access = this.ports.access(stream.who, stream.terminal);
            if (!access.ok) this.endStream(stream.who.id, stream.terminal, access.message);
            else if (access.value !== stream.db) this.endStream(stream.who.id, stream.terminal, "the terminal now uses another database");
        }
    }

    // ---- feeds ----

    private feedOf(db: string): Feed {
        let feed = this.feeds.get(db);
        if (feed !== undefined) return feed;
        const rows = new DbRows(this.ports.store, db);
        const created: Feed = { rows, streams: new LuaMap(), pending: new LuaMap(), reset: false, watch: { stop: () => undefined } };
        created.watch = this.ports.watches.watchAll(db, (event: MutationEvent) => {
            if (event.reset === true) {
                rows.reset();
                created.reset = true;
                return;
            }
            for (const change of event.changes) {
                rows.touch(change.key);
                created.pending.set(change.key, true);
            }
        });
        this.feeds.set(db, created);
        return created;
    }

    private sortedStreams(feed: Feed): Stream[] {
        const list: Stream[] = [];
        let nList = 0;
        for (const [, s] of feed.streams) { list[nList] = s; nList++; }
        table.sort(list, (a, b) => (a.who.id !== b.who.id ? a.who.id < b.who.id : a.terminal < b.terminal));
        return list;
    }

    private endStream(clientId: number, terminal: number, reason: string | undefined): void {
        const id = streamId(clientId, terminal);
        const stream = this.streams.get(id);
        if (stream === undefined) return;
        this.streams.delete(id);
        const mine = this.perClient.get(clientId);
        if (mine !== undefined) {
            mine.delete(terminal);
            if (mine.isEmpty()) this.perClient.delete(clientId);
        }
        const feed = this.feeds.get(stream.db);
        if (feed !== undefined) {
            feed.streams.delete(id);
            if (feed.streams.isEmpty()) {
                feed.watch.stop();
                this.feeds.delete(stream.db);
            }
        }
        if (reason !== undefined) this.sendClosed(stream.who, terminal, reason);
    }

    // ---- outgoing ----

    private dbVersion(db: string): number {
        return W.clampUInt(this.ports.store.database(db)?.version ?? 0);
    }

    private begin(stream: Stream, op: number): IWriteMessage {
        const w = this.ports.start(W.NET_DOWN);
        W.writeHeader(w, op, stream.terminal);
        stream.seq += 1;
        stream.sentAt = this.ports.now();
        w.WriteVariableUInt32(stream.gen);
        w.WriteVariableUInt32(stream.seq);
        w.WriteVariableUInt32(this.dbVersion(stream.db));
        return w;
    }

    /** A new generation: fresh serials, every row in chunks. */
    private sendSnapshot(stream: Stream): void {
        const feed = this.feedOf(stream.db);
        if (feed.reset) {
            // A reset waits for the flush; a snapshot now already shows the new state.
            feed.rows.reset();
        }
        const rows = feed.rows.sorted();
        const chunks: [number, number][] = [];
        let nChunks = 0;
        let first = 0;
        let bytes = 0;
        for (let i = 0; i < rows.length; i++) {
            const size = W.rowBytes(rows[i], true);
            if (i > first && (i - first >= W.MAX_ROWS_PER_MESSAGE || bytes + size > W.MAX_MESSAGE_BYTES)) {
                chunks[nChunks] = [first, i - 1];
                nChunks++;
                first = i;
                bytes = 0;
            }
            bytes += size;
        }
        chunks[nChunks] = [first, rows.length - 1];
        stream.gen += 1;
        stream.seq = 0;
        stream.snapshotAt = this.ports.now();
        stream.serials = new LuaMap();
        stream.nextSerial = 0;
        for (let c = 0; c < chunks.length; c++) {
            const [from, to] = chunks[c];
            const w = this.begin(stream, W.OP_SNAPSHOT);
            w.WriteString(stream.db);
            w.WriteVariableUInt32(c + 1);
            w.WriteVariableUInt32(chunks.length);
            w.WriteVariableUInt32(to - from + 1);
            for (let i = from; i <= to; i++) {
                const row = rows[i];
                stream.nextSerial += 1;
                stream.serials.set(row.key, stream.nextSerial);
                w.WriteVariableUInt32(stream.nextSerial);
                w.WriteString(row.key);
                W.writeRowBody(w, row);
            }
            this.ports.send(stream.who, w);
        }
        this.stats.snapshots += 1;
    }

    private sendDelta(stream: Stream, rows: readonly W.SyncRow[]): void {
        // Which rows this stream needs: a vanished key it never knew is not worth a byte.
        const parts: { row: W.SyncRow; serial: number; withKey: boolean }[] = [];
        let nParts = 0;
        for (const row of rows) {
            const known = stream.serials.get(row.key);
            if (row.amount <= 0) {
                if (known === undefined) continue;
                stream.serials.delete(row.key);
                parts[nParts] = { row, serial: known, withKey: false };
                nParts++;
            } else if (known !== undefined) {
                parts[nParts] = { row, serial: known, withKey: false };
                nParts++;
            } else {
                stream.nextSerial += 1;
                stream.serials.set(row.key, stream.nextSerial);
                parts[nParts] = { row, serial: stream.nextSerial, withKey: true };
                nParts++;
            }
        }
        let index = 0;
        while (index < parts.length) {
            let last = index;
            let bytes = 0;
            while (last < parts.length && last - index < W.MAX_ROWS_PER_MESSAGE) {
                const size = W.rowBytes(parts[last].row, parts[last].withKey);
                if (last > index && bytes + size > W.MAX_MESSAGE_BYTES) break;
                bytes += size;
                last += 1;
            }
            const w = this.begin(stream, W.OP_DELTA);
            w.WriteVariableUInt32(last - index);
            for (let i = index; i < last; i++) {
                const part = parts[i];
                w.WriteVariableUInt32(part.serial);
                w.WriteBoolean(part.withKey);
                if (part.withKey) w.WriteString(part.row.key);
                W.writeRowBody(w, part.row);
            }
            this.ports.send(stream.who, w);
            this.stats.deltas += 1;
            index = last;
        }
    }

    private sendClosed(who: SyncClientRef, terminal: number, reason: string): void {
        if (!this.lua.has(who.id)) return;
        const w = this.ports.start(W.NET_DOWN);
        W.writeHeader(w, W.OP_CLOSED, terminal);
        w.WriteString(string.sub(reason, 1, W.MAX_TEXT_LENGTH));
        this.ports.send(who, w);
    }

    private sendReply(who: SyncClientRef, terminal: number, success: boolean, text: string): void {
        const w = this.ports.start(W.NET_DOWN);
        W.writeHeader(w, W.OP_REPLY, terminal);
        w.WriteBoolean(success);
        w.WriteString(string.sub(text, 1, W.MAX_TEXT_LENGTH));
        this.ports.send(who, w);
    }

    // ---- refusals and rate ----

    private take(clientId: number): boolean {
        const now = this.ports.now();
        let bucket = this.buckets.get(clientId);
        if (bucket === undefined) {
            bucket = { tokens: this.burst, last: now };
            this.buckets.set(clientId, bucket);
        }
        bucket.tokens = math.min(this.burst, bucket.tokens + (now - bucket.last) * this.refill);
        bucket.last = now;
        if (bucket.tokens < 1) return false;
        bucket.tokens -= 1;
        return true;
    }

    private refuse(who: SyncClientRef, reason: string, message: string): void {
        this.stats.refused.set(reason, (this.stats.refused.get(reason) ?? 0) + 1);
        this.ports.refused(
            string.format("sync:%d:%s", who.id, reason),
            string.format("sync: client %s (%d) %s", who.name, who.id, message),
        );
    }
}
