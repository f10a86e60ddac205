/** @noSelfInFile */
/**
 * Database IO: declarations of the public Lua API for mods written in TypeScript (TypeScriptToLua).
 *
 * The mod defines one global table, `DatabaseIO`, where the database lives: on a server and in
 * singleplayer. On a multiplayer client there is no API (with client-side LuaCs, `DatabaseIO` holds
 * only the client panel's table, without `apiVersion`): check `apiVersion` before anything else.
 * It is set while the mod's Autorun file runs, so read it when you use it (or in a `loaded` hook),
 * not when your own file loads.
 *
 * Every function is called with a dot (`DatabaseIO.amount("default", "steel")`) and none throws:
 * queries answer 0, an empty list or undefined for invalid arguments, everything else returns a
 * `Result` whose `code` says why it was refused. Reference with examples: docs/api.md.
 *
 * Use it in a TSTL project: add this file to `compilerOptions.types` or `include`, then
 *
 *     const dbio = DatabaseIO;
 *     if (dbio !== undefined && typeof dbio.apiVersion === "number" && dbio.apiVersion >= 1) { ... }
 */

declare namespace DatabaseIO {
    /** Units are counted under a key "identifier#quality", e.g. "steel#0" (identifier in lower case). */
    type ItemKey = string;

    interface Ok<T> {
        readonly ok: true;
        readonly value: T;
    }

    /**
     * The refusal codes the API documents (docs/api.md, "Refusal codes"). None is renamed within an
     * apiVersion; a new one may be added.
     */
    type RefusalCode =
        // argument checks, and a failure inside Database IO
        | "bad_request" | "bad_item" | "bad_amount" | "internal"
        // storing an item (ingest)
        | "saving" | "pending" | "gone" | "no_core" | "device" | "illegitimate" | "contained" | "full" | "full_keys"
        // the database and its units (extract, plan, consume, consumeInto)
        | "unknown_database" | "read_only" | "unknown_prefab" | "unknown_key" | "insufficient" | "parked"
        // consume requests
        | "invalid_request" | "invalid_amount" | "invalid_condition" | "invalid_quality" | "invalid_preference"
        | "invalid_identifier" | "invalid_tag" | "too_broad" | "resolver_failed"
        // terminal extensions
        | "bad_id" | "bad_label" | "bad_function" | "id_taken" | "bad_prefix" | "prefix_taken";

    /**
     * A refusal: `code` is stable (switch on it), `message` is readable English for logs. `code` is
     * one of RefusalCode; other text is left open for a code added later and for the codes a
     * terminal action of your own chooses.
     */
    interface Refused {
        readonly ok: false;
        readonly code: RefusalCode | (string & {});
        readonly message: string;
    }

    type Result<T> = Ok<T> | Refused;

    /** What the database knows about one real item. */
    interface ItemRecord {
        /** Prefab identifier, lower case. */
        readonly identifier: string;
        /** Quality level (0 = normal). */
        readonly quality: number;
        /** Condition in percent of the prefab's maximum, 0..100. */
        readonly condition: number;
        readonly stolen: boolean;
        /** Original outpost of outpost property, "" when none. */
        readonly outpost: string;
        /** Items inside this one (a toolbox's tools, a weapon's magazine). */
        readonly contents: readonly ContainedRecord[];
    }

    interface ContainedRecord {
        /** 0-based index of the item's inner container. */
        readonly container: number;
        /** 0-based slot in that container. */
        readonly slot: number;
        readonly record: ItemRecord;
    }

    /** Aggregated units of one key (full condition, no contents, nothing special). */
    interface EntryView {
        readonly key: ItemKey;
        readonly identifier: string;
        readonly quality: number;
        readonly amount: number;
    }

    /** One exact entry: a damaged item, an item with contents, a stolen item. */
    interface ExactView {
        /** Unique in its database, never reused. */
        readonly id: number;
        readonly record: ItemRecord;
    }

    interface DatabaseInfo {
        /** Normalized id (trimmed, lower case, "default" for empty). */
        readonly id: string;
        /** Goes up with every change; goes back only when a rollback or rebuild resets the database. */
        readonly version: number;
        /** Top-level units in the database (not leased; an exact entry counts 1 whatever it holds). */
        readonly units: number;
        /** Units out on terminal pages or on their way to an inventory. */
        readonly leased: number;
        /** Distinct keys held (in the database or leased). */
        readonly keys: number;
        /** A read-only database refuses every change until a host restores it. */
        readonly readOnly: boolean;
        readonly readOnlyReason?: string;
        /** True when a Database Core persists it (units of a database without one are not saved). */
        readonly anchored: boolean;
    }

    /** Units of `key` available to takers before and after one change. */
    interface KeyChange {
        readonly key: ItemKey;
        readonly before: number;
        readonly after: number;
    }

