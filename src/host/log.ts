/**
 * Console output for hosts. Every line starts with "[DatabaseIO]" so hosts can grep it.
 * `once` keeps a refused request or a repeated warning from flooding a server console: a given
 * key is printed at most once per interval.
 */
const PREFIX = "[DatabaseIO] ";

let sink: (line: string) => void = (line) => {
    print(line);
};

/** Tests and the console command route output elsewhere (for example into a reply buffer). */
export function setLogSink(fn: (line: string) => void): void {
    sink = fn;
}

export function info(message: string): void {
    sink(PREFIX + message);
}

export function warn(message: string): void {
    sink(PREFIX + "WARNING: " + message);
}

export function problem(message: string): void {
    sink(PREFIX + "ERROR: " + message);
}

const lastPrinted = new LuaMap<string, number>();

/** Prints `message` unless the same key was printed less than `interval` seconds ago. */
export function once(key: string, now: number, interval: number, message: string): boolean {
    const last = lastPrinted.get(key);
    if (last !== undefined && now - last < interval) return false;
    lastPrinted.set(key, now);
    warn(message);
    return true;
}
