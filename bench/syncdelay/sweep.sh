#!/usr/bin/env bash
# Runs `tongban bench lifecycle` (SQLite only, no HTTP) with every fsync/fdatasync made
# slower by each delay in DELAYS (microseconds), for each task count in TASKS, and prints
# the summary line of each run. Needs gcc and a release build of `tongban`.
set -euo pipefail
cd "$(dirname "$0")/../.."
DELAYS="${DELAYS:-0 500 1000 2000 5000}"
TASKS="${TASKS:-32 128}"
mkdir -p target
gcc -O2 -shared -fPIC -o target/syncdelay.so bench/syncdelay/syncdelay.c -ldl
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
for tasks in $TASKS; do
  for delay in $DELAYS; do
    rm -rf "${dir:?}"/*
    out="$(SYNCDELAY_US="$delay" LD_PRELOAD="$PWD/target/syncdelay.so" \
      ./target/release/tongban bench lifecycle --tasks "$tasks" --http-cases 0 --dir "$dir" 2>&1)"
    printf 'tasks %s, extra sync %s us:\n%s\n' "$tasks" "$delay" \
      "$(grep -E '^(SpiffWorkflow [0-9.]+:|SQLite: three steps|    [0-9]+ commits,)' <<<"$out")"
  done
done
