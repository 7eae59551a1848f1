#!/bin/bash
# What grew, for real on this host's cgroup v1 (issue 14's proof): five
# cgroups under one test cgroup, captured with memsnap-collect --samples 5
# --interval 1s and loaded:
#   anon     memhog --grow 16: 16 MiB/s of anonymous memory
#   cache    memhog --grow 16 --grow-into a file on disk: 16 MiB/s of page cache
#   tmpfs    memhog --grow 16 --grow-into a tmpfs the test mounts: 16 MiB/s of shmem
#   steady   memhog --anon 96: big, not growing
#   restart  memhog --anon 32 --hold 1, again and again: the process exits
#            and a new one starts in the same cgroup between samples
# growth_check.py: each rate within 10% of what was made (growth), steady,
# each growth finding names its cgroup and component (growth_anon,
# growth_page_cache, growth_shmem) and there is no other; the steady
# cgroup and the restarted one are not growth; the samples show the
# restart, and so does finding_restarts (kind 'replaced': the cgroup's
# processes of one sample are none of the next one's).  Needs root and the
# v1 memory controller.
set -u
. "$(dirname "$0")/ws-lib.sh"
ws_require_v1
ws_setup t46
RATE=16

ws_tmpfs shm 128M
ws_memhog anon --grow $RATE
ws_memhog cache --grow $RATE --grow-into "$WS_TMP/cache.dat"
ws_memhog tmpfs --grow $RATE --grow-into "$WS_TMPFS/grow.dat"
ws_memhog steady --anon 96
for n in anon cache tmpfs steady; do ws_wait_ready $n; done
# The restarts: a loop outside the cgroup (so no process of the cgroup
# lives through them) starting a 1-second memhog in it, 12 times at most.
restart=$(ws_cg restart)
ws_start restart /bin/bash -c 'for i in $(seq 12); do "$0" --cgroup "$1" --anon 32 --hold 1 || exit; done' \
	"$BUILD_DIR/helpers/memhog" "$restart"
sleep 0.5
ws_capture --samples 5 --interval 1s --no-bpftool
ws_keep t46-growth-kinds-live
pids=$(sed -n 's/^pid=//p' "${WS_LOG[restart]}" | paste -sd,)
echo "restart: memhog pids $pids"

python3 "$TESTS_DIR/growth_check.py" "$M" "$WS_DB" "${WS_CG#"$WS_V1"}" 5 \
	"anon:anon:$RATE:${WS_LOG[anon]}" "cache:page_cache:$RATE:${WS_LOG[cache]}" \
	"tmpfs:shmem:$RATE:${WS_LOG[tmpfs]}" steady:steady "restart:restart:$pids"
