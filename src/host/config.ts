/**
 * Host configuration: `<save folder>/DatabaseIO/config.txt`, lines of `name = value`. Missing or
 * unreadable files give the defaults; a bad line is reported and ignored.
 */
import { info, warn } from "./log";

export interface HostConfig {
    /** Most units one database may hold (Working + leased). */
    maxUnits: number;
    /** Most distinct item keys one database may hold. */
    maxKeys: number;
}

export const DEFAULT_CONFIG: HostConfig = { maxUnits: 200000, maxKeys: 20000 };

const BOUNDS: { readonly [K in keyof HostConfig]: readonly [number, number] } = {
    maxUnits: [1, 10000000],
    maxKeys: [1, 1000000],
};

export function configPath(): string {
    return Game.SaveFolder + "/DatabaseIO/config.txt";
}

export function parseConfig(text: string, report: (line: string) => void): HostConfig {
    const config: HostConfig = { ...DEFAULT_CONFIG };
    let lineNo = 0;
    for (const [line] of string.gmatch(text + "\n", "([^\n]*)\n")) {
        lineNo++;
        const [stripped] = string.gsub(line, "#.*$", "");
        const [name, value] = string.match(stripped, "^%s*([%a_]+)%s*=%s*(%S+)%s*$");
        if (name === undefined) {
            if (string.find(stripped, "%S")[0] !== undefined) report(string.format("config line %d ignored: %s", lineNo, line));
            continue;
        }
        const bounds = (BOUNDS as { [k: string]: readonly [number, number] | undefined })[name];
        const n = tonumber(value);
        if (bounds === undefined || n === undefined || n !== math.floor(n) || n < bounds[0] || n > bounds[1]) {
            report(string.format("config line %d ignored: %s", lineNo, line));
            continue;
        }
        (config as unknown as { [k: string]: number })[name] = n;
    }
    return config;
}

export function loadConfig(): HostConfig {
    const path = configPath();
    const [success, text] = pcall(() => (File.Exists(path) ? File.Read(path) : undefined));
    if (!success) {
        warn("cannot read " + path + "; using defaults");
        return { ...DEFAULT_CONFIG };
    }
    if (text === undefined) return { ...DEFAULT_CONFIG };
    const config = parseConfig(text, warn);
    info(string.format("config: maxUnits=%d maxKeys=%d", config.maxUnits, config.maxKeys));
    return config;
}
