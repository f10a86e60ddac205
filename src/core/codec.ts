/**
 * The persisted format: a DatabaseSnapshot as one line of printable ASCII, stored in the Database
 * Core's MemoryComponent value (an XML attribute in the save).
 *
 * Schema 2 is a sequence of fields, each followed by ';', then '!' and a 16-digit checksum:
 *
 *   blob      = content "!" checksum            checksum: see checksum.ts (covers all of content)
 *   content   = "DBIO2;" id ";" version ";" commitSerial ";" nextExactId ";"
 *               counts exacts counts exacts     (working entries, then units leased at capture)
 *   counts    = n ";" n * (key ";" count ";")
 *   exacts    = n ";" n * (exactId ";" record)
 *   record    = identifier ";" quality ";" condition ";" stolen ";" outpost ";" n ";"
 *               n * (container ";" slot ";" record)        (nested contents, recursively)
 *
 * Text fields (id, key, identifier, outpost) are escaped by text.ts, so they never contain ';',
 * '!', '%' (except as an escape), spaces or XML-special characters. Whole numbers are "%d",
 * condition is "%.2f" in 0.00..100.00, stolen is 0 or 1. A realistic aggregated entry such as
 * `oxygentank#0;45;` costs 15-20 bytes.
 *
 * Decoding is strict and all-or-nothing: anything that is not exactly what the encoder writes for
 * a valid snapshot is refused with a code and a message that says what is wrong. The writer never
 * puts '!' in the content and the trailer has a fixed width, so every truncation of a blob is
 * refused even before the checksum is compared.
 */

import { ok, refuse, type Refused, type RefusalCode, type Result } from "./result";
import type { ItemKey } from "./keys";
import type { ContainedRecord, ItemRecord } from "./record";
import type { DatabaseSnapshot, ExactEntry } from "./snapshotTypes";
import { CHECKSUM_DIGITS, checksumOf } from "./checksum";
import { decodeSchema1, schema1Checksum, SCHEMA1_HEADER } from "./migrate";
import {
    escapeText,
    formatCondition,
    formatWhole,
    hasUnitEscape,
    isWhole,
    parseCondition,
    parseWhole,
    runtimeUnicode,
    unescapeText,
} from "./text";

export const SCHEMA_VERSION = 2;

export interface DecodedBlob {
    readonly snapshot: DatabaseSnapshot;
    /** Schema the blob was written in (1 for a migrated first-release blob). */
    readonly schema: number;
    /** True when the blob was in an older schema: back it up before anything rewrites it. */
    readonly migrated: boolean;
}

/** Refusal codes of decodeSnapshot / checkSnapshot. */
export const CodecRefusal = {
    /** "" or no value: the caller treats the core as a new, empty database. */
    empty: "empty",
    /** Not a Database IO blob, or a schema this version cannot read. */
    schema: "schema",
    /** The blob ends early or its checksum trailer is damaged. */
    truncated: "truncated",
    /** A character outside printable ASCII. */
    charset: "charset",
    /** The content does not match the checksum it carries. */
    checksum: "checksum",
    /** A field that is malformed, empty where it must not be, or out of its range. */
    format: "format",
    /** A number field that is not a whole number. */
    number: "number",
    /** A text field that is not valid escaped text on this runtime. */
    text: "text",
    /** An exact id or an aggregated key that appears twice. */
    duplicate: "duplicate",
    /** An exact id that is not below nextExactId. */
    idRange: "id-range",
    /** Fields left over after the last section. */
    trailing: "trailing",
    /** An unexpected failure while reading; nothing was returned. */
    internal: "internal",
} as const satisfies Record<string, RefusalCode>;

/** Deepest nesting of contents the format accepts (top-level record is depth 0). */
export const MAX_NESTING = 32;

const SCHEMA2_HEADER = "DBIO2;";
const TRAILER_MARK = "!";
const TRAILER_PATTERN = "^" + TRAILER_MARK + string.rep("[0-9A-F]", CHECKSUM_DIGITS) + "$";
/** Fewest fields a record takes (identifier .. contents count), and a contained record. */
const RECORD_FIELDS = 6;
const CONTAINED_FIELDS = 2 + RECORD_FIELDS;

// ---------------------------------------------------------------------------------------------
// Encoding

/** A text field; a non-string becomes a malformed escape that the decoder refuses. */
function textField(s: string): string {
    return type(s) === "string" ? escapeText(s) : "%";
}

// The encoders fill one array of fields with a counter they pass along (`out[n] = v; n++`,
// docs/architecture.md "Growing arrays"): each returns how many fields `out` holds afterwards.

