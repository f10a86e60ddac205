/**
 * Older schemas, read and turned into today's snapshot.
 *
 * Schema 1 (the first release) stored aggregated counts only:
 *
 *   blob     = "DBIO1;" id ";" version ";" pairs ";" checksum
 *   pairs    = "" | pair *("," pair)
 *   pair     = key "=" count
 *   id, key  = non-empty text fields escaped as in text.ts (safe set `0-9 A-Z a-z _ . # -`,
 *              everything else `%XX`)
 *   version  = whole number written with "%d"; count = whole number >= 1 written with "%d"
 *   checksum = 8 upper-case hex digits of h, where h = 0 and, for each character c of everything
 *              before the checksum (from "DBIO1;" up to and including the ";" after pairs),
 *              h = (h * 31 + c) mod 2147483647
 *
 * Example (test/fixtures/blobs/schema1_basic.blob): `DBIO1;main;42;steel#0=120,oxygentank#1=7;<8 hex>`.
 *
 * A schema 1 database becomes: same id, version and counts (in blob order), commitSerial 0,
 * nextExactId 1, no exact entries, no open leases. The reader is as strict as today's: a wrong
 * checksum, a malformed field, a count of 0 or a repeated key is refused, never half-read.
 */

import { ok, refuse, type Result } from "./result";
import type { ItemKey } from "./keys";
import type { DatabaseSnapshot } from "./snapshotTypes";
import { simpleChecksumOf } from "./checksum";
import { hasUnitEscape, parseWhole, runtimeUnicode, unescapeText } from "./text";

export const SCHEMA1_HEADER = "DBIO1;";
const SCHEMA1_BASE = 31;
const SCHEMA1_PRIME = 2147483647;
const SCHEMA1_DIGITS = 8;
const SCHEMA1_TRAILER = ";" + string.rep("[0-9A-F]", SCHEMA1_DIGITS) + "$";

/** The checksum a schema 1 blob carries, or undefined when its trailer is missing or damaged. */
export function schema1Checksum(blob: string): string | undefined {
    const [at] = string.find(blob, SCHEMA1_TRAILER);
    if (at === undefined || at !== blob.length - SCHEMA1_DIGITS) return undefined;
    return string.sub(blob, at + 1);
}

/** The checksum schema 1 defines for `content` (everything before the checksum). */
export function schema1ChecksumOf(content: string): string | undefined {
    return simpleChecksumOf(content, SCHEMA1_BASE, SCHEMA1_PRIME, SCHEMA1_DIGITS);
}

function quote(token: string): string {
    return "'" + (token.length > 40 ? string.sub(token, 1, 40) + "..." : token) + "'";
}

function readText(token: string, what: string): Result<string> {
    if (token === "") return refuse("format", "schema 1: " + what + " is empty");
    const text = unescapeText(token, true);
    if (text !== undefined) return ok(text);
    if (hasUnitEscape(token) && runtimeUnicode() === undefined) {
        return refuse("text", "schema 1: " + what + " uses %u escapes, which only a UTF-16 runtime can read");
    }
    return refuse("text", "schema 1: " + what + " " + quote(token) + " is not valid escaped text");
}

/** Reads a schema 1 blob (which starts with "DBIO1;") into a snapshot. */
export function decodeSchema1(blob: string): Result<DatabaseSnapshot> {
    const carried = schema1Checksum(blob);
    if (carried === undefined) {
        return refuse("truncated", "schema 1 blob is truncated or its checksum trailer is damaged (it must end with ';' and 8 hex digits)");
    }
    const content = string.sub(blob, 1, blob.length - SCHEMA1_DIGITS);
    const computed = schema1ChecksumOf(content);
    if (computed === undefined) return refuse("charset", "schema 1 blob contains a character outside printable ASCII");
    if (computed !== carried) {
        return refuse("checksum", "schema 1 checksum mismatch: the blob carries " + carried + " but its content hashes to " + computed + " (altered or damaged)");
    }

    const [idToken, versionToken, pairs] = string.match(content, "^DBIO1;([^;]*);([^;]*);([^;]*);$");
    if (idToken === undefined || versionToken === undefined || pairs === undefined) {
        return refuse("format", "schema 1 blob must hold exactly id;version;pairs; before its checksum");
    }
    const id = readText(idToken, "database id");
    if (!id.ok) return id;
    const version = parseWhole(versionToken);
    if (version === undefined) return refuse("number", "schema 1: version " + quote(versionToken) + " is not a whole number");

    const counts: (readonly [ItemKey, number])[] = [];
    let nCounts = 0;
    if (pairs !== "") {
        const seen = new LuaSet<string>();
        let index = 0;
        for (const [pair] of string.gmatch(pairs + ",", "([^,]*),")) {
            index += 1;
            const where = "pair " + string.format("%d", index);
            const [keyToken, countToken] = string.match(pair, "^([^=]*)=([^=]*)$");
            if (keyToken === undefined || countToken === undefined) {
                return refuse("format", "schema 1: " + where + " " + quote(pair) + " is not key=count");
            }
            const key = readText(keyToken, where + " key");
            if (!key.ok) return key;
            const count = parseWhole(countToken);
            if (count === undefined || count < 1) {
                return refuse("number", "schema 1: " + where + " count " + quote(countToken) + " is not a whole number >= 1");
            }
            if (seen.has(key.value)) return refuse("duplicate", "schema 1: key " + quote(keyToken) + " appears more than once");
            seen.add(key.value);
            counts[nCounts] = [key.value, count];
            nCounts++;
        }
    }

    return ok({
        id: id.value,
        version,
        commitSerial: 0,
        nextExactId: 1,
        counts,
        exact: [],
        leasedCounts: [],
        leasedExact: [],
    });
}
