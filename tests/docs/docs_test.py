#!/usr/bin/env python3
"""The commands README.md and docs/*.md tell people to run, run.

Every ```sh block in README.md and docs/*.md is a command a reader is told
to run. The line right before its fence says what this test does with it:

  <!-- doc-test: run SCENARIO -->
      the test runs the block in SCENARIO: one bash session per scenario, the
      scenario's blocks in document order, in a scratch directory laid out
      like a checkout (build/release is the build tree under test, the
      source folders are linked in, var/ starts empty). Each command must
      exit 0, or N when its last line ends with the comment `# exit N`.
      Lines right after a command that start with "#   " show what it
      prints: each must match a line of its output (stdout and stderr),
      "…" standing for any text; a line starting with "#    " (one more
      space) continues the one before it.
      A command that starts hotline-server to serve (not --create_token,
      --copy_from, --help or --version) runs in the background, as in
      "another terminal": the test waits until it logs that it listens, and
      stops it with SIGINT (Ctrl-C) when the scenario starts another server
      or ends.
  <!-- doc-test: covered by PATH (WHY NOT HERE) -->
      the block needs what this test does not have (root and dpkg, systemd,
      a PostgreSQL server, a Release build, minutes of load); PATH is the
      test or script that runs it, and must exist and be registered.
  <!-- doc-test: measured by hand (WHY) -->
      a benchmark or a fuzzing run: minutes of load whose numbers the docs
      report, never pass/fail. The test lists these blocks as it runs.

A ```sh block without a marker fails the test, as does a command that
fails or prints something else than shown, a link between these files to a
file or a heading that is not there, and a flag `hotline-server --help`
lists without a row in the Flags table of docs/operations.md (or a row for
a flag it does not list). After the scenarios, the first session's token
must still list its departments on its server. Blocks fenced otherwise
(```, ```console, ```c++, ...) are transcripts and listings, not commands.

Scenarios run in the order of SCENARIOS below, all in the same scratch
directory, so that what one leaves in var/ (the first session's server is
still running) is what the next one meets: "Running it for real" must not
collide with the first session. When unshare(1) can give the test a network
namespace of its own, the documented ports (7345, 8080, ...) are used as
written; otherwise the test skips (exit 77) rather than take ports from
whatever runs on this machine.

  docs_test.py --source SRC --build BUILD            # everything
  docs_test.py --source SRC --check-only             # markers and links
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

# The scenarios, in the order they run. The first is README.md's first
# session, against the server scripts/serve.sh starts (see FirstSession).
SCENARIOS = [
    "first-session",  # README.md
    "real",  # docs/operations.md, "Running it for real"
    "rehearsal",  # docs/workflow.md
    "console",  # docs/console.md
    "api",  # docs/api.md: HTTP/JSON, Python
]

MARKER = re.compile(r"^<!--\s*doc-test:\s*(.*?)\s*-->\s*$")
FENCE = re.compile(r"^(\s*)```(\S*)\s*$")
SERVER_START = re.compile(r"^(\S*/)?hotline-server\s")
EXIT_COMMENT = re.compile(r"#\s*exit\s+(\d+)\s*$")

failures = []


def fail(message):
    failures.append(message)
    print("FAIL: " + message, file=sys.stderr, flush=True)


class Block:
    def __init__(self, path, line, language, marker, text):
        self.path, self.line = path, line
        self.language, self.marker, self.text = language, marker, text

    def where(self):
        return "%s:%d" % (self.path, self.line)


def documents(source):
    paths = ["README.md"]
    docs = os.path.join(source, "docs")
    paths += sorted(
        "docs/" + name for name in os.listdir(docs) if name.endswith(".md"))
    return paths


def parse_blocks(source, path):
    lines = open(os.path.join(source, path), encoding="utf-8").read().split(
        "\n")
    blocks = []
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, language = m.group(1), m.group(2)
        marker = None
        j = i - 1
        while j >= 0 and not lines[j].strip():
            j -= 1
        if j >= 0 and MARKER.match(lines[j].strip()):
            marker = MARKER.match(lines[j].strip()).group(1)
        body = []
        k = i + 1
        while k < len(lines) and not re.match(r"^\s*```\s*$", lines[k]):
            line = lines[k]
            body.append(line[len(indent):] if line.startswith(indent) else line)
            k += 1
        blocks.append(Block(path, i + 1, language, marker, "\n".join(body)))
        i = k + 1
    return blocks


# --- Links and anchors -------------------------------------------------------


def slug(heading):
    """GitHub's anchor for a heading."""
    text = heading.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(source, path):
    found = set()
    counts = {}
    inside = False
    for line in open(os.path.join(source, path), encoding="utf-8"):
        if FENCE.match(line):
            inside = not inside
        if inside:
            continue
        m = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if m:
            base = slug(m.group(1))
            n = counts.get(base, 0)
            counts[base] = n + 1
            found.add(base if n == 0 else "%s-%d" % (base, n))
    return found


