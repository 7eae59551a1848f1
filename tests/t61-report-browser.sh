#!/bin/bash
# The HTML report in a real browser: Debian's chromium, headless, driven over
# the DevTools pipe by tests/browser/check-report.js (Node, no npm package).
# For each capture: it renders, sections and SVG charts are there (issue 16's
# too, on the capture that has their data), tables
# sort on a click and filter, no script error or CSP violation, hostile
# names are text; the browser's network goes to a dead proxy and the page
# makes no request (counted over the protocol); the containers table fits
# its key columns and breaks no word at 1,400 and 800 px.  Screenshots
# (light, dark, without JavaScript, the containers table at each width) and
# a printed PDF are kept in $ARTIFACTS_DIR.
#
# Captures: a node of about 200 containers (tests/bench/make-capture.py: the
# table opens with the top 30), and where the real samples are there, the
# report fixtures made from them, one with names that would load something
# if they were markup (<img src=http://...>, @import, url(...)).
set -u
. "$(dirname "$0")/lib/check.sh"
. "$T/samples-lib.sh"
F=$SAMPLE_FIXTURES_DIR/captures     # made from the samples by tests/run-tests
A=${ARTIFACTS_DIR:-$PWD/build/test-artifacts}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
	echo "SKIP: no chromium at $CHROMIUM (Debian package chromium; .ci/install-deps installs it)"
	exit 77
fi
if ! command -v node > /dev/null; then
	echo "SKIP: no node to drive chromium"
	exit 77
fi
mkdir -p "$A"

# check NAME SOURCE [check-report.js flags]
check() {
	local name=$1 src=$2; shift 2
	"$M" report -f html -o "$work/$name.html" "$src" 2> /dev/null
	[ $? -le 1 ] || { fail "memsnap report $name"; return; }
	cp "$work/$name.html" "$A/$name.html"
	echo "== $name"
	if ! CHROMIUM=$CHROMIUM node "$T/browser/check-report.js" "$work/$name.html" "$A/$name" "$@"; then
		fails=$((fails + 1))
	fi
}

python3 "$T/bench/make-capture.py" --procs 600 --cgroups 319 --maps 5 --cgroup v2 \
	-o "$work/node-204.tar.gz" > /dev/null || { echo "FAIL: make-capture.py"; exit 1; }
check report-node-204 "$work/node-204.tar.gz" --many

if [ -d "$F" ]; then
	check report-k8s-v2 "$F/report-k8s-v2" --oom --deeper
	check report-v1-docker "$F/report-v1-docker" --oom
	check report-hostile "$F/report-hostile" --oom --hostile
	# samples over time: What grew's sparklines
	check report-samples-k8s "$F/report-samples-k8s" --oom --growth
	check report-until-oom-v1 "$F/report-until-oom-v1" --oom --growth
	# the hostile capture, its hostname and a process named to fetch things
	cp -r "$F/report-hostile" "$work/net"
	python3 - "$work/net" <<'PY' || { echo "FAIL: cannot write the network-hostile capture"; exit 1; }
import glob, json, os, re, sys
cap = glob.glob(os.path.join(sys.argv[1], "memsnap-*"))[0]
lure = ("<img src=http://127.0.0.1:8/a.png><link rel=stylesheet href=//b.invalid/s.css>"
        "<style>@import url(http://c.invalid/i.css)</style><iframe src=http://d.invalid/>"
        "url(http://e.invalid/bg.png)<script src=http://f.invalid/x.js></script>")
m = json.load(open(os.path.join(cap, "manifest.json")))
m["hostname"] = "net" + lure
json.dump(m, open(os.path.join(cap, "manifest.json"), "w"))
st = os.path.join(cap, "proc", "500", "status")
data = open(st, "rb").read()
open(st, "wb").write(re.sub(rb"^Name:.*$", b"Name:\t" + lure[:200].encode(), data, count=1, flags=re.M))
PY
	check report-hostile-net "$work/net" --oom
else
	echo "note: no samples at '$SAMPLES_DIR': only the generated node is checked"
fi
echo "screenshots: $A/report-*-light.png, -dark.png, -nojs.png, -containers-1400.png, -containers-800.png; PDFs: $A/report-*.pdf"
check_end