function pushCounts(out: string[], n: number, counts: readonly (readonly [ItemKey, number])[]): number {
    out[n] = formatWhole(counts.length);
    n++;
    for (const [key, count] of counts) {
        out[n] = textField(key);
        out[n + 1] = formatWhole(count);
        n += 2;
    }
    return n;
}

function pushRecord(out: string[], n: number, r: ItemRecord, depth: number): number {
    out[n] = textField(r.identifier);
    out[n + 1] = formatWhole(r.quality);
    out[n + 2] = formatCondition(r.condition) ?? "invalid";
    out[n + 3] = r.stolen === true ? "1" : r.stolen === false ? "0" : "invalid";
    out[n + 4] = textField(r.outpost);
    n += 5;
    if (depth >= MAX_NESTING && r.contents.length > 0) {
        // Too deep (or a cycle): written so that decoding refuses it instead of recursing forever.
        out[n] = "invalid";
        return n + 1;
    }
    out[n] = formatWhole(r.contents.length);
    n++;
    for (const c of r.contents) {
        out[n] = formatWhole(c.container);
        out[n + 1] = formatWhole(c.slot);
        n = pushRecord(out, n + 2, c.record, depth + 1);
    }
    return n;
}

function pushExacts(out: string[], n: number, entries: readonly ExactEntry[]): number {
    out[n] = formatWhole(entries.length);
    n++;
    for (const e of entries) {
        out[n] = formatWhole(e.id);
        n = pushRecord(out, n + 1, e.record, 0);
    }
    return n;
}

/** Appends the checksum trailer to `content` (content must be printable ASCII). */
export function sealContent(content: string): string {
    return content + TRAILER_MARK + (checksumOf(content) ?? string.rep("0", CHECKSUM_DIGITS));
}

/**
 * Encodes a snapshot. Deterministic: the same snapshot always gives the same string. Values the
 * format cannot hold (see checkSnapshot) are written so that decoding refuses them, never
 * silently rounded or dropped; use encodeChecked to find out before writing.
 */
export function encodeSnapshot(s: DatabaseSnapshot): string {
    const out: string[] = ["DBIO2", textField(s.id), formatWhole(s.version), formatWhole(s.commitSerial), formatWhole(s.nextExactId)];
    let n = 5;
    n = pushCounts(out, n, s.counts);
    n = pushExacts(out, n, s.exact);
    n = pushCounts(out, n, s.leasedCounts);
    n = pushExacts(out, n, s.leasedExact);
    out[n] = "";
    return sealContent(table.concat(out, ";"));
}

// ---------------------------------------------------------------------------------------------
// Validation of an in-memory snapshot (the same rules the decoder applies)

function num(n: number): string {
    if (type(n) !== "number" || !(n > -1e15 && n < 1e15)) return "(not a finite number)";
    return string.format(math.floor(n) === n ? "%d" : "%.2f", n);
}

function checkCounts(counts: readonly (readonly [ItemKey, number])[], section: string): Refused | undefined {
    const seen = new LuaSet<string>();
    for (let i = 0; i < counts.length; i++) {
        const key = counts[i][0];
        const count = counts[i][1];
        const where = section + " " + string.format("%d", i + 1);
        if (type(key) !== "string" || key === "") return refuse("format", where + ": key is empty or not text");
        if (!isWhole(count) || count < 1) return refuse("number", where + " (" + key + "): count " + num(count) + " is not a whole number >= 1");
        if (seen.has(key)) return refuse("duplicate", section + ": key " + key + " appears more than once");
        seen.add(key);
    }
    return undefined;
}

function checkRecord(r: ItemRecord, where: string, depth: number): Refused | undefined {
    if (type(r.identifier) !== "string" || r.identifier === "") return refuse("format", where + ": identifier is empty or not text");
    if (!isWhole(r.quality)) return refuse("number", where + ": quality " + num(r.quality) + " is not a whole number");
    if (formatCondition(r.condition) === undefined) return refuse("format", where + ": condition " + num(r.condition) + " is not within 0..100");
    if (r.stolen !== true && r.stolen !== false) return refuse("format", where + ": stolen is not a boolean");
    if (type(r.outpost) !== "string") return refuse("format", where + ": outpost is not text");
    if (r.contents.length > 0 && depth >= MAX_NESTING) {
        return refuse("format", where + ": contents nested deeper than " + string.format("%d", MAX_NESTING) + " levels");
    }
    for (let i = 0; i < r.contents.length; i++) {
        const c: ContainedRecord = r.contents[i];
        const inner = where + " > item " + string.format("%d", i + 1);
        if (!isWhole(c.container)) return refuse("number", inner + ": container index " + num(c.container) + " is not a whole number");
        if (!isWhole(c.slot)) return refuse("number", inner + ": slot " + num(c.slot) + " is not a whole number");
        const problem = checkRecord(c.record, inner, depth + 1);
        if (problem !== undefined) return problem;
    }
    return undefined;
}

