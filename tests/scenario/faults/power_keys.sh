# boot, crash and reboot are checked at load: bad schedules exit 2 with
# FILE:LINE: firewall.NAME.KEY.
. "$(dirname "$0")/../lib.sh"
bad()
{
	desc=$1
	key=$2
	shift 2
	$TO "$SIM" "$S/fault_crash_reboot.conf" --out "$T/bad" --quiet "$@" \
	    >"$T/bad.out" 2>"$T/bad.err"
	rc=$?
	[ $rc -eq 2 ] || fail "$desc: exit $rc, want 2"
	grep -q "firewall\.fwA\.$key" "$T/bad.err" ||
	    fail "$desc: no firewall.fwA.$key in: $(cat "$T/bad.err")"
	[ -e "$T/bad" ] && fail "$desc: a results directory was left"
	ok "$desc: exit 2, $(cat "$T/bad.err")"
}
bad "reboot before crash" reboot --set firewall.fwA.reboot=2s
bad "reboot at the crash" reboot --set firewall.fwA.reboot=3s
bad "two reboots" reboot --set "firewall.fwA.reboot=5s 6s"
bad "crash while off" crash --set "firewall.fwA.crash=3s 4s"
bad "crash before boot" crash --set firewall.fwA.boot=4s
bad "not a time" crash --set firewall.fwA.crash=soon
run ok2 "$S/fault_crash_reboot.conf" --set "firewall.fwA.crash=3s 6s" \
    --set "firewall.fwA.reboot=5s 7s"
check "two crash/reboot cycles" \
    "$(fw ok2 fwA '[.power.events[].what] | length') == 4"
check "forwards after the second reboot" "$(tsum ok2 fwA_forwarded_per_interval 7.5 10) > 0"
# A firewall still off at the end: its object says each key once (the
# configured pfsync engine, pfsync's zero counters, pf disabled).
run off "$S/fault_crash_reboot.conf" --set firewall.fwA.reboot= \
    --duration 4s
check "off at the end: one pfsync_version per firewall" \
    "$(grep -o '"pfsync_version"' "$T/off.json" | wc -l) == 2"
check "off at the end: the configured engine" \
    "\"$(fw off fwA .pfsync_version)\" == \"v5\""
check "off at the end: pf disabled" "$(fw off fwA .pf.states) == 0"
