#!/usr/bin/env bash
# clang's thread-safety analysis over every C++ file of ours: ABSL_GUARDED_BY, ABSL_LOCKS_EXCLUDED
# and the other lock annotations, which GCC ignores, checked with -Wthread-safety -Werror. Runs
# clang-14 -fsyntax-only on the main build's compile commands (no second build: the analysis is
# in the front end), skipping the files the ThreadSanitizer build (deploy/tsan.sh, which compiles
# with the same warnings) has compiled already. deploy/test.sh runs it after deploy/tsan.sh; a
# file that breaks an annotation fails the run.
set -euo pipefail
project_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${MOBILITY_BUILD_DIR:-$project_dir/build}
tsan_dir=${MOBILITY_TSAN_BUILD_DIR:-$project_dir/build-tsan}
commands=$build_dir/compile_commands.json
[ -f "$commands" ] || { echo "thread_safety.sh: build first (deploy/build.sh)" >&2; exit 1; }

python3 - "$commands" "$project_dir" "$build_dir" "${MOBILITY_BUILD_JOBS:-2}" "$tsan_dir" <<'PY'
import concurrent.futures, json, os, re, subprocess, sys
commands, root, build, jobs = sys.argv[1], sys.argv[2] + "/", sys.argv[3] + "/", int(sys.argv[4])
tsan = sys.argv[5] + "/"
def key(path, build_dir):
    return path[len(build_dir):] if path.startswith(build_dir) else path
# What the TSan build compiled (its object file is there), by path inside the build.
checked = set()
if os.path.exists(tsan + "compile_commands.json"):
    for e in json.load(open(tsan + "compile_commands.json")):
        output = re.search(r" -o (\S+)", e["command"])
        if output and os.path.exists(os.path.join(e["directory"], output.group(1))):
            checked.add(key(e["file"], tsan))
# Our sources only, not the generated contracts: each target's unity files (which include its
# sources) and any source compiled alone; the same flags, with clang in place of g++.
entries = [e for e in json.load(open(commands))
           if "/Unity/unity_" in e["file"]
           or (e["file"].startswith(root) and not e["file"].startswith(build))]
entries = [e for e in entries if key(e["file"], build) not in checked]
# The layering probes are build tests of the include check (tests/layering), never compiled as code.
entries = [e for e in entries if "/tests/layering/" not in e["file"]]
def check(entry):
    command = entry["command"].split(" ", 1)[1]
    run = subprocess.run(f"clang++-14 {command} -fsyntax-only -Wthread-safety -Wthread-safety-reference -Werror -o /dev/null",
                         shell=True, cwd=entry["directory"], capture_output=True, text=True)
    return entry["file"], run.returncode, run.stderr
failed = 0
with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
    for file, code, errors in pool.map(check, entries):
        if code != 0:
            failed += 1
            sys.stderr.write(errors)
print(f"thread_safety.sh: {len(entries)} files ({len(checked)} checked by the TSan build), "
      f"{failed} failing clang's lock analysis",
      file=sys.stderr)
sys.exit(1 if failed else 0)
PY
