#!/bin/bash
# The working-set breakdown of every sample (issue 14: "the same columns
# and components as the single-instant views"), for real on this host's
# cgroup v1: a cgroup whose process grows anon (memhog --grow 20) and one
# that holds 32 MiB, memsnap-collect --samples 4 --interval 400ms, loaded.
#   - working_set_breakdown_samples has each of the 4 samples of the
#     growing cgroup, and in each its components add up exactly to that
#     sample's working set (cgroup_samples.working_set_bytes);
#   - its anon component is cgroup_samples.anon_bytes in every sample, and
#     rises from the first sample to the last;
#   - sample 1 is working_set_breakdown, row for row (one definition).
set -u
. "$(dirname "$0")/ws-lib.sh"
ws_require_v1
ws_setup t39

ws_memhog grow --grow 20
ws_memhog hold --anon 32
ws_wait_ready grow
ws_wait_ready hold
sleep 0.3
ws_capture --samples 4 --interval 400ms --no-bpftool
ws_keep t39-breakdown-samples
rel=${WS_CG#"$WS_V1"}

q() { sql_rows "$WS_DB" "$1" 2>&1; }

for cg in grow hold; do
	n=$(q "SELECT count(DISTINCT sample) FROM working_set_breakdown_samples WHERE cgroup = '$rel/$cg'")
	[ "$n" = 4 ] && ok "$cg: 4 samples" || fail "$cg: '$n' samples in working_set_breakdown_samples, 4 expected"
	# per sample: the components add up to the working set, to the byte
	bad=$(q "SELECT b.sample || ':' || sum(b.bytes) || '/' || s.working_set_bytes
	         FROM working_set_breakdown_samples b
	         JOIN cgroup_samples s ON s.capture_id = b.capture_id AND s.sample = b.sample
	          AND s.cgroup = b.cgroup
	         WHERE b.cgroup = '$rel/$cg'
	         GROUP BY b.sample HAVING sum(b.bytes) IS NOT s.working_set_bytes")
	[ -z "$bad" ] && ok "$cg: each sample's components add up to its working set" ||
		fail "$cg: sum/working set per sample: $bad"
	bad=$(q "SELECT b.sample || ':' || b.bytes || '/' || s.anon_bytes
	         FROM working_set_breakdown_samples b
	         JOIN cgroup_samples s ON s.capture_id = b.capture_id AND s.sample = b.sample
	          AND s.cgroup = b.cgroup
	         WHERE b.cgroup = '$rel/$cg' AND b.component = 'anon'
	           AND b.bytes IS NOT s.anon_bytes")
	[ -z "$bad" ] && ok "$cg: anon is cgroup_samples.anon_bytes" || fail "$cg: anon differs: $bad"
done
a=$(q "SELECT group_concat(bytes >> 20, ' ') FROM (SELECT bytes FROM working_set_breakdown_samples
       WHERE cgroup = '$rel/grow' AND component = 'anon' ORDER BY sample)")
echo "grow: anon MiB by sample: $a"
python3 - "$a" <<'PY' && ok "grow: anon rises by about 8 MiB a sample" || fail "grow: anon by sample '$a'"
import sys
v = [int(x) for x in sys.argv[1].split()]
# 20 MiB/s for 400 ms: 8 MiB a sample (allow 50% for the shared machine's timing)
sys.exit(0 if len(v) == 4 and all(4 <= b - a <= 16 for a, b in zip(v, v[1:])) else 1)
PY
d=$(q "SELECT (SELECT count(*) FROM (
         SELECT capture_id, cgroup, component, bytes, reclaimable, category
         FROM working_set_breakdown_samples WHERE sample = 1
         EXCEPT SELECT * FROM working_set_breakdown))
       + (SELECT count(*) FROM (SELECT * FROM working_set_breakdown
         EXCEPT SELECT capture_id, cgroup, component, bytes, reclaimable, category
         FROM working_set_breakdown_samples WHERE sample = 1))
       + (SELECT count(*) = 0 FROM working_set_breakdown) AS d")
[ "$d" = 0 ] && ok "sample 1 is working_set_breakdown" || fail "sample 1 and working_set_breakdown differ by $d rows"

check_end
