#!/bin/bash
# Issue 17.4: hostile names under /var/log/pods and /var/log/containers.
# A real folder whose name holds a newline,
#   junk_junk_junk\nshop_injected-pod_<uid of shop/web-0>/web
# used to put a line "shop_injected-pod_<uid>/web" of its own into
# collector/k8s-pod-logs.txt, and the containers view then named web-0's
# container shop/injected-pod.  Now the collector keeps only valid
# Kubernetes names (DNS-1123 labels and subdomains, UUID pod uids) and
# records a problem for each other one; the loader refuses invalid lines of
# a crafted archive just the same.
#
# Runs the collector on a node tree written by make-k8s-captures.py --root
# (as t55 does): no root needed.
set -u
. "$(dirname "$0")/lib/check.sh" --fatal
command -v python3 >/dev/null || skip "python3 not installed"
fx=$TESTS_DIR/fixtures/captures

root=$work/root
mkdir "$root"
python3 "$fx/make-k8s-captures.py" --root "$root" cgroupfs-v1 || fail "cannot write the tree"
web=$(cd "$root/var/log/pods" && ls -d shop_web-0_*) || fail "no shop_web-0 folder in the tree"
uid=${web##*_}
nl=$'\n'
mkdir -p "$root/var/log/pods/junk_junk_junk${nl}shop_injected-pod_${uid}/web"
mkdir -p "$root/var/log/pods/shop_Bad-Pod_${uid}/web"          # upper case
mkdir -p "$root/var/log/pods/shop_pod_abc/web"                 # not a UID
touch "$root/var/log/containers/web-0_shop_web${nl}x-$(printf '%064d' 0).log"

"$C" --root "$root" --no-bpftool --kmsg none -q -o "$work/c.tar.gz" 2>"$work/err"
rc=$?
[ $rc = 1 ] || fail "exit $rc, not 1 (a problem for each bad name): $(cat "$work/err")"
tar xzf "$work/c.tar.gz" -C "$work" || fail "unreadable archive"
top=$(ls -d "$work"/memsnap-*)
grep -q injected "$top/collector/k8s-pod-logs.txt" && fail "the injected pod is in k8s-pod-logs.txt"
grep -qi bad-pod "$top/collector/k8s-pod-logs.txt" && fail "an upper-case pod name was kept"
grep -q '_abc/' "$top/collector/k8s-pod-logs.txt" && fail "a pod uid that is no UID was kept"
grep -q '^x-' "$top/collector/k8s-container-logs.txt" && fail "a container log name was split"
grep -q "^$web/web$" "$top/collector/k8s-pod-logs.txt" || fail "the real pod web-0 is missing"
python3 - "$top/manifest.json" <<'EOF' || fail "the bad names are not recorded as problems"
import json, sys
m = json.load(open(sys.argv[1]))
bad = sorted(p["path"] for p in m["problems"] if p.get("error") == "not a Kubernetes name, left out")
assert len(bad) == 4, bad
assert any(p.startswith("var/log/pods/junk_junk_junk\nshop_injected-pod_") for p in bad), bad
assert any(p.startswith("var/log/containers/web-0_shop_web\nx-") for p in bad), bad
EOF
echo "ok: the collector keeps only valid names, 4 problems recorded"

"$M" load -q "$work/c.tar.gz" -o "$work/c.db" >/dev/null 2>&1
[ $? -le 1 ] || fail "memsnap load failed"
got=$("$M" sql --csv "$work/c.db" "SELECT namespace || '/' || pod FROM containers WHERE pod_uid = '$uid'" | tail -n +2 | tr -d '\r' | sort -u)
[ "$got" = "shop/web-0" ] || fail "web-0's containers are named '$got'"
echo "ok: the containers view names web-0's container shop/web-0"

# At load: the same lines in a crafted archive are refused.
python3 - "$work/c.tar.gz" "$work/crafted.tar.gz" "$uid" <<'EOF' || fail "cannot craft the archive"
import io, sys, tarfile
src, dst, uid = sys.argv[1:4]
with tarfile.open(src) as t, tarfile.open(dst, "w:gz", format=tarfile.PAX_FORMAT) as o:
    for m in t.getmembers():
        data = t.extractfile(m).read()
        if m.name.endswith("/collector/k8s-pod-logs.txt"):
            data += ("shop_Bad-Pod_%s/web\nshop_pod_abc/web\n-shop_web-0_%s/web\n"
                     "shop_web-0_%s/-web\n" % (uid, uid, uid)).encode()
        m.size = len(data)
        o.addfile(m, io.BytesIO(data))
EOF
"$M" load -q "$work/crafted.tar.gz" -o "$work/crafted.db" >/dev/null 2>"$work/load.err"
[ $? -le 1 ] || fail "memsnap load of the crafted archive failed: $(cat "$work/load.err")"
n=$("$M" sql --csv "$work/crafted.db" "SELECT count(*) FROM k8s_pod_log WHERE pod IN ('Bad-Pod', 'pod') OR namespace = '-shop' OR container = '-web'" | tail -n1 | tr -d '\r')
[ "$n" = 0 ] || fail "the loader kept $n invalid names"
echo "ok: the loader refuses invalid names in a crafted archive"
