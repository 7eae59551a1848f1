#!/bin/bash
# The HTML report in a real browser: Debian's chromium, headless, driven over
# the DevTools pipe by tests/browser/check-report.js (Node, no npm package).
# For each fixture capture: it renders, sections and SVG charts are there,
# tables sort on a click and filter, no script error, CSP violation or
# network request, hostile names are text.  Screenshots (light, dark,
# without JavaScript) and a printed PDF are kept in $ARTIFACTS_DIR.
set -u
BIN_DIR=${BIN_DIR:-$PWD/bin}
M=$BIN_DIR/memsnap
T=${TESTS_DIR:-$PWD/tests}
. "$T/samples-lib.sh"
need_samples
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
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0

for fx in report-k8s-v2 report-v1-docker report-hostile; do
	flags="--oom"
	[ $fx = report-hostile ] && flags="$flags --hostile"
	"$M" report -f html -o "$work/$fx.html" "$F/$fx" 2> /dev/null
	[ $? -le 1 ] || { echo "FAIL: memsnap report $fx"; fails=$((fails + 1)); continue; }
	cp "$work/$fx.html" "$A/$fx.html"
	echo "== $fx"
	# shellcheck disable=SC2086
	if ! CHROMIUM=$CHROMIUM node "$T/browser/check-report.js" "$work/$fx.html" "$A/$fx" $flags; then
		fails=$((fails + 1))
	fi
done
echo "screenshots: $A/report-*-light.png, -dark.png, -nojs.png; PDFs: $A/report-*.pdf"
[ $fails = 0 ] && echo "all passed" || { echo "$fails reports failed"; exit 1; }
