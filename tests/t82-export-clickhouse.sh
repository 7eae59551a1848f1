#!/bin/bash
# memsnap export --format ndjson into a real distributed engine: Debian's
# clickhouse-server (18.16), two servers started as plain processes on
# 127.0.0.1 (no systemd), two shards of one cluster (remote_servers).  The
# tables come from `memsnap export --ddl clickhouse`, run on both servers;
# the NDJSON export of every fixture capture (the hostile one too) goes in
# through the Distributed tables (JSONEachRow, synchronous inserts).  Then:
# both shards hold rows, a query through a Distributed table fans out (its
# count is the sum of the shards'), every capture's rows sit on one shard,
# and every public view has the same rows as in SQLite
# (tests/export/check-clickhouse.py: count, per column non-NULL count,
# exact integer sums, min, max; NULL stays NULL).  Negative controls: the
# same export with one NULL made 0, or one row dropped, loaded into another
# database, fails the check.  Never CSV (it turns NULL into 0 silently).
# Skips when clickhouse-server is not installed.  Every wait is bounded and
# the servers are killed on exit.
set -u
. "$(dirname "$0")/lib/check.sh"
X=$T/export
. "$T/export/fixtures-lib.sh"   # F, S, load_fixtures
CHS=/usr/sbin/clickhouse-server
[ -x $CHS ] && command -v clickhouse-client > /dev/null ||
	{ echo "skip: clickhouse-server missing (Debian packages clickhouse-server clickhouse-client)"; exit 77; }
command -v python3 > /dev/null || { echo "skip: python3 missing"; exit 77; }
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2> /dev/null; done
	for p in "${pids[@]}"; do
		for _ in $(seq 50); do kill -0 "$p" 2> /dev/null || break; sleep 0.1; done
		kill -9 "$p" 2> /dev/null
	done
}

# four free TCP ports on 127.0.0.1 (two servers: native and HTTP)
read -r p1 p2 h1 h2 < <(python3 -c '
import socket
ss = [socket.socket() for _ in range(4)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in ss])')

cat > "$work/users.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>2000000000</max_memory_usage></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip></networks>
    <profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors>
    <result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time>
  </interval></default></quotas>
</yandex>
XML
# start N TCP HTTP: one server, its data under $work/sN
start() {
	local n=$1 tcp=$2 http=$3 d=$work/s$1
	mkdir -p "$d"
	cat > "$d/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$d/log</log><errorlog>$d/err.log</errorlog></logger>
  <tcp_port>$tcp</tcp_port><http_port>$http</http_port>
  <listen_host>127.0.0.1</listen_host>
  <path>$d/</path><tmp_path>$d/tmp/</tmp_path><user_files_path>$d/files/</user_files_path>
  <users_config>$work/users.xml</users_config>
  <default_profile>default</default_profile><default_database>default</default_database>
  <mark_cache_size>67108864</mark_cache_size>
  <remote_servers><memsnap>
    <shard><replica><host>127.0.0.1</host><port>$p1</port></replica></shard>
    <shard><replica><host>127.0.0.1</host><port>$p2</port></replica></shard>
  </memsnap></remote_servers>
</yandex>
XML
	$CHS --config-file="$d/config.xml" > "$d/out" 2>&1 &
	pids+=($!)
}
ch() { local port=$1; shift; timeout 60 clickhouse-client --port "$port" "$@"; }

t0=$(date +%s%N)
start 1 "$p1" "$h1"
start 2 "$p2" "$h2"
for port in $p1 $p2; do
	up=0
	for _ in $(seq 150); do   # 15 s at most
		ch "$port" --query 'SELECT 1' > /dev/null 2>&1 && { up=1; break; }
		sleep 0.1
	done
	[ $up = 1 ] || { echo "FAIL: clickhouse-server on port $port did not start:"; tail -5 "$work"/s*/err.log "$work"/s*/out; exit 1; }
done
ok "two clickhouse-server $(ch "$p1" --query 'SELECT version()') up in $(( ($(date +%s%N) - t0) / 1000000 )) ms"

db=$work/fx.db
load_fixtures "$db"
"$M" export -q --format ndjson "$db" -o "$work/nd" || fail "memsnap export --format ndjson exited $?"