function checkExacts(entries: readonly ExactEntry[], section: string, nextExactId: number, seen: LuaSet<number>): Refused | undefined {
    for (let i = 0; i < entries.length; i++) {
        const e = entries[i];
        const where = section + " " + string.format("%d", i + 1);
        if (!isWhole(e.id)) return refuse("number", where + ": id " + num(e.id) + " is not a whole number");
        const idText = "exact id " + string.format("%d", e.id);
        if (e.id >= nextExactId) {
            return refuse("id-range", where + ": " + idText + " is not below nextExactId " + string.format("%d", nextExactId));
        }
        if (seen.has(e.id)) return refuse("duplicate", where + ": " + idText + " appears more than once");
        seen.add(e.id);
        const problem = checkRecord(e.record, where + " (" + idText + ")", 0);
        if (problem !== undefined) return problem;
    }
    return undefined;
}

/**
 * Whether encodeSnapshot(s) would decode back to s: ids unique and below nextExactId, whole
 * numbers where the format needs them, counts >= 1, keys unique per list, conditions within
 * 0..100, nesting within MAX_NESTING. Returns the snapshot itself when it is fine.
 */
export function checkSnapshot(s: DatabaseSnapshot): Result<DatabaseSnapshot> {
    if (type(s.id) !== "string" || s.id === "") return refuse("format", "database id is empty or not text");
    if (!isWhole(s.version)) return refuse("number", "version " + num(s.version) + " is not a whole number");
    if (!isWhole(s.commitSerial)) return refuse("number", "commit serial " + num(s.commitSerial) + " is not a whole number");
    if (!isWhole(s.nextExactId)) return refuse("number", "nextExactId " + num(s.nextExactId) + " is not a whole number");
    const seen = new LuaSet<number>();
    const problem =
        checkCounts(s.counts, "aggregated entry") ??
        checkExacts(s.exact, "exact entry", s.nextExactId, seen) ??
        checkCounts(s.leasedCounts, "leased aggregated entry") ??
        checkExacts(s.leasedExact, "leased exact entry", s.nextExactId, seen);
    return problem ?? ok(s);
}

/** checkSnapshot, then encodeSnapshot: what a host should write. */
export function encodeChecked(s: DatabaseSnapshot): Result<string> {
    const checked = checkSnapshot(s);
    return checked.ok ? ok(encodeSnapshot(s)) : checked;
}

// ---------------------------------------------------------------------------------------------
// Decoding

function quote(token: string): string {
    return "'" + (token.length > 40 ? string.sub(token, 1, 40) + "..." : token) + "'";
}

/** Walks the fields of a schema 2 body; the first problem stops everything. */
class FieldReader {
    problem: Refused | undefined = undefined;
    private next = 0;

    constructor(private readonly fields: string[]) {}

    /** The first problem met so far (a method, so narrowing does not hide later failures). */
    failure(): Refused | undefined {
        return this.problem;
    }

    fail(code: RefusalCode, message: string): void {
        if (this.problem === undefined) this.problem = refuse(code, message);
    }

    left(): number {
        return this.fields.length - this.next;
    }

    take(what: string): string | undefined {
        if (this.problem !== undefined) return undefined;
        if (this.next >= this.fields.length) {
            this.fail("truncated", what + " is missing: the blob ends early");
            return undefined;
        }
        const field = this.fields[this.next];
        this.next += 1;
        return field;
    }

    whole(what: string, least = 0): number {
        const field = this.take(what);
        if (field === undefined) return -1;
        const n = parseWhole(field);
        if (n === undefined || n < least) {
            const need = least > 0 ? "a whole number >= " + string.format("%d", least) : "a whole number";
            this.fail("number", what + " " + quote(field) + " is not " + need);
            return -1;
        }
        return n;
    }

    /** A list length, which must fit in the fields that are left. */
    count(what: string, fieldsEach: number): number {
        const n = this.whole(what);
        if (n > 0 && n * fieldsEach > this.left()) {
            this.fail(
                "truncated",
                what + " claims " + string.format("%d", n) + " entries but only " + string.format("%d", this.left()) + " fields remain",
            );
            return -1;
        }
        return n;
    }