    /** One applied change of a database. Shared by every watcher: do not modify it. */
    interface MutationEvent {
        readonly db: string;
        readonly version: number;
        /** Who changed it, e.g. "interface:123", "api:mymod", "rollback". */
        readonly source: string;
        /** Keys whose available amount changed, sorted by key. */
        readonly changes: readonly KeyChange[];
        /** The whole database was replaced (rebuild, rollback): read the amounts again. */
        readonly reset?: boolean;
    }

    interface Watch {
        /** Stops deliveries at once. Calling it again does nothing. */
        stop(this: void): void;
    }

    interface Subscription {
        /** Removes the listener (unless the same name was registered again since). */
        stop(this: void): void;
    }

    type ConsumePreference = "best" | "worst" | "oldest";

    /** One ingredient of a consume request: units of any listed identifier or tag. */
    interface Ingredient {
        /** Acceptable prefab identifiers (any case). */
        readonly identifiers?: readonly string[];
        /** Acceptable item tags (resolved to the prefabs that carry them). */
        readonly tags?: readonly string[];
        /** Units wanted: a whole number from 1 to 4096. */
        readonly amount: number;
        /** Condition range in percent, inclusive (default 0..100). */
        readonly minCondition?: number;
        readonly maxCondition?: number;
        /** Qualities accepted (default 0..3). */
        readonly qualities?: readonly number[];
        /** Which units go first: best condition/quality (default), worst, or oldest exact entries. */
        readonly prefer?: ConsumePreference;
        /** Accept items that hold other items (their contents go with them). Default false. */
        readonly allowContents?: boolean;
    }

    /** At most 32 ingredients and 4096 units; every ingredient is covered in full or nothing moves. */
    interface ConsumeRequest {
        readonly ingredients: readonly Ingredient[];
    }

    interface ConsumePick {
        /** 1-based index of the ingredient in the request. */
        readonly ingredient: number;
        readonly key: ItemKey;
        readonly count: number;
        /** Set for an exact entry (count is then 1). */
        readonly exactId?: number;
        readonly record: ItemRecord;
    }

    interface PlanView {
        readonly db: string;
        readonly units: number;
        readonly picks: ConsumePick[];
    }

    /** Units that left the database: `count` items like `record`. */
    interface TakenUnits {
        readonly key: ItemKey;
        readonly record: ItemRecord;
        readonly count: number;
        readonly exactId?: number;
    }

    interface ConsumeView {
        readonly db: string;
        readonly units: number;
        /** Database version after the take. */
        readonly version: number;
        readonly taken: TakenUnits[];
    }

    interface ConsumeIntoView {
        readonly db: string;
        readonly units: number;
        /** Spawner leases the units travel in (one per picked key or exact entry). */
        readonly leases: number[];
    }

    interface ExtractTicket {
        readonly leaseId: number;
        readonly units: number;
    }

    interface RebuiltDatabaseView {
        readonly id: string;
        /** "loaded" from its core, "new" (empty core) or "read_only" (unreadable, kept untouched). */
        readonly state: "loaded" | "new" | "read_only";
        readonly version: number;
        readonly units: number;
        readonly readOnlyReason?: string;
    }

    interface RebuiltView {
        readonly databases: RebuiltDatabaseView[];
        /** One readable line per finding (conflicts, migrations, unreadable cores). */
        readonly messages: string[];
    }

    /** One row of a terminal's list, as sort modes and search filters see it. Read only: do not keep it. */
    interface TerminalRow {
        readonly key: ItemKey;
        /** Set for an exact entry (one unit: damaged, with contents, stolen). */
        readonly exactId?: number;
        readonly identifier: string;
        /** Localized name in lower case (the server's language). */
        readonly name: string;
        readonly amount: number;
        /** Condition in percent, 0..100. */
        readonly condition: number;
        /** A serial: higher means the row changed later. */
        readonly changed: number;
    }

    /** What a terminal action is run with. */
    interface TerminalActionContext {
        /** The terminal item. */
        readonly terminal: GameItem;
        readonly terminalId: number;
        readonly db: string;
        readonly page: number;
        readonly sort: string;
        readonly descending: boolean;
        readonly search: string;
        /** Characters using the terminal. */
        readonly users: GameCharacter[];
        /** Returns the page's units and fills it again (after the action changed the database). */
        refresh(this: void): void;
    }

    /** A game character (Barotrauma.Character). */
    interface GameCharacter {
        readonly ID: number;
        readonly Name: string;
    }

    /** A game item (Barotrauma.Item); any typing with a numeric `ID` fits. */
    interface GameItem {
        readonly ID: number;
    }

    /** A game inventory (Barotrauma.Inventory), e.g. `item.OwnInventory`. */
    interface GameInventory {
        readonly Capacity: number;
    }

    interface Api {
        /** Bumped only by a change that breaks existing callers; new functions keep it. */
        readonly apiVersion: number;
        /** The mod's version, "x.y.z". */
        readonly modVersion: string;

        /** The key units of (identifier, quality = 0) are counted under; undefined for invalid arguments. */
        key(this: void, identifier: string, quality?: number): ItemKey | undefined;

        /** Ids of every database known this round, sorted. */
        databases(this: void): string[];

