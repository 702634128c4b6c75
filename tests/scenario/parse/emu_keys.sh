#!/bin/sh
# The emulation keys are refused where they cannot work, with exit 2 and
# FILE:LINE: kind = netns on the virtual clock, run/start/gateway on a
# simulated host, an unknown kind, (as root, run as nobody) emulation
# without root, and (as root) a [flow] from an emulated host, after which
# no namespace is left. Needs no root itself.
. "$(dirname "$0")/lib.sh"

cat >"$T/e.conf" <<'CONF'
[sim]
duration = 200ms
capture  = none
[net x]
[net y]
[firewall fw]
nets   = x y
hw     = 2009
pfsync = off
[host x1]
net  = x
kind = netns
[host y1]
net = y
CONF
refused "$T/e.conf:12: host.x1.kind: netns needs sim.clock = realtime" \
    "$T/e.conf"
refused "$T/e.conf:13: host.y1.run: only for kind = netns" "$T/e.conf" \
    --realtime --set host.x1.kind=sim --set "host.y1.run=true"
refused "--set: host.x1.kind: 'vm': expected one of sim|netns" \
    "$T/e.conf" --set host.x1.kind=vm
ok "kind and run refused where they cannot work"

if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	chmod 1777 "$T"	# nobody writes its results there
	chmod 644 "$T/e.conf"
	rm -rf "$T/r"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$SIM" \
	    "$T/e.conf" --realtime --out "$T/nobody" --quiet 2>"$T/err"
	rc=$?
	[ $rc -eq 2 ] || fail "as nobody: exit $rc, expected 2"
	grep -q "host.x1.kind: netns: emulation needs root" "$T/err" ||
	    fail "as nobody: $(cat "$T/err")"
	ok "without root: $(cat "$T/err")"
fi

# A flow from an emulated host: refused once the hosts are linked (their
# namespaces made, then removed), so only where emulation works.
cat >>"$T/e.conf" <<'CONF'
[flow f]
proto = tcp
from  = x1
to    = y1
CONF
if [ "$(id -u)" -eq 0 ] && [ -c /dev/net/tun ]; then
	refused "$T/e.conf:17: flow.f.from: x1 is an emulated host" \
	    "$T/e.conf" --realtime
	# What the refused run left would carry its PID, which is gone
	# now (namespaces of runs still going, e.g. another user's, are
	# theirs).
	for ns in $(ip netns list | awk '/^pfsim-[0-9]+-/ { print $1 }'); do
		pid=$(echo "$ns" | cut -d- -f2)
		kill -0 "$pid" 2>/dev/null || fail "namespace $ns is left"
	done
	ok "a flow from an emulated host refused, no namespace left"
fi
