/**
 * Every LuaCs network message name the mod sends or receives (Networking.Start / Receive), once.
 * Encodings: protocol/sync.ts (terminal sync), protocol/fabricator.ts (fabricator query, stock
 * answer and fill request).
 */

/** Server -> client: terminal sync (snapshots, deltas, closings, replies). */
export const SYNC_DOWN = "databaseio.sync.down";
/** Client -> server: terminal sync requests (subscribe, unsubscribe, resync, bring). */
export const SYNC_UP = "databaseio.sync.up";
/** Client -> server: what a fabricator has and needs for a recipe. */
export const FAB_QUERY = "databaseio.fab.query";
/** Server -> the asking client: the answer to FAB_QUERY. */
export const FAB_STOCK = "databaseio.fab.stock";
/** Client -> server: fill a fabricator's missing ingredients from its database (no start). */
export const FAB_FILL = "databaseio.fab.fill";
