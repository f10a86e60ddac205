/**
 * Unit amounts. Every amount that enters the store must be a whole, positive number of units no
 * larger than MAX_AMOUNT: 0, negatives, fractions, NaN and absurdly large values are refused so a
 * bad request can never create or destroy units through rounding.
 */

/** 2^31 - 1: the largest amount one operation may move. */
export const MAX_AMOUNT = 2147483647;

export function isPositiveAmount(n: unknown): n is number {
    if (type(n) !== "number") return false;
    const value = n as number;
    // NaN fails every comparison, so it is refused by the range check.
    if (!(value >= 1 && value <= MAX_AMOUNT)) return false;
    return math.floor(value) === value;
}

/** Formats an amount (or any whole number) for messages; never via tostring (MoonSharp prints 1E+15). */
export function formatAmount(n: unknown): string {
    if (type(n) !== "number") return "(" + type(n) + ")";
    const value = n as number;
    if (value !== value) return "NaN";
    if (value > 1e15 || value < -1e15) return "(out of range)";
    if (math.floor(value) === value) return string.format("%d", value);
    return string.format("%.2f", value);
}