    text(what: string, allowEmpty: boolean): string {
        const field = this.take(what);
        if (field === undefined) return "";
        if (field === "") {
            if (!allowEmpty) this.fail("format", what + " is empty");
            return "";
        }
        const text = unescapeText(field, true);
        if (text !== undefined) return text;
        if (hasUnitEscape(field) && runtimeUnicode() === undefined) {
            this.fail("text", what + " uses %u escapes, which only a UTF-16 runtime (the game) can read");
        } else {
            this.fail("text", what + " " + quote(field) + " is not valid escaped text");
        }
        return "";
    }

    condition(what: string): number {
        const field = this.take(what);
        if (field === undefined) return -1;
        const c = parseCondition(field);
        if (c === undefined) {
            this.fail("format", what + " " + quote(field) + " is not a condition 0.00..100.00");
            return -1;
        }
        return c;
    }

    flag(what: string): boolean {
        const field = this.take(what);
        if (field === "1") return true;
        if (field !== "0" && field !== undefined) this.fail("format", what + " " + quote(field) + " is not 0 or 1");
        return false;
    }
}

function readCounts(r: FieldReader, section: string): (readonly [ItemKey, number])[] {
    const n = r.count(section + " count", 2);
    const counts: (readonly [ItemKey, number])[] = [];
    const seen = new LuaSet<string>();
    for (let i = 1; i <= n && r.failure() === undefined; i++) {
        // The location is spelled out only when something is wrong (this loop is the hot one).
        const key = r.text("key", false);
        const count = r.whole("count", 1);
        const problem = r.failure();
        if (problem !== undefined) {
            const named = key !== "" ? " (key " + quote(key) + ")" : "";
            r.problem = refuse(problem.code, section + " " + string.format("%d", i) + named + ": " + problem.message);
            break;
        }
        if (seen.has(key)) {
            r.fail("duplicate", section + " " + string.format("%d", i) + ": key " + quote(key) + " appears more than once");
            break;
        }
        seen.add(key);
        counts[i - 1] = [key, count];
    }
    return counts;
}

function readRecord(r: FieldReader, where: string, depth: number): ItemRecord {
    const identifier = r.text(where + " identifier", false);
    const quality = r.whole(where + " quality");
    const condition = r.condition(where + " condition");
    const stolen = r.flag(where + " stolen flag");
    const outpost = r.text(where + " outpost", true);
    const contents: ContainedRecord[] = [];
    if (depth >= MAX_NESTING) {
        // The deepest level holds no contents; the encoder writes anything deeper as not-a-count.
        const field = r.take(where + " contents");
        if (field !== undefined && field !== "0") {
            r.fail("format", where + ": contents nested deeper than " + string.format("%d", MAX_NESTING) + " levels");
        }
        return { identifier, quality, condition, stolen, outpost, contents };
    }
    const n = r.count(where + " contents", CONTAINED_FIELDS);
    for (let i = 1; i <= n && r.failure() === undefined; i++) {
        const inner = where + " > item " + string.format("%d", i);
        const container = r.whole(inner + " container index");
        const slot = r.whole(inner + " slot");
        const record = readRecord(r, inner, depth + 1);
        contents[i - 1] = { container, slot, record };
    }
    return { identifier, quality, condition, stolen, outpost, contents };
}

function readExacts(r: FieldReader, section: string, nextExactId: number, seen: LuaSet<number>): ExactEntry[] {
    const n = r.count(section + " count", 1 + RECORD_FIELDS);
    const entries: ExactEntry[] = [];
    for (let i = 1; i <= n && r.failure() === undefined; i++) {
        const where = section + " " + string.format("%d", i);
        const id = r.whole(where + " id");
        if (r.failure() !== undefined) break;
        const idText = "exact id " + string.format("%d", id);
        if (id >= nextExactId) {
            r.fail("id-range", where + ": " + idText + " is not below nextExactId " + string.format("%d", nextExactId));
            break;
        }
        if (seen.has(id)) {
            r.fail("duplicate", where + ": " + idText + " appears more than once");
            break;
        }
        seen.add(id);
        const record = readRecord(r, where + " (" + idText + ")", 0);
        entries[i - 1] = { id, record };
    }
    return entries;
}

/** Whether the blob ends with '!' and the checksum digits, after at least the header. */
function hasTrailer(blob: string, trailerStart: number): boolean {
    if (trailerStart <= SCHEMA2_HEADER.length) return false;
    const [at] = string.find(string.sub(blob, trailerStart), TRAILER_PATTERN);
    return at !== undefined;
}

