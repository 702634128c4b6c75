# Shared by the emulation tests: sh SCRIPT PFSIM SRCDIR. They run the
# emu_* scenarios (real programs in network namespaces, on the wall
# clock) and are skipped (exit 77) without root, /dev/net/tun, network
# namespaces or the programs. Measured outcomes are checked with wide
# margins: a busy machine slows real time, not the verdicts.
. "$(dirname "$0")/../scenario/lib.sh"
[ "$(id -u)" -eq 0 ] || { echo "SKIP: emulation needs root"; exit 77; }
[ -c /dev/net/tun ] || { echo "SKIP: no /dev/net/tun"; exit 77; }
for c in ip iperf3 busybox curl; do
	command -v $c >/dev/null || { echo "SKIP: $c missing"; exit 77; }
done
# Namespaces may be refused inside a container: try one.
probe=pfsimprobe$$
ip netns add "$probe" 2>/dev/null || { echo "SKIP: ip netns add" \
    "refused here"; exit 77; }
ip netns del "$probe"

# nsleft PID: the namespaces and scratch directories of run PID left.
nsleft()
{
	{ ip netns list | awk '{ print $1 }' | grep "^pfsim-$1-"
	  ls -d /tmp/pfsim-"$1"-* 2>/dev/null; } | wc -l
}

# emu NAME FILTER: a value of host NAME's "emulated" object of run $RUN.
emu()
{
	jq -r --arg n "$1" ".hosts[] | select(.name == \$n) | .emulated |
	    $2" "$T/$RUN.json"
}
