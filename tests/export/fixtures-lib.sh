# Sourced by the export tests (t80-t82), after T (tests/) and M (memsnap):
# the captures they export, in one place.  The report-* captures (the
# hostile one too) are made from the real samples at test time by
# tests/run-tests: without them the tests skip (samples-lib.sh).
. "$T/samples-lib.sh"
need_samples
F=$T/fixtures/captures
S=$SAMPLE_FIXTURES_DIR/captures

# load_fixtures DB: every fixture capture into DB (16), or exit 1 saying so
load_fixtures() {
	"$M" load -q -o "$1" "$F"/*/memsnap-*/ "$F"/k8s-real/v*/ "$S"/*/memsnap-*/ > /dev/null 2>&1
	[ -s "$1" ] || { echo "FAIL: cannot load the fixtures"; exit 1; }
}