def check_links(source, paths):
    link = re.compile(r"\]\(([^)\s]+)\)")
    for path in paths:
        inside = False
        for number, line in enumerate(
                open(os.path.join(source, path), encoding="utf-8"), 1):
            if FENCE.match(line):
                inside = not inside
            if inside:
                continue
            for target in link.findall(line):
                if re.match(r"^[a-z]+:", target):
                    continue
                file_part, _, anchor = target.partition("#")
                base = os.path.dirname(path)
                target_path = os.path.normpath(
                    os.path.join(base, file_part)) if file_part else path
                if not os.path.exists(os.path.join(source, target_path)):
                    fail("%s:%d links to %s, which is not there" %
                         (path, number, target))
                    continue
                if anchor and target_path.endswith(".md") and anchor not in \
                        anchors(source, target_path):
                    fail("%s:%d links to %s: %s has no heading #%s" %
                         (path, number, target, target_path, anchor))


# --- Markers -----------------------------------------------------------------


def check_markers(source, blocks):
    """Returns {scenario: [blocks]} for the blocks to run."""
    registered = ""
    for root, _, files in os.walk(os.path.join(source, "tests")):
        if "node_modules" in root:
            continue
        for name in files:
            if name == "CMakeLists.txt":
                registered += open(os.path.join(root, name),
                                   encoding="utf-8").read()
    registered += open(os.path.join(source, ".ci", "run"),
                       encoding="utf-8").read()
    runs = {}
    for block in blocks:
        if block.language != "sh":
            if block.marker:
                fail("%s: a doc-test marker on a ```%s block: only ```sh "
                     "blocks are run" % (block.where(), block.language))
            continue
        if block.marker is None:
            fail("%s: a ```sh block (a command people are told to run) "
                 "without <!-- doc-test: run SCENARIO --> or <!-- doc-test: "
                 "covered by PATH (why) --> before it" % block.where())
            continue
        m = re.match(r"^run\s+(\S+)$", block.marker)
        if m:
            if m.group(1) not in SCENARIOS:
                fail("%s: unknown scenario %s (tests/docs/docs_test.py "
                     "knows %s)" % (block.where(), m.group(1),
                                    ", ".join(SCENARIOS)))
            runs.setdefault(m.group(1), []).append(block)
            continue
        if re.match(r"^measured by hand\s+\(.+\)$", block.marker):
            print("%s: measured by hand, not run" % block.where(),
                  file=sys.stderr)
            continue
        m = re.match(r"^covered by\s+(\S+)\s+\((.+)\)$", block.marker)
        if not m:
            fail("%s: a doc-test marker must be \"run SCENARIO\", "
                 "\"covered by PATH (why not here)\" or \"measured by hand "
                 "(why)\", not \"%s\"" % (block.where(), block.marker))
            continue
        covering = m.group(1)
        if not os.path.exists(os.path.join(source, covering)):
            fail("%s: covered by %s, which is not there" %
                 (block.where(), covering))
        elif os.path.basename(covering).split(".")[0] not in registered:
            fail("%s: covered by %s, which no tests/**/CMakeLists.txt or "
                 ".ci/run runs" % (block.where(), covering))
    return runs


# --- Running -----------------------------------------------------------------


class Command:
    def __init__(self, block, line, text):
        self.block, self.line, self.text = block, line, text
        self.expected = []  # lines the output must show
        m = EXIT_COMMENT.search(text.split("\n")[-1])
        self.exit_code = int(m.group(1)) if m else 0

    def where(self):
        return "%s:%d" % (self.block.path, self.block.line + self.line)

    def serves(self):
        first = self.text.lstrip()
        if self.exit_code != 0 or not SERVER_START.match(first):
            return False
        return not re.search(r"--(create_token|copy_from|help|version)\b",
                             first)


