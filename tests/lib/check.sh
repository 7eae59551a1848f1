# Shared by the command-line tests (t41, t60, t63, t65, t80): source it
# after making $work, a scratch folder; end the test with check_end.

fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok $*"; }

# expect STATUS CMD...: run, keep stdout/stderr in $work/out, $work/err
expect() {
	local want=$1; shift
	"$@" > "$work/out" 2> "$work/err"
	local rc=$?
	[ $rc = "$want" ] || { fail "'$*' exited $rc, want $want"; sed 's/^/  | /' "$work/err"; return 1; }
	return 0
}

# check_end: "all passed", or the count of failures and exit 1
check_end() {
	[ $fails = 0 ] && echo "all passed" || { echo "$fails failed"; exit 1; }
}
