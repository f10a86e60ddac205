/**
 * The have/need exchange between a client with client-side LuaCs and the server:
 * `databaseio.fab.query` (client -> server) names a fabricator, a recipe and a number of batches
 * exactly like `databaseio.fab.fill`; `databaseio.fab.stock` (server -> that client) answers per
 * ingredient row: what the recipe needs, what the fabricator already reaches and what its database
 * can give. Shared by the server (features/fabricator/query.ts, fabricators.ts) and the client
 * (client/fabricatorClient.ts); it only reads and writes messages.
 *
 * Fill request `databaseio.fab.fill` (client -> server): the four fields of a query (writeQuery),
 * read on the server with tryReadQuery.
 */
import { FAB_FILL, FAB_QUERY, FAB_STOCK } from "./messages";

export const QUERY_MESSAGE = FAB_QUERY;
export const STOCK_MESSAGE = FAB_STOCK;
export const FILL_MESSAGE = FAB_FILL;
/** Rows one answer carries at most (a recipe has a handful). */
export const MAX_STOCK_ROWS = 32;

/** A query or a fill request: the same four fields in the same order. */
export interface FabQuery {
    /** The fabricator item's entity id (UInt16 on the wire). */
    readonly itemId: number;
    /** The recipe's target prefab identifier. */
    readonly identifier: string;
    /** FabricationRecipe.RecipeHash, 0 = the first recipe for the target the fabricator can make. */
    readonly hash: number;
    /** 1..99 batches. */
    readonly batches: number;
}

export interface StockRow {
    /** Player-visible name of the first accepted prefab. */
    readonly label: string;
    /** Accepted prefab identifiers (lower case). */
    readonly identifiers: readonly string[];
    /** Units needed for every batch asked. */
    readonly need: number;
    /** Suitable units the fabricator already reaches (capped at need). */
    readonly atHand: number;
    /** Units the database can give (available, not leased, within the condition range), capped. */
    readonly inDatabase: number;
    /** False when this row cannot come from a database at all (an empty condition range). */
    readonly usable: boolean;
}

export interface StockAnswer {
    /** The query this answers (as asked). */
    readonly query: FabQuery;
    /** False: refused; `text` says why and there are no rows. */
    readonly ok: boolean;
    /** ok: the fabricator's database id; refused: the reason. */
    readonly text: string;
    /** The recipe the server resolved (0 when refused). */
    readonly recipeHash: number;
    /** The database covers every missing unit at once (the plan a fill would run succeeds). */
    readonly coverable: boolean;
    /** A pull for this fabricator is on its way: a fill would be refused now. */
    readonly busy: boolean;
    readonly rows: readonly StockRow[];
}

export function writeQuery(w: IWriteMessage, q: FabQuery): void {
    w.WriteUInt16(q.itemId);
    w.WriteString(q.identifier);
    w.WriteUInt32(q.hash);
    w.WriteInt32(q.batches);
}

export function readQuery(r: IReadMessage): FabQuery {
    const itemId = r.ReadUInt16();
    const identifier = r.ReadString();
    const hash = r.ReadUInt32();
    const batches = r.ReadInt32();
    return { itemId, identifier, hash, batches };
}

/** readQuery that never raises: undefined when the message is too short or malformed. */
export function tryReadQuery(r: IReadMessage): FabQuery | undefined {
    const [read, query] = pcall(() => readQuery(r));
    if (!read || type(query) !== "table") return undefined;
    return query as FabQuery;
}

function clampCount(n: number): number {
    if (n < 0) return 0;
    return n > 2147483647 ? 2147483647 : math.floor(n);
}

export function writeStock(w: IWriteMessage, a: StockAnswer): void {
    writeQuery(w, a.query);
    w.WriteBoolean(a.ok);
    w.WriteString(a.text);
    w.WriteUInt32(a.recipeHash);
    w.WriteBoolean(a.coverable);
    w.WriteBoolean(a.busy);
    const n = math.min(a.rows.length, MAX_STOCK_ROWS);
    w.WriteByte(n);
    for (let i = 0; i < n; i++) {
        const row = a.rows[i];
        w.WriteString(row.label);
        w.WriteString(table.concat(row.identifiers as string[], ","));
        w.WriteInt32(clampCount(row.need));
        w.WriteInt32(clampCount(row.atHand));
        w.WriteInt32(clampCount(row.inDatabase));
        w.WriteBoolean(row.usable);
    }
}

function splitIdentifiers(text: string): string[] {
    const out: string[] = [];
    let nOut = 0;
    // One gmatch over the message's list (a positional find per part copies the whole string
    // each time on MoonSharp); the only pattern class is "not a comma".
    for (const [part] of string.gmatch(text + ",", "([^,]*),")) {
        if (part !== "") { out[nOut] = part; nOut++; }
    }
    return out;
}

/** Reads an answer; raises on a malformed message (the caller pcalls it). */
export function readStock(r: IReadMessage): StockAnswer {
    const query = readQuery(r);
    const ok = r.ReadBoolean();
    const text = r.ReadString();
    const recipeHash = r.ReadUInt32();
    const coverable = r.ReadBoolean();
    const busy = r.ReadBoolean();
    const n = r.ReadByte();
    const rows: StockRow[] = [];
    let nRows = 0;
    for (let i = 0; i < math.min(n, MAX_STOCK_ROWS); i++) {
        const label = r.ReadString();
        const identifiers = splitIdentifiers(r.ReadString());
        const need = r.ReadInt32();
        const atHand = r.ReadInt32();
        const inDatabase = r.ReadInt32();
        const usable = r.ReadBoolean();
        rows[nRows] = { label, identifiers, need, atHand, inDatabase, usable };
        nRows++;
    }
    return { query, ok, text, recipeHash, coverable, busy, rows };
}