def complete(text):
    result = subprocess.run(["bash", "-n", "-c", text],
                            capture_output=True,
                            text=True)
    return "unexpected end of file" not in result.stderr and \
        "unexpected EOF" not in result.stderr


def split_commands(block):
    commands = []
    pending, pending_line = [], 0
    for number, line in enumerate(block.text.split("\n"), 1):
        if not pending:
            if line.startswith("#    ") and commands and \
                    commands[-1].expected:
                # Joined where any white space may stand.
                commands[-1].expected[-1] += "\0" + line[len("#    "):].strip()
                continue
            if line.startswith("#   ") and commands:
                commands[-1].expected.append(line[len("#   "):].strip())
                continue
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            pending_line = number
        pending.append(line)
        text = "\n".join(pending)
        if not text.endswith("\\") and complete(text):
            commands.append(Command(block, pending_line, text))
            pending = []
    if pending:
        fail("%s: the block ends inside a command" % block.where())
    return commands


def pattern(shown):
    """"…" (or "...") stands for any text, a continuation's join for any
    white space; the rest is matched as written."""
    parts = re.split(r"…|\.\.\.", shown)
    return re.compile(".*".join(
        r"\s*".join(re.escape(piece) for piece in part.strip().split("\0"))
        for part in parts))


SCRIPT_HEAD = r"""
set -m
cd "$SCRATCH"
unset HOTLINE_SERVER HOTLINE_TOKEN HOTLINE_TLS_CA HOTLINE_TLS_CERT HOTLINE_TLS_KEY
__server=
__stop_server() {
  [ -n "$__server" ] || return 0
  kill -INT -- "-$__server" 2>/dev/null
  wait "$__server" 2>/dev/null
  __server=
}
# __serve N [LOG]: the command in $__dir/N.sh, in the background, until it
# logs (on stderr, or in LOG when it sends its stderr there) that it listens.
__serve() {
  __stop_server
  local log="${2:-$__dir/$1.err}"
  bash "$__dir/$1.sh" >"$__dir/$1.out" 2>"$__dir/$1.err" &
  __server=$!
  for __i in $(seq 1 1200); do
    grep -qs "listening on" "$log" && { echo 0 >"$__dir/$1.rc"; return; }
    kill -0 "$__server" 2>/dev/null || break
    sleep 0.1
  done
  echo "not listening" >>"$__dir/$1.err"
  echo 99 >"$__dir/$1.rc"
  exit 99
}
trap __stop_server EXIT
"""


def run_scenario(name, blocks, scratch, work):
    commands = []
    for block in blocks:
        commands += split_commands(block)
    directory = os.path.join(work, name)
    os.makedirs(directory)
    script = [SCRIPT_HEAD]
    for n, command in enumerate(commands):
        if command.serves():
            # Exported variables reach it; the text runs as written.
            with open(os.path.join(directory, "%d.sh" % n), "w") as f:
                f.write("exec " + command.text + "\n")
            log = re.search(r"\s2>\s*(\S+)", command.text)
            script.append("__serve %d %s" % (n, log.group(1) if log else ""))
            continue
        script.append('{ %s\n} >"$__dir/%d.out" 2>"$__dir/%d.err"\n'
                      '__rc=$?; echo $__rc >"$__dir/%d.rc"\n'
                      '[ $__rc = %d ] || exit 98' %
                      (command.text, n, n, n, command.exit_code))
    with open(os.path.join(directory, "script.sh"), "w") as f:
        f.write("\n".join(script) + "\n")
    env = dict(os.environ, SCRATCH=scratch, __dir=directory)
    print("== scenario %s: %d command(s) from %s" %
          (name, len(commands), ", ".join(
              sorted({b.path for b in blocks}))), file=sys.stderr, flush=True)
    subprocess.run(["bash", os.path.join(directory, "script.sh")],
                   env=env,
                   cwd=scratch,
                   timeout=1800)
    for n, command in enumerate(commands):
        rc_file = os.path.join(directory, "%d.rc" % n)
        if not os.path.exists(rc_file):
            fail("%s: not run (a command before it failed)" % command.where())
            return
        rc = int(open(rc_file).read().strip() or 99)
        out = open(os.path.join(directory, "%d.out" % n),
                   errors="replace").read()
        err = open(os.path.join(directory, "%d.err" % n),
                   errors="replace").read()
        if rc != command.exit_code:
            fail("%s: `%s` exited %d, not %d\n--- stdout:\n%s--- stderr:\n%s" %
                 (command.where(), command.text, rc, command.exit_code,
                  out[-3000:], err[-3000:]))
            return
        output_lines = (out + "\n" + err).split("\n")
        for shown in command.expected:
            p = pattern(shown)
            if not any(p.search(line) for line in output_lines):
                fail("%s: `%s` did not print what the docs show:\n  %s\n"
                     "--- it printed:\n%s%s" %
                     (command.where(), command.text.split("\n")[0], shown,
                      out[-3000:], err[-3000:]))