# load DATABASE DIR: the DDL on both servers, then every view through its
# Distributed table on server 1
load() {
	local chdb=$1 dir=$2 v
	"$M" export --ddl clickhouse --database "$chdb" > "$work/ddl-$chdb.sql" || return 1
	for port in $p1 $p2; do
		ch "$port" --multiquery < "$work/ddl-$chdb.sql" || return 1
	done
	for v in "$dir"/*/; do
		v=$(basename "$v")
		find "$dir/$v" -name '*.ndjson' -exec cat {} + > "$work/rows.ndjson"
		# a view no capture has a row of (growth without samples, say):
		# ClickHouse refuses an empty INSERT; its table stays empty, as
		# the comparison below expects
		[ -s "$work/rows.ndjson" ] || continue
		ch "$p1" --insert_distributed_sync=1 \
			--query "INSERT INTO \`$chdb\`.\`$v\` FORMAT JSONEachRow" < "$work/rows.ndjson" || return 1
	done
}
t0=$(date +%s%N)
if load memsnap "$work/nd" 2> "$work/err"; then
	ok "tables from --ddl clickhouse on both servers; NDJSON loaded through the Distributed tables in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
else
	fail "loading: $(head -3 "$work/err")"
fi

# both shards hold rows; a Distributed query adds them up; a capture on one shard
n1=$(ch "$p1" --query 'SELECT count() FROM memsnap.processes_local')
n2=$(ch "$p2" --query 'SELECT count() FROM memsnap.processes_local')
nd=$(ch "$p2" --query 'SELECT count() FROM memsnap.processes')
[ "${n1:-0}" -gt 0 ] && [ "${n2:-0}" -gt 0 ] && ok "both shards hold processes rows ($n1 + $n2)" ||
	fail "a shard is empty: $n1 and $n2 processes rows"
[ "$nd" = $((n1 + n2)) ] && ok "a query through the Distributed table fans out: $nd = $n1 + $n2" ||
	fail "Distributed count $nd, shards $n1 + $n2"
q_uids="SELECT DISTINCT capture_uid FROM (SELECT capture_uid FROM memsnap.captures_local
	UNION ALL SELECT capture_uid FROM memsnap.processes_local UNION ALL SELECT capture_uid FROM memsnap.cgroups_local
	UNION ALL SELECT capture_uid FROM memsnap.working_set_breakdown_local) ORDER BY capture_uid"
ch "$p1" --query "$q_uids" > "$work/u1"
ch "$p2" --query "$q_uids" > "$work/u2"
both=$(comm -12 "$work/u1" "$work/u2" | wc -l)
[ "$both" = 0 ] && [ -s "$work/u1" ] && [ -s "$work/u2" ] &&
	ok "every capture's rows on one shard ($(wc -l < "$work/u1") and $(wc -l < "$work/u2") captures)" ||
	fail "$both captures have rows on both shards"

if python3 "$X/check-clickhouse.py" "$M" "$db" memsnap "$p1" > "$work/out" 2>&1; then
	ok "ClickHouse = SQLite: $(grep -c '^ok' "$work/out") views, $(tail -1 "$work/out")"
else
	fail "ClickHouse differs from SQLite:"
	grep -v '^ok' "$work/out" | head -20 | sed 's/^/  | /'
fi

# negative controls: one NULL made 0; one row dropped
cp -r "$work/nd" "$work/null0"
f=$(grep -l '"limit_bytes":null' -r "$work/null0/cgroups" | sort | head -1)
sed -i '0,/"limit_bytes":null/s//"limit_bytes":0/' "$f"
cp -r "$work/nd" "$work/drop"
f=$(find "$work/drop/processes" -name '*.ndjson' -size +0 | sort | head -1)
sed -i '1d' "$f"
for neg in null0 drop; do
	if ! load "neg_$neg" "$work/$neg" 2> "$work/err"; then
		fail "negative control $neg: cannot load: $(head -3 "$work/err")"
	elif python3 "$X/check-clickhouse.py" "$M" "$db" "neg_$neg" "$p1" > "$work/neg" 2>&1; then
		fail "negative control $neg: the check passed"
	else
		ok "negative control $neg: the check fails ($(grep -m1 '^FAIL' "$work/neg" | cut -c1-120))"
	fi
done

check_end
