// Reads busted's closing summary ("27 successes / 0 failures / 0 errors / 0 pending : 0.03
// seconds", singular for 1) from its output, colours or not.
//   node scripts/lib/busted-summary.mjs output.txt   ->  prints "successes failures errors pending"
// Exits 2 when the output has no summary line (busted crashed before reporting).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const SUMMARY = /(\d+) success(?:es)? \/ (\d+) failures? \/ (\d+) errors? \/ (\d+) pending/g;

/** The last summary in `text`, as { successes, failures, errors, pending }, or undefined. */
export function parseBustedSummary(text) {
    // eslint-disable-next-line no-control-regex
    const plain = text.replace(/\u001b\[[0-9;]*m/g, "");
    let last;
    for (const m of plain.matchAll(SUMMARY)) last = m;
    if (last === undefined) return undefined;
    const [, successes, failures, errors, pending] = last.map(Number);
    return { successes, failures, errors, pending };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
    const file = process.argv[2];
    const summary = file === undefined ? undefined : parseBustedSummary(readFileSync(file, "utf8"));
    if (summary === undefined) {
        console.error(`no busted summary in ${file ?? "(no file given)"}`);
        process.exit(2);
    }
    console.log(`${summary.successes} ${summary.failures} ${summary.errors} ${summary.pending}`);
}