def check_serve_script(source):
    """What README.md's first session assumes of scripts/serve.sh."""
    serve = open(os.path.join(source, "scripts", "serve.sh"),
                 encoding="utf-8").read()
    for needed in ("db=var/hotline.db", "listen=127.0.0.1:7345",
                   "http_listen=127.0.0.1:8080", "var/bureau.token",
                   "--create_token=bureau", "build/release/tools",
                   'exec build/release/server/hotline-server --db="$db" '
                   '--listen="$listen"'):
        if needed not in serve:
            fail("scripts/serve.sh no longer has %s, which README.md's "
                 "first session and this test assume" % needed)


def start_serve_script_server(scratch, work):
    """Does what scripts/serve.sh does once it has built: the first bureau
    token in var/bureau.token, then the server on its default addresses.
    Returns the running server (a subprocess.Popen)."""
    server = os.path.join(scratch, "build", "release", "server",
                          "hotline-server")
    os.makedirs(os.path.join(scratch, "var"))
    old = os.umask(0o077)
    with open(os.path.join(scratch, "var", "bureau.token"), "w") as token:
        subprocess.run([
            server, "--db=var/hotline.db", "--create_token=bureau",
            "--token_name=first bureau token"
        ],
                       cwd=scratch,
                       stdout=token,
                       stderr=subprocess.DEVNULL,
                       check=True)
    os.umask(old)
    log = open(os.path.join(work, "serve.log"), "w+")
    process = subprocess.Popen([
        server, "--db=var/hotline.db", "--listen=127.0.0.1:7345",
        "--http_listen=127.0.0.1:8080"
    ],
                               cwd=scratch,
                               stdout=log,
                               stderr=log)
    for _ in range(1200):  # a generous deadline on a condition
        log.seek(0)
        if "listening on" in log.read():
            return process
        if process.poll() is not None:
            break
        subprocess.run(["sleep", "0.1"])
    log.seek(0)
    raise SystemExit("FAIL: the first session's server did not start:\n" +
                     log.read())


def check_first_session_untouched(scratch):
    """After the other scenarios, the first session's server, token and
    department are as the first session left them: nothing documented
    later re-creates or overwrites them."""
    token = open(os.path.join(scratch, "var", "bureau.token")).read().strip()
    result = subprocess.run([
        os.path.join(scratch, "build", "release", "tools", "hotlinectl"),
        "department", "list"
    ],
                            cwd=scratch,
                            env=dict(os.environ,
                                     HOTLINE_SERVER="127.0.0.1:7345",
                                     HOTLINE_TOKEN=token),
                            capture_output=True,
                            text=True)
    if result.returncode != 0 or "departments/housing" not in result.stdout:
        fail("after the other scenarios, var/bureau.token no longer lists "
             "the first session's departments on 127.0.0.1:7345 (exit %d):"
             "\n%s%s" % (result.returncode, result.stdout, result.stderr))


