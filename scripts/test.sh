#!/usr/bin/env bash
# npm test: everything from a fresh Debian machine with Node.
#   1. npm ci when node_modules is missing or does not match package-lock.json
#   2. apt-get install lua5.2 lua-busted when they are missing (as root or with sudo)
#   3. npm run build
#   4. busted --lua=lua5.2 --run=puc, then --run=moonsharp
# Ends with one line "N passed, N failed" over both runs. Errors, pending specs (not allowed in
# this project), a build failure, a run without a summary and a run with zero tests all count
# as failed; the exit code is non-zero when anything failed.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

passed=0
failed=0
say() { printf '[test] %s\n' "$*"; }
finish() {
    printf '%d passed, %d failed\n' "$passed" "$failed"
    if [ "$failed" -gt 0 ]; then exit 1; fi
    exit 0
}
give_up() {
    say "$*"
    failed=$((failed + 1))
    finish
}

# 1. Node packages.
if ! command -v node >/dev/null 2>&1; then give_up "node is not installed (Node 20.15 or later is required)"; fi
# The release zip's reader checks CRC-32 with zlib.crc32, which node has from 20.15 on.
if ! node -e 'process.exit(typeof require("node:zlib").crc32 === "function" ? 0 : 1)'; then
    give_up "node $(node --version) is too old: Node 20.15 or later is required (zlib.crc32)"
fi
if [ ! -d node_modules ] || ! node scripts/lib/deps-fresh.mjs; then
    say "installing npm packages: npm ci"
    npm ci || give_up "npm ci failed"
fi

# 2. Lua 5.2 and busted from Debian.
if ! command -v lua5.2 >/dev/null 2>&1 || ! command -v busted >/dev/null 2>&1; then
    if [ "$(id -u)" = "0" ]; then
        as_root=()
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        as_root=(sudo)
    else
        give_up "lua5.2 and busted are missing and this user cannot install packages; run as root: apt-get update && apt-get install -y lua5.2 lua-busted"
    fi
    say "installing lua5.2 and lua-busted with apt-get"
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update &&
        "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y lua5.2 lua-busted ||
        give_up "apt-get install lua5.2 lua-busted failed"
fi

# 3. Build (compile, checks, dist, generated prefabs).
npm run build || give_up "build failed: no specs were run"

# 4. Specs, plain PUC Lua and the MoonSharp profile.
run_busted() {
    local profile=$1 out status summary s f e p
    out=$(mktemp)
    busted --lua=lua5.2 --run="$profile" 2>&1 | tee "$out"
    status=${PIPESTATUS[0]}
    if ! summary=$(node scripts/lib/busted-summary.mjs "$out"); then
        say "$profile: busted printed no summary (exit $status): counted as 1 failure"
        failed=$((failed + 1))
        rm -f "$out"
        return
    fi
    rm -f "$out"
    read -r s f e p <<<"$summary"
    passed=$((passed + s))
    failed=$((failed + f + e + p))
    if [ "$p" -gt 0 ]; then say "$profile: $p pending spec(s): pending specs are not allowed, counted as failed"; fi
    if [ $((s + f + e + p)) -eq 0 ]; then
        say "$profile: no specs ran: counted as 1 failure"
        failed=$((failed + 1))
    elif [ "$status" -ne 0 ] && [ $((f + e)) -eq 0 ]; then
        say "$profile: busted exited with $status although its summary shows no failure: counted as 1 failure"
        failed=$((failed + 1))
    fi
    say "$profile: $s passed, $((f + e + p)) failed"
}
run_busted puc
run_busted moonsharp
finish
