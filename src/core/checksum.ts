/**
 * The checksum a blob carries: two polynomial hashes over its code units, each modulo a prime,
 * with the text's length mixed in, written as 16 upper-case hex digits.
 *
 *   for each modulus (B, P) in (65599, 2147483647) and (92821, 2147483629):
 *     h = 0
 *     for each code unit c of the text, first to last:  h = (h * B + c) mod P
 *     h = (h * B + length) mod P
 *   checksum = string.format("%08X%08X", h1, h2)
 *
 * Exactness: h < P < 2^31 and B < 2^17, so h * B + c < 2^48 stays an exact double on both runtimes
 * (no bitwise operators needed), and PUC's floor-based `%` cannot round across an integer there.
 *
 * Why any single-character substitution changes the checksum: the hash is linear,
 * h = sum(c_k * B^(n-k+1)) + n (mod P). Replacing c_i by c'_i (same length n) changes h by
 * (c'_i - c_i) * B^(n-i+1) mod P. P is prime, 0 < |c'_i - c_i| < 65536 < P and B is not a multiple
 * of P, so both factors are non-zero in the field Z/P and so is their product: h differs (for
 * each modulus separately). Changes of several characters or of the length are caught with
 * probability about 1 - 2^-62 by the two independent moduli together.
 *
 * The scan also reports whether every unit is printable ASCII (0x20..0x7E): it reads real code
 * units (`string.unicode` on MoonSharp, whose `string.byte` turns units above 254 into '?').
 */

import { runtimeUnicode } from "./text";

export const CHECKSUM_DIGITS = 16;

type UnitReader = (this: void, s: string, i: number, j: number) => LuaMultiReturn<number[]>;

function unitReader(): UnitReader {
    return runtimeUnicode() ?? (string.byte as unknown as UnitReader);
}

const B1 = 65599;
const P1 = 2147483647;
const B2 = 92821;
const P2 = 2147483629;
/** Units read per call: keeps the returned tuple small. */
const CHUNK = 256;

/** The checksum of `text`, or undefined when it contains a unit outside printable ASCII. */
export function checksumOf(text: string): string | undefined {
    const read = unitReader();
    const n = text.length;
    let h1 = 0;
    let h2 = 0;
    for (let first = 1; first <= n; first += CHUNK) {
        const units = [...read(text, first, math.min(first + CHUNK - 1, n))];
        for (const c of units) {
            if (c < 32 || c > 126) return undefined;
            h1 = (h1 * B1 + c) % P1;
            h2 = (h2 * B2 + c) % P2;
        }
    }
    h1 = (h1 * B1 + (n % P1)) % P1;
    h2 = (h2 * B2 + (n % P2)) % P2;
    return string.format("%08X%08X", h1, h2);
}

/**
 * A single-modulus variant for older schemas: h = (h * base + unit) mod prime over the text, no
 * length, as `digits` upper-case hex digits. Undefined when the text is not printable ASCII.
 */
export function simpleChecksumOf(text: string, base: number, prime: number, digits: number): string | undefined {
    const read = unitReader();
    const n = text.length;
    let h = 0;
    for (let first = 1; first <= n; first += CHUNK) {
        const units = [...read(text, first, math.min(first + CHUNK - 1, n))];
        for (const c of units) {
            if (c < 32 || c > 126) return undefined;
            h = (h * base + c) % prime;
        }
    }
    return string.format("%0" + string.format("%d", digits) + "X", h);
}