        /** Units of an item a taker can have now (leased units and units of unloaded prefabs excluded). */
        amount(this: void, db: string, identifier: string, quality?: number): number;

        /** Version, size and state of one database; undefined when there is none. */
        info(this: void, db: string): DatabaseInfo | undefined;

        /** Units of an item currently leased out (on a terminal page or on their way to an inventory). */
        leased(this: void, db: string, identifier: string, quality?: number): number;

        /** Every key with units available, sorted by key. */
        entries(this: void, db: string): EntryView[];

        /** Exact entries, sorted by id (leased ones excluded). */
        exactEntries(this: void, db: string): ExactView[];

        /**
         * Stores a real item (with everything inside it) under the same policy as an interface.
         * The item is queued for removal; its record enters the database once it is gone.
         * Codes: bad_item, bad_request, pending, and the ingest policy's refusals (limits, read_only, ...).
         */
        ingest(this: void, item: GameItem, db?: string, source?: string): Result<ItemRecord>;

        /**
         * Spawns `amount` (1..1000) aggregated units into `inventory`. Units travel in a spawner
         * lease; a unit that cannot be placed returns to the database.
         * Codes: bad_request, bad_amount, unknown_prefab, unknown_database, read_only, insufficient, ...
         */
        extract(this: void, db: string, identifier: string, amount: number, inventory: GameInventory, source?: string, quality?: number): Result<ExtractTicket>;

        /** What `consume` would take now, without changing anything. */
        plan(this: void, db: string, request: ConsumeRequest): Result<PlanView>;

        /**
         * Takes every ingredient out of the database in one transaction, all or nothing; leased
         * units are never taken. The units leave for good: use them up or materialise the
         * returned records yourself. Codes: bad_request, invalid_*, too_broad, unknown_database,
         * read_only, insufficient.
         */
        consume(this: void, db: string, request: ConsumeRequest, source?: string): Result<ConsumeView>;

        /**
         * Plans the request all or nothing (at most 1000 units), then spawns the picked units into
         * `inventory` like `extract`: a unit that cannot be placed returns to the database.
         * Codes: those of `consume`, plus bad_amount and unknown_prefab.
         */
        consumeInto(this: void, db: string, request: ConsumeRequest, inventory: GameInventory, source?: string): Result<ConsumeIntoView>;

        /** Calls `fn(event)` after every change of database `db`. Code: bad_request. */
        watchAll(this: void, db: string, fn: (this: void, event: MutationEvent) => void): Result<Watch>;

        /** Calls `fn(event)` after every change touching `key` (from `key()`) in `db`. Code: bad_request. */
        watchKey(this: void, db: string, key: ItemKey, fn: (this: void, event: MutationEvent) => void): Result<Watch>;

        /** A save was confirmed: `dbIds` are the databases it committed. The same name replaces. */
        onCommitted(this: void, name: string, fn: (this: void, dbIds: string[]) => void): Result<Subscription>;

        /** The round ended without a save: every database went back to the last save. */
        onRolledBack(this: void, name: string, fn: (this: void, reason: string) => void): Result<Subscription>;

        /** The databases were rebuilt from the Database Cores (every round start, a Lua reload). */
        onRebuilt(this: void, name: string, fn: (this: void, report: RebuiltView) => void): Result<Subscription>;

        /**
         * Adds a terminal sort mode, after the built-in ones (name, amount, condition, recent) in the
         * Sort button's cycle. `compare` answers negative when `a` comes first, positive when `b`
         * does, 0 for a tie (broken by name, key, exact id); Direction reverses it. `id`: 1..48 of
         * a-z 0-9 . _ - : (e.g. "mymod.rarity"); `label`: 1..24 printable characters. The same id
         * again replaces the mode. Value: the normalized id. Codes: bad_id, id_taken, bad_label,
         * bad_function. A comparator that raises counts as a tie (logged once a minute).
         */
        registerSortMode(this: void, id: string, label: string, compare: (this: void, a: TerminalRow, b: TerminalRow) => number): Result<string>;

        /**
         * A search that starts with `prefix` (e.g. "@mymod") runs `matches(row, text)` instead of the
         * name search; `text` is the rest of the search, trimmed, lower case. The longest prefix wins.
         * Codes: bad_id, bad_prefix, prefix_taken, bad_function.
         */
        registerSearchFilter(this: void, id: string, prefix: string, matches: (this: void, row: TerminalRow, text: string) => boolean): Result<string>;

        /**
         * Adds an action to the terminals' Actions button (or a button of your own item:
         * `<LuaHook name="databaseio.terminal.action" action="id"/>`). `run` returns a Result whose
         * text or message is shown on the terminal. Codes: bad_id, bad_label, bad_function.
         */
        registerTerminalAction(this: void, id: string, label: string, run: (this: void, ctx: TerminalActionContext) => Result<string>): Result<string>;
    }
}

/** Set by Database IO where the database lives (server, singleplayer); undefined elsewhere. */
declare const DatabaseIO: DatabaseIO.Api | undefined;
