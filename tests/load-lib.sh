# Sourced by the tests of `memsnap load` of many captures (t43, t45):
# lib/check.sh (M, T, $work, fail/ok, check_end), F, and caps: every
# capture folder of the fixtures, with the report-* captures (the hostile
# one too) when tests/run-tests made them from the samples.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib/check.sh"
F=$T/fixtures/captures

caps=()
S=${SAMPLE_FIXTURES_DIR:-${BUILD_DIR:-$PWD/build}/from-samples}/captures
while IFS= read -r d; do caps+=("$d"); done < <(find "$F" $([ -d "$S" ] && echo "$S") \
	-name manifest.json -printf '%h\n' | sort)
[ ${#caps[@]} -ge 2 ] || { echo "FAIL: fewer than 2 fixture captures in $F"; exit 1; }
[ -d "$S" ] || echo "note: no captures made from the samples ($S): the fixtures only"
