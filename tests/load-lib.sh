# Sourced by the tests of `memsnap load` of many captures (t43, t45): M,
# T, F, a $work folder removed on exit, fail/ok counting into $fails, and
# caps: every capture folder of the fixtures, with the report-* captures
# (the hostile one too) when tests/run-tests made them from the samples.
set -u
BIN_DIR=${BIN_DIR:-$PWD/bin}
M=$BIN_DIR/memsnap
T=${TESTS_DIR:-$PWD/tests}
F=$T/fixtures/captures
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok $*"; }

caps=()
S=${SAMPLE_FIXTURES_DIR:-${BUILD_DIR:-$PWD/build}/from-samples}/captures
while IFS= read -r d; do caps+=("$d"); done < <(find "$F" $([ -d "$S" ] && echo "$S") \
	-name manifest.json -printf '%h\n' | sort)
[ ${#caps[@]} -ge 2 ] || { echo "FAIL: fewer than 2 fixture captures in $F"; exit 1; }
[ -d "$S" ] || echo "note: no captures made from the samples ($S): the fixtures only"
