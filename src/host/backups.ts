/**
 * Backup files for hosts, kept in the mod's own folder inside the game's save folder. Names that
 * come from a host or a player are reduced to a bare file name: no path can escape the folder.
 */
import { ok, refuse, Result } from "../core/result";

const FOLDER_NAME = "DatabaseIO/backups";

export function backupFolder(): string {
    return Game.SaveFolder + "/" + FOLDER_NAME;
}

const SAFE_CHARS: { [c: string]: true | undefined } = {};
for (const range of ["az", "AZ", "09"]) {
    for (let b = string.byte(range, 1); b <= string.byte(range, 2); b++) SAFE_CHARS[string.char(b)] = true;
}
SAFE_CHARS["_"] = true;
SAFE_CHARS["-"] = true;

/**
 * Replaces every character outside [A-Za-z0-9_-] by "_", one character at a time: pattern classes
 * such as %w are not safe on MoonSharp's UTF-16 strings (a Chinese character can pass as a letter).
 */
function fileSafe(text: string, keepDots: boolean): string {
    const out: string[] = [];
    let nOut = 0;
    for (let i = 1; i <= text.length; i++) {
        const c = string.sub(text, i, i);
        out[nOut] = SAFE_CHARS[c] === true || (keepDots && c === ".") ? c : "_";
        nOut++;
    }
    return table.concat(out);
}

/** Accepts only a plain file name made of safe characters, ending in .dbio. */
export function safeBackupName(name: string): Result<string> {
    if (type(name) !== "string" || name.length === 0 || name.length > 120) return refuse("bad_name", "a backup name is 1 to 120 characters");
    if (fileSafe(name, true) !== name || string.sub(name, -5) !== ".dbio" || name.length <= 5) {
        return refuse("bad_name", "a backup name may use letters, digits, '_', '-', '.' and must end in .dbio");
    }
    if (string.find(name, "..", 1, true)[0] !== undefined) return refuse("bad_name", "a backup name may not contain '..'");
    return ok(name);
}

function guarded<T>(what: string, fn: () => T): Result<T> {
    const [success, value] = pcall(fn);
    if (!success) return refuse("file_error", what + ": " + string.format("%s", value));
    return ok(value as T);
}

function fileSafeId(dbId: string): string {
    return fileSafe(dbId, false);
}

/** Writes `blob` to a new file and returns its bare name. Never overwrites an existing backup. */
export function writeBackup(dbId: string, blob: string, reason: string, now: number): Result<string> {
    const folder = backupFolder();
    const made = guarded("cannot create " + folder, () => File.CreateDirectory(folder));
    if (!made.ok) return made;
    const base = string.format("%s-%s-%d", fileSafeId(dbId), fileSafeId(reason), math.floor(now));
    let name = base + ".dbio";
    for (let n = 2; n < 1000; n++) {
        const exists = guarded("cannot check " + name, () => File.Exists(folder + "/" + name));
        if (!exists.ok) return exists;
        if (!exists.value) break;
        name = string.format("%s-%d.dbio", base, n);
    }
    const written = guarded("cannot write " + name, () => File.Write(folder + "/" + name, blob));
    if (!written.ok) return written;
    const readBack = guarded("cannot read back " + name, () => File.Read(folder + "/" + name));
    if (!readBack.ok) return readBack;
    if (readBack.value !== blob) return refuse("file_error", "backup " + name + " did not read back identically");
    return ok(name);
}

export function readBackup(name: string): Result<string> {
    const safe = safeBackupName(name);
    if (!safe.ok) return safe;
    const path = backupFolder() + "/" + safe.value;
    const exists = guarded("cannot check " + safe.value, () => File.Exists(path));
    if (!exists.ok) return exists;
    if (!exists.value) return refuse("not_found", "no backup named " + safe.value);
    return guarded("cannot read " + safe.value, () => File.Read(path));
}

export function listBackups(): Result<string[]> {
    const folder = backupFolder();
    const exists = guarded("cannot check " + folder, () => File.DirectoryExists(folder));
    if (!exists.ok) return exists;
    if (!exists.value) return ok([]);
    const files = guarded("cannot list " + folder, () => File.GetFiles(folder));
    if (!files.ok) return files;
    const names: string[] = [];
    let nNames = 0;
    for (const path of files.value) {
        const [name] = string.match(path, "([^/\\]+)$");
        if (name !== undefined && safeBackupName(name).ok) { names[nNames] = name; nNames++; }
    }
    table.sort(names);
    return ok(names);
}
