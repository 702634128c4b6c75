# A 3.4 MB file fetched with curl from busybox httpd across the split v5
# cluster (emu_http.conf) arrives whole and intact: the client compares
# its SHA-256 with its own copy. The namespaces and scratch directories
# are gone after the run.
. "$(dirname "$0")/lib.sh"
RUN=http
run http "$S/emu_http.conf"
grep -q '^intact$' "$T/http/run-x1.out" ||
    fail "the file did not arrive intact: $(cat "$T/http/run-x1.out")"
ok "curl: $(head -1 "$T/http/run-x1.out")"
check "curl exited 0" "$(emu x1 .program.exit_status) == 0"
check "the firewalls delivered the whole file to x1" \
    "$(emu x1 .tcp_payload_to_linux) >= 3388895"
check "the server ran to the end" \
    "\"$(emu y1 .program.terminated_at_end)\" == \"true\""
check "the requests went through fwA, the file through fwB" \
    "$(fw http fwA .forwarded) < $(fw http fwB .forwarded)"
pid=$(j http '.hosts[0].emulated.netns' | cut -d- -f2)
check "namespaces and scratch directories removed" "$(nsleft "$pid") == 0"
ip link | grep -q pfsim && fail "a pfsim device is left in the root namespace"
ok "nothing in the root namespace"
