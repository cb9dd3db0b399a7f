#!/usr/bin/env bash
# Every flag documented in docs/melange.md and docs/apko.md (command headings and flag tables)
# exists in the tool's --help-all, and every subcommand in --help-all is documented.
source "$(dirname "$0")/lib.sh"
check() {  # check TOOL BINARY DOC
  "$2" --help-all > help.txt
  python3 - "$1" "$3" help.txt <<'PY'
import re, sys
tool, doc, helpfile = sys.argv[1:]
help_text = open(helpfile).read()
flags, commands, fence, in_bullet = set(), set(), False, False
for line in open(doc):
    if line.startswith("```"):
        fence = not fence
        continue
    if fence:
        continue
    head = re.match(r"#+ `?%s ([a-z-]+)" % tool, line)
    bullet = re.match(r"- `%s ([a-z-]+)" % tool, line)
    if bullet:
        in_bullet = True
    elif not line.startswith("  "):
        in_bullet = False
    m = head or bullet
    if m:
        commands.add(m.group(1))
    if m or in_bullet or line.startswith("| `-"):
        cell = line.split("|")[1] if line.startswith("|") else line.split("`: ")[0]
        flags.update(re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*)", cell))
missing = sorted(f for f in flags if not re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(f), help_text))
subs = set(re.findall(r"^([a-z][a-z-]*)\n  \S", help_text, re.M))
undocumented = sorted(subs - commands - {"help"})
if not flags or not commands:
    sys.exit("%s: found no documented flags or commands" % doc)
if missing:
    sys.exit("%s documents flags that `%s --help-all` lacks: %s" % (doc, tool, " ".join(missing)))
if undocumented:
    sys.exit("%s does not document these %s commands: %s" % (doc, tool, " ".join(undocumented)))
print("%s: %d flags, %d commands documented and present" % (tool, len(flags), len(commands)))
PY
}
check melange "$MELANGE" "$MA_SOURCE_DIR/docs/melange.md"
check apko "$APKO" "$MA_SOURCE_DIR/docs/apko.md"
