/**
 * Results instead of exceptions: MoonSharp's error() carries only strings, so nothing in this mod
 * throws across a module boundary. A refusal says why in a stable code plus a readable message.
 *
 * Every code the mod produces is listed here, so the compiler refuses an unlisted one. The codes a
 * mod can receive from the API are documented in docs/api.md ("Refusal codes") and declared in
 * types/databaseio.d.ts; renaming one of those breaks other mods.
 */
export type RefusalCode =
    // API argument checks (src/api): wrong argument types, amounts out of the API's range, a crash
    // caught at the API boundary.
    | "bad_request" | "bad_item" | "bad_amount" | "internal"
    // Store and transactions (core/store, core/transaction, core/entries).
    | "unknown_database" | "read_only" | "no_anchor" | "finished" | "empty" | "too_many"
    | "invalid_amount" | "invalid_key" | "invalid_id" | "invalid_record" | "invalid_owner"
    | "unknown_key" | "unknown_exact" | "unknown_item" | "insufficient" | "parked"
    | "key_limit" | "unit_limit"
    // Leases (core/transaction, core/store): units out on a terminal page or in a spawner.
    | "leased" | "unknown_lease" | "lease_closed" | "lease_mismatch" | "not_leased" | "stale_epoch"
    // Consume requests (core/consume).
    | "invalid_request" | "invalid_condition" | "invalid_identifier" | "invalid_preference"
    | "invalid_quality" | "invalid_tag" | "too_broad" | "no_resolver" | "resolver_failed"
    // Storing an item (host/policy IngestRefusal, host/transfer).
    | "pending" | "gone" | "no_core" | "device" | "illegitimate" | "contained" | "full" | "full_keys"
    // Spawning units out of the database (host/spawner, host/transfer, host/savePhases).
    | "unknown_prefab" | "saving"
    // Decoding a saved blob (core/codec CodecRefusal, core/migrate, core/snapshotConvert); "empty" and
    // "internal" above are used here too.
    | "schema" | "truncated" | "charset" | "checksum" | "format" | "number" | "text" | "duplicate"
    | "id-range" | "trailing" | "bad_snapshot"
    // Devices and players' requests: an unpowered interface (features/interface), terminal access,
    // sessions, pages, bring requests and item controls (features/terminal).
    | "no_power" | "no_character" | "no_client" | "dead" | "no_terminal" | "not_terminal" | "not_using"
    | "not_in_use" | "not_in_view" | "not_available" | "unknown_entry" | "too_fast"
    | "wrong_database" | "bad_page" | "bad_action" | "no_actions" | "no_action" | "unknown_action"
    | "action_failed" | `action_${ActionCode}`
    // Terminal extensions registered by other mods (features/terminal/extensions).
    | "bad_id" | "bad_label" | "bad_function" | "bad_prefix" | "id_taken" | "prefix_taken"
    // Fabricators fed from a database (features/fabricator).
    | "refused" | "busy" | "no_room" | "unusable"
    // Console commands and host files (host/backups, host/cores).
    | "bad_name" | "not_found" | "file_error" | "no_memory" | "too_large" | "write_failed";

/**
 * The code of a refusal returned by another mod's terminal action: whatever text that mod chose
 * (or "refused"), passed on as is; an item control reports it as `action_<code>`.
 */
export type ActionCode = string;
/** What running a terminal action can end with: one of ours, or the action's own code. */
export type ActionRefusalCode = RefusalCode | ActionCode;

export type Ok<T> = { readonly ok: true; readonly value: T };
export type Refused<C extends string = RefusalCode> = { readonly ok: false; readonly code: C; readonly message: string };
export type Result<T, C extends string = RefusalCode> = Ok<T> | Refused<C>;

export function ok<T>(value: T): Ok<T> {
    return { ok: true, value };
}

export function refuse(code: RefusalCode, message: string): Refused {
    return { ok: false, code, message };
}
