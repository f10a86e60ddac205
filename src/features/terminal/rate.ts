/**
 * Per-player rate limit for terminal requests (buttons, the search field, "bring to page").
 *
 * The game runs a CustomInterface button's LuaHook with the item only, never with who pressed
 * it, so a press is charged to every character using that terminal: alone at a terminal, that is
 * exactly the presser; on a shared terminal a flood slows everyone on that terminal and nobody
 * elsewhere. A press is admitted only if every user has a token left, and only then are tokens
 * taken: a refused press changes nothing, not even the buckets.
 */
interface Bucket {
    tokens: number;
    last: number;
}

/** Requests a player may burst, and how many come back per second. */
export const TERMINAL_BURST = 8;
export const TERMINAL_REFILL = 4;

export class TerminalRateLimit {
    private readonly buckets = new LuaMap<number, Bucket>();

    constructor(
        private readonly burst: number = TERMINAL_BURST,
        private readonly refill: number = TERMINAL_REFILL,
    ) {}

    private level(id: number, now: number): Bucket {
        let bucket = this.buckets.get(id);
        if (bucket === undefined) {
            bucket = { tokens: this.burst, last: now };
            this.buckets.set(id, bucket);
        }
        if (now > bucket.last) {
            bucket.tokens = math.min(this.burst, bucket.tokens + (now - bucket.last) * this.refill);
            bucket.last = now;
        }
        return bucket;
    }

    /**
     * Admits one request charged to the characters `ids`; returns the id of a character that is
     * out of tokens instead (nothing is charged then).
     */
    admit(ids: readonly number[], now: number): number | undefined {
        for (const id of ids) {
            if (this.level(id, now).tokens < 1) return id;
        }
        for (const id of ids) this.level(id, now).tokens -= 1;
        return undefined;
    }

    /** A new round: characters and their ids are new. */
    clear(): void {
        for (const [id] of this.buckets) this.buckets.delete(id);
    }
}
