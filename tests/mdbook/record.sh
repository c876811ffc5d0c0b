#!/bin/sh
# Re-records input-0.5.json, the request that the installed mdBook sends a preprocessor for
# book/. A stand-in preprocessor saves its standard input and hands the book back unchanged.
# The book's absolute root is replaced by @ROOT@, which tests/mdbook.rs substitutes.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

cat > "$scratch/stand-in.py" <<'PY'
import json, sys
if sys.argv[2:3] == ["supports"]:
    sys.exit(0)
text = sys.stdin.read()
open(sys.argv[1], "w").write(text)
json.dump(json.loads(text)[1], sys.stdout)
PY

MDBOOK_PREPROCESSOR__NETSNIP__COMMAND="python3 $scratch/stand-in.py $scratch/input.json" \
    mdbook build --dest-dir "$scratch/html" "$here/book"
python3 - "$scratch/input.json" "$here/book" "$here/input-0.5.json" <<'PY'
import json, sys
request = json.load(open(sys.argv[1]))
context = request[0]
assert context["root"] == sys.argv[2], context["root"]
context["root"] = "@ROOT@"
# The command and the build folder name this script's scratch folder; stable values keep the
# recording diffable.
context["config"]["preprocessor"]["netsnip"]["command"] = "netsnip mdbook"
context["config"]["build"]["build-dir"] = "@ROOT@/book"
json.dump(request, open(sys.argv[3], "w"), indent=2)
open(sys.argv[3], "a").write("\n")
PY
mdbook --version
