#!/bin/bash
# The kubelet's eviction settings (issue 16 item 4): memsnap-collect --root
# on a tree laid out like a node's: a kubelet process (proc/PID/comm and a
# cmdline with --config, eviction flags and a secret token), its config
# file (the EKS sample, with secrets added), an env file and a kubeadm
# drop-in (the samples).  collector/kubelet.txt must hold exactly the kept
# settings, and no other byte of those files.
set -u
. "$(dirname "$0")/lib/check.sh" --fatal
: "${SAMPLES_DIR:=$(cd "$(dirname "$0")" && pwd)/samples}"
[ -x "$C" ] || skip "'$C' not built"
s=$SAMPLES_DIR/kubelet-config
[ -d "$s" ] || skip "no kubelet-config samples in '$SAMPLES_DIR'"
. "$(dirname "$0")/lib/collect-root.sh"

root=$work/root
root_tree "$root"
mkdir -p "$root/proc/4242" "$root/etc/kubernetes/kubelet" "$root/etc/default" \
	"$root/etc/systemd/system/kubelet.service.d"
echo kubelet > "$root/proc/4242/comm"
printf '%s\0' /usr/bin/kubelet --config=/etc/kubernetes/kubelet/kubelet-config.json \
	--token=TOPSECRET1 --eviction-hard 'memory.available<500Mi' \
	--system-reserved=memory=1Gi --node-labels=TOPSECRET2 > "$root/proc/4242/cmdline"
{ cat "$s/learnk8s-inspector-eks-al2-node-kubelet-config.json"; } |
	sed 's|"clusterDomain": "cluster.local"|"clusterDomain": "TOPSECRET3"|' \
	> "$root/etc/kubernetes/kubelet/kubelet-config.json"
cp "$s/learnk8s-inspector-aks-ubuntu1804-2022-etc-default-kubelet.env" "$root/etc/default/kubelet"
cp "$s/k8s-gh58541-v1.9.1-kubeadm-dropin-eviction-env-lines.txt" \
	"$root/etc/systemd/system/kubelet.service.d/10-eviction.conf"

capture_into "$work/x" --root "$root"
got=$top/collector/kubelet.txt
[ -f "$got" ] || fail "no collector/kubelet.txt in the capture"
cat > "$work/expect" <<'EOS'
cmdline evictionHard memory.available<500Mi
cmdline systemReserved memory=1Gi
config evictionHard memory.available=100Mi,nodefs.available=10%,nodefs.inodesFree=5%
config kubeReserved cpu=70m,ephemeral-storage=1Gi,memory=574Mi
env-file enforceNodeAllocatable pods
env-file evictionHard memory.available<750Mi,nodefs.available<10%,nodefs.inodesFree<5%
env-file kubeReserved cpu=100m,memory=1843Mi
drop-in evictionHard memory.available<3000Mi,nodefs.available<1Gi,imagefs.available<40Gi
drop-in evictionSoft memory.available<3500Mi,nodefs.available<2Gi,imagefs.available<50Gi
drop-in evictionSoftGracePeriod memory.available=1m30s,nodefs.available=5m,imagefs.available=5m
EOS
diff -u "$work/expect" "$got" || fail "collector/kubelet.txt differs"
! grep -rq TOPSECRET "$work/x" || fail "a secret of the kubelet's files reached the archive"

# A node without a kubelet: no file.
rm -rf "$root/proc/4242" "$root/etc"
capture_into "$work/d" --root "$root"
[ ! -e "$top/collector/kubelet.txt" ] || fail "kubelet.txt on a node without a kubelet"
echo "ok: only the kubelet's eviction and reservation settings captured"
