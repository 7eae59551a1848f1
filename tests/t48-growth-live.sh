#!/bin/bash
# Growth over samples, for real on this host's cgroup v1: a cgroup whose
# process grows anon at a known rate (memhog --grow 20: 20 MiB/s) and one
# that holds 64 MiB without growing; memsnap-collect --samples 5 --interval
# 500ms, loaded.  growth gives the growing cgroup's anon rate within 10% of
# 20 MiB/s with steady = 1, and the growth_anon finding names it (not its
# parent); the steady cgroup's anon is not steady growth and has no growth
# finding; samples has 5 rows of increasing time; cgroup_samples and
# process_samples hold all 5 samples of the growing cgroup and process.
set -u
. "$(dirname "$0")/ws-lib.sh"
ws_require_v1
ws_setup t48

ws_memhog grow --grow 20
ws_memhog steady --anon 64
ws_wait_ready grow
ws_wait_ready steady
sleep 0.3
ws_capture --samples 5 --interval 500ms --no-bpftool
ws_keep t48-growth-live
gpid=${WS_PID[grow]}
rel=${WS_CG#"$WS_V1"}

q() { sql_rows "$WS_DB" "$1" 2>&1; }

n=$(q "SELECT count(*) FROM samples WHERE capture_id = 1")
[ "$n" = 5 ] && ok "samples: 5 rows" || fail "samples: '$n' rows, 5 expected"
n=$(q "SELECT count(*) FROM samples a JOIN samples b ON b.capture_id = a.capture_id
       AND b.sample = a.sample + 1 WHERE b.mono_s > a.mono_s")
[ "$n" = 4 ] && ok "samples: increasing times" || fail "samples: $n increasing steps, 4 expected"
n=$(q "SELECT count(*) FROM cgroup_samples WHERE cgroup = '$rel/grow' AND anon_bytes > 0")
[ "$n" = 5 ] && ok "cgroup_samples: 5 samples of grow" || fail "cgroup_samples: $n samples of grow"
n=$(q "SELECT count(*) FROM process_samples WHERE pid = $gpid")
[ "$n" = 5 ] && ok "process_samples: 5 samples of memhog $gpid" ||
	fail "process_samples: $n samples of memhog $gpid"

row=$(q "SELECT steady, bytes_per_hour FROM growth WHERE cgroup = '$rel/grow' AND component = 'anon'")
echo "grow anon: $row (expected $((20 * 3600)) MiB/h)"
python3 - "$row" <<'PY' && ok "grow: anon rate within 10% of 20 MiB/s, steady" || fail "grow: anon growth '$row'"
import sys
steady, rate = sys.argv[1].split(",")
want = 20 * 3600 * 1048576
sys.exit(0 if steady == "1" and abs(int(rate) - want) <= want * 0.10 else 1)
PY
row=$(q "SELECT steady FROM growth WHERE cgroup = '$rel/steady' AND component = 'anon'")
[ "$row" = 0 ] && ok "steady: anon not steady growth" || fail "steady: anon steady='$row'"

f=$(q "SELECT cgroup || ' ' || code FROM report_findings WHERE code LIKE 'growth%'
       AND cgroup LIKE '$rel%' ORDER BY 1")
echo "growth findings: $f"
[ "$f" = "$rel/grow growth_anon" ] && ok "one growth finding: grow, anon" ||
	fail "growth findings for the test's cgroups: '$f', '$rel/grow growth_anon' expected"
e=$(q "SELECT evidence FROM report_findings WHERE code = 'growth_anon' AND cgroup = '$rel/grow'")
case "$e" in *anon\ grew*/min*intervals*) ok "evidence: $e" ;; *) fail "evidence: '$e'" ;; esac

check_end
