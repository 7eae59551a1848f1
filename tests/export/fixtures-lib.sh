# Sourced by the export tests (t80-t82), after T (tests/) and M (memsnap):
# the captures they export, in one place.  The report-* captures (the
# hostile one too) are made from the real samples at test time by
# tests/run-tests: without them the tests skip (samples-lib.sh).
. "$T/samples-lib.sh"
need_samples
F=$T/fixtures/captures
S=$SAMPLE_FIXTURES_DIR/captures

# load_fixtures DB: every fixture capture into DB (18), or exit 1 saying so:
# the two k8s-* nodes, k8s-real/'s eleven folders laid out as captures
# without a manifest (no host or date: make-bare-captures.py, next to DB)
# and the five report-* captures
load_fixtures() {
	local bare
	bare=$(dirname "$1")/bare
	python3 "$F/make-bare-captures.py" "$bare" || { echo "FAIL: cannot lay out k8s-real/"; exit 1; }
	"$M" load -q -o "$1" "$F"/*/memsnap-*/ "$bare"/*/ "$S"/*/memsnap-*/ > /dev/null 2>&1
	[ -s "$1" ] || { echo "FAIL: cannot load the fixtures"; exit 1; }
}
