/**
 * The sync wire protocol between the server and clients that run client-side LuaCs.
 *
 * Two LuaCs message names (protocol/messages.ts), one per direction; every message starts with the protocol version and
 * an operation byte, then the terminal item id it is about.
 *
 * Server -> client (`databaseio.sync.down`), after the header: generation, sequence, db version.
 *   SNAPSHOT  db id, chunk index, chunk count, rows (serial, key, amount, exact units, worst condition)
 *   DELTA     rows (serial, key only the first time a serial is used, amount; 0 = the key is gone)
 *   CLOSED    reason (the subscription ended: terminal left, refused, database gone)
 *   REPLY     ok, message (answer to a subscribe or bring request)
 * The sequence counts every SNAPSHOT/DELTA message of one generation from 1: a client that sees
 * anything but previous+1 asks for a fresh snapshot (RESYNC), which starts a new generation.
 *
 * Client -> server (`databaseio.sync.up`): SUBSCRIBE, UNSUBSCRIBE, RESYNC (generation it lost),
 * BRING (key, exact id or 0).
 *
 * Rows are per-key summaries, not one row per exact entry: a database of many damaged or unique
 * items would otherwise send (and redraw) one row per unit.
 */
import type { ItemKey } from "../core/keys";
import { SYNC_DOWN, SYNC_UP } from "./messages";

export const NET_DOWN = SYNC_DOWN;
export const NET_UP = SYNC_UP;
export const PROTOCOL = 1;

export const OP_SNAPSHOT = 1;
export const OP_DELTA = 2;
export const OP_CLOSED = 3;
export const OP_REPLY = 4;

export const OP_SUBSCRIBE = 1;
export const OP_UNSUBSCRIBE = 2;
export const OP_RESYNC = 3;
export const OP_BRING = 4;

/** At most this many rows in one message. */
export const MAX_ROWS_PER_MESSAGE = 200;
/** A message is cut before it would pass this many bytes (estimated). */
export const MAX_MESSAGE_BYTES = 8000;
/** Longest key a peer may send (identifiers are short; this only rejects nonsense). */
export const MAX_KEY_LENGTH = 200;
export const MAX_TEXT_LENGTH = 400;
const MAX_UINT32 = 4294967295;

/** One database row as the panel sees it. */
export interface SyncRow {
    readonly key: ItemKey;
    /** Units a taker can have (aggregated + exact); 0 = the key is gone. */
    readonly amount: number;
    /** Of those, units that are exact entries (damaged, with contents, stolen...). */
    readonly exact: number;
    /** Lowest condition among the exact units, in percent (100 when there are none). */
    readonly worst: number;
}

export function clampUInt(n: number): number {
    if (!(n >= 0)) return 0;
    if (n > MAX_UINT32) return MAX_UINT32;
    return math.floor(n);
}

/** Condition percentage as hundredths in a UInt16 (0..10000). */
export function conditionToWire(percent: number): number {
    if (!(percent >= 0)) return 0;
    if (percent >= 100) return 10000;
    return math.floor(percent * 100 + 0.5);
}

export function conditionFromWire(hundredths: number): number {
    return math.min(10000, math.max(0, hundredths)) / 100;
}

/** Rough size of a row on the wire, for chunking (varints + UTF-8 key). */
export function rowBytes(row: SyncRow, withKey: boolean): number {
    return (withKey ? row.key.length + 2 : 0) + 12;
}

export function writeHeader(w: IWriteMessage, op: number, terminal: number): void {
    w.WriteByte(PROTOCOL);
    w.WriteByte(op);
    w.WriteUInt16(terminal);
}

export function writeRowBody(w: IWriteMessage, row: SyncRow): void {
    w.WriteVariableUInt32(clampUInt(row.amount));
    if (row.amount <= 0) return;
    w.WriteVariableUInt32(clampUInt(row.exact));
    if (row.exact > 0) w.WriteUInt16(conditionToWire(row.worst));
}

export function readRowBody(r: IReadMessage, key: ItemKey): SyncRow {
    const amount = r.ReadVariableUInt32();
    if (amount <= 0) return { key, amount: 0, exact: 0, worst: 100 };
    const exact = r.ReadVariableUInt32();
    const worst = exact > 0 ? conditionFromWire(r.ReadUInt16()) : 100;
    return { key, amount, exact: math.min(exact, amount), worst };
}