function decodeSchema2(blob: string): Result<DecodedBlob> {
    const n = blob.length;
    const trailerStart = n - CHECKSUM_DIGITS;
    if (!hasTrailer(blob, trailerStart)) {
        return refuse(
            "truncated",
            "the blob is truncated or its checksum trailer is damaged (it must end with '!' and " +
                string.format("%d", CHECKSUM_DIGITS) +
                " hex digits; it is " +
                string.format("%d", n) +
                " characters long)",
        );
    }
    const carried = string.sub(blob, trailerStart + 1);
    const content = string.sub(blob, 1, trailerStart - 1);
    const computed = checksumOf(content);
    if (computed === undefined) return refuse("charset", "the blob contains a character outside printable ASCII");
    if (computed !== carried) {
        return refuse("checksum", "checksum mismatch: the blob carries " + carried + " but its content hashes to " + computed + " (altered or damaged)");
    }

    const body = string.sub(content, SCHEMA2_HEADER.length + 1);
    if (string.sub(body, -1) !== ";") return refuse("format", "the blob content must end with ';' before its checksum");
    const fields: string[] = [];
    let fieldCount = 0;
    for (const [field] of string.gmatch(body, "([^;]*);")) {
        fields[fieldCount] = field;
        fieldCount++;
    }

    const r = new FieldReader(fields);
    const id = r.text("database id", false);
    const version = r.whole("version");
    const commitSerial = r.whole("commit serial");
    const nextExactId = r.whole("nextExactId");
    const seen = new LuaSet<number>();
    const counts = readCounts(r, "aggregated entry");
    const exact = readExacts(r, "exact entry", nextExactId, seen);
    const leasedCounts = readCounts(r, "leased aggregated entry");
    const leasedExact = readExacts(r, "leased exact entry", nextExactId, seen);
    const problem = r.failure();
    if (problem !== undefined) return problem;
    if (r.left() > 0) {
        return refuse("trailing", string.format("%d", r.left()) + " unexpected field(s) after the last section (first: " + quote(fields[fields.length - r.left()]) + ")");
    }
    return ok({
        snapshot: { id, version, commitSerial, nextExactId, counts, exact, leasedCounts, leasedExact },
        schema: SCHEMA_VERSION,
        migrated: false,
    });
}

function decodeUnguarded(blob: string): Result<DecodedBlob> {
    if (blob === undefined || blob === "") return refuse("empty", "the Database Core holds no data");
    if (type(blob) !== "string") return refuse("format", "the stored value is not text");
    const [schemaText] = string.match(blob, "^DBIO(%d+);");
    if (schemaText === undefined) return refuse("schema", "not a Database IO blob (it must start with DBIO<schema>;)");
    if (string.sub(blob, 1, SCHEMA1_HEADER.length) === SCHEMA1_HEADER) {
        const migrated = decodeSchema1(blob);
        if (!migrated.ok) return migrated;
        return ok({ snapshot: migrated.value, schema: 1, migrated: true });
    }
    if (string.sub(blob, 1, SCHEMA2_HEADER.length) === SCHEMA2_HEADER) return decodeSchema2(blob);
    return refuse(
        "schema",
        "schema " + quote(schemaText) + " cannot be read by this version (it reads schemas 1 and " + string.format("%d", SCHEMA_VERSION) + ")",
    );
}

/**
 * Decodes a blob. Never throws and never returns part of a database: either the whole snapshot
 * or a refusal. "" gives the refusal "empty" (a new, empty database). A schema 1 blob is returned
 * migrated (schema 1, migrated = true).
 */
export function decodeSnapshot(blob: string): Result<DecodedBlob> {
    try {
        return decodeUnguarded(blob);
    } catch (e) {
        return refuse("internal", "the blob could not be read: " + (type(e) === "string" ? (e as string) : "unexpected error"));
    }
}

/** The checksum a blob carries (16 hex digits for schema 2, 8 for schema 1), if it has one. */
export function blobChecksum(blob: string): string | undefined {
    if (type(blob) !== "string") return undefined;
    if (string.sub(blob, 1, SCHEMA1_HEADER.length) === SCHEMA1_HEADER) return schema1Checksum(blob);
    if (string.sub(blob, 1, SCHEMA2_HEADER.length) !== SCHEMA2_HEADER) return undefined;
    const trailerStart = blob.length - CHECKSUM_DIGITS;
    return hasTrailer(blob, trailerStart) ? string.sub(blob, trailerStart + 1) : undefined;
}