def check_flags_table(source, build):
    """Every flag `hotline-server --help` lists has a row in the Flags table
    of docs/operations.md, and every row there is a flag."""
    help_text = subprocess.run(
        [os.path.join(build, "server", "hotline-server"), "--help"],
        capture_output=True,
        text=True).stdout
    flags = set(re.findall(r"^    --([a-z_]+) \(", help_text, re.M))
    if not flags:
        fail("hotline-server --help listed no flags")
        return
    text = open(os.path.join(source, "docs", "operations.md"),
                encoding="utf-8").read()
    start = text.index("\n## Flags\n")
    table = text[start:text.index("\n## ", start + 1)]
    documented = set()
    for row in re.findall(r"^\| (`--[^|]*)\|", table, re.M):
        documented.update(re.findall(r"`--([a-z_]+)`", row))
    for flag in sorted(flags - documented):
        fail("docs/operations.md, \"Flags\": no row for --%s, which "
             "hotline-server --help lists" % flag)
    for flag in sorted(documented - flags):
        fail("docs/operations.md, \"Flags\": a row for --%s, which "
             "hotline-server --help does not list" % flag)


def network_namespace():
    try:
        result = subprocess.run(
            ["unshare", "-rn", "sh", "-c", "ip link set lo up && echo ok"],
            capture_output=True,
            text=True,
            timeout=30)
        return result.stdout.strip() == "ok"
    except (OSError, subprocess.SubprocessError):
        return False


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", required=True)
    parser.add_argument("--build")
    parser.add_argument("--check-only", action="store_true")
    parser.add_argument("--in-namespace", action="store_true")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--scenarios",
                        help="comma-separated: run only these (for work on "
                        "the docs)")
    args = parser.parse_args()
    source = os.path.abspath(args.source)

    if not args.check_only and not args.in_namespace:
        if not network_namespace():
            print("SKIPPED: unshare -rn cannot give this test a network "
                  "namespace of its own", file=sys.stderr)
            return 77
        # The same program, in a network namespace with only loopback.
        return subprocess.run([
            "unshare", "-rn", "bash", "-c",
            'ip link set lo up && exec "$@"', "-", sys.executable,
            os.path.abspath(__file__), "--in-namespace"
        ] + sys.argv[1:]).returncode

    paths = documents(source)
    blocks = []
    for path in paths:
        blocks += parse_blocks(source, path)
    check_links(source, paths)
    runs = check_markers(source, blocks)
    if args.check_only:
        print("%d ```sh block(s): %d to run, in %d scenario(s)" %
              (sum(b.language == "sh" for b in blocks),
               sum(len(v) for v in runs.values()), len(runs)),
              file=sys.stderr)
        return 1 if failures else 0
    chosen = args.scenarios.split(",") if args.scenarios else SCENARIOS
    for name in chosen:
        if name not in runs:
            fail("no block runs in scenario %s" % name)
    if failures and not args.scenarios:
        return 1
    failures.clear()

    build = os.path.abspath(args.build)
    check_flags_table(source, build)
    work = tempfile.mkdtemp(prefix="hotline-docs-test.")
    scratch = os.path.join(work, "checkout")
    os.makedirs(os.path.join(scratch, "build"))
    for entry in os.listdir(source):
        if entry not in ("build", "var", ".git"):
            os.symlink(os.path.join(source, entry),
                       os.path.join(scratch, entry))
    os.symlink(build, os.path.join(scratch, "build", "release"))

    check_serve_script(source)
    if failures:
        return 1
    serve = start_serve_script_server(scratch, work)
    try:
        # One bash session for all scenarios would leak exports from one
        # into the next; each gets its own, and the servers a scenario
        # started stop with it, except the first session's, which goes on
        # as scripts/serve.sh would.
        for name in [name for name in SCENARIOS if name in chosen]:
            before = len(failures)
            if serve.poll() is not None:
                fail("the first session's server (scripts/serve.sh) exited "
                     "before scenario %s" % name)
            run_scenario(name, runs[name], scratch, work)
            if len(failures) > before:
                break
        if not failures:
            check_first_session_untouched(scratch)
    finally:
        serve.send_signal(2)  # Ctrl-C, as in scripts/serve.sh's terminal
        if serve.wait() != 0:
            fail("the first session's server exited %d on SIGINT; its log: "
                 "%s" % (serve.returncode, os.path.join(work, "serve.log")))
        if not args.keep and not failures:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print("kept " + work, file=sys.stderr)
    if failures:
        print("%d failure(s)" % len(failures), file=sys.stderr)
        return 1
    print("PASS", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
