#!/bin/sh
# pf list expansion is bounded: one rule line with lists expands to their
# product, counted before a rule is allocated; beyond 65536 rules per
# firewall it is refused with FILE:LINE (six lists of 32 would be 2^30
# rules, 400 GB). A ruleset within the limit is counted in the
# firewall's sim.mem_limit estimate.
. "$(dirname "$0")/lib.sh"

# scenario FILE RULES...: a firewall between two nets, with these rules
# (one per line; the first at line 8).
scenario()
{
	f=$1
	shift
	{
		printf '[sim]\nduration = 1ms\ncapture = none\n'
		printf '[net x]\n[net y]\n[firewall fw]\nnets = x y\n'
		printf 'rules = %s\n' "$1"
		shift
		for r in "$@"; do
			printf '    %s\n' "$r"
		done
	} >"$T/$f"
}

# A list of n addresses (or ports).
addrs()
{
	awk -v n="$1" 'BEGIN { printf "{"; for (i = 1; i <= n; i++)
	    printf " 10.0.%d.%d", i / 250, i % 250 + 1; printf " }" }'
}
ports()
{
	awk -v n="$1" 'BEGIN { printf "{"; for (i = 1; i <= n; i++)
	    printf " %d", 1000 + i; printf " }" }'
}
ifs()
{
	awk -v n="$1" 'BEGIN { printf "{"; for (i = 0; i < n; i++)
	    printf " em%d", i; printf " }" }'
}

# Five lists of 32 and two protocols: 2^26 rules (25 GB). Refused at
# once, in a process that could not even allocate 1 GB (the old parser
# made rules until it ran out).
scenario six.conf 'block' \
    "pass in on $(ifs 32) proto { tcp udp } from $(addrs 32) port $(ports 32) to $(addrs 32) port $(ports 32)"
(
	# not for a sanitizer build, which maps terabytes of shadow
	if (ulimit -v 1048576 && "$SIM" --version) >/dev/null 2>&1; then
		ulimit -v 1048576
	fi
	refused "$T/six.conf:9: rules: this line expands to 67108864 rules (the product of its lists), 67108865 in all: more than the limit of 65536 rules per firewall" \
	    "$T/six.conf"
) || exit 1
ok "2^26 rules from one line refused before allocating"

# The limit counts the whole ruleset: 2 + 32*32*64 = 65538.
scenario sum.conf 'block' 'pass out' \
    "pass in proto tcp from $(addrs 32) to $(addrs 32) port $(ports 32)" \
    "pass in proto udp from $(addrs 32) to $(addrs 32) port $(ports 32)"
refused "$T/sum.conf:11: rules: this line expands to 32768 rules (the product of its lists), 65538 in all: more than the limit of 65536 rules per firewall" \
    "$T/sum.conf"
ok "the limit is per firewall, over all lines"

# Exactly the limit runs: 32*32*64 = 65536.
scenario max.conf \
    "pass in proto tcp from $(addrs 32) to $(addrs 32) port $(ports 32)" \
    "pass in proto udp from $(addrs 32) to $(addrs 32) port $(ports 32)"
expect_rc 0 timeout 120 "$SIM" "$T/max.conf" --out "$T/max" --quiet
ok "65536 rules are allowed"

# And they are counted in sim.mem_limit: at its lowest (1 MB) the
# message gives the models' share; 32768 rules (at least 12 MB of
# struct pf_rule) raise it by more than 10 MB over one rule.
models_mb()
{
	expect_rc 2 "$SIM" "$T/$1" --set sim.mem_limit=1MB --out "$T/r" \
	    --quiet
	grep -q ': sim.mem_limit: ' "$T/err" || fail "no sim.mem_limit error"
	sed -n 's/.*models \([0-9.]*\) MB.*/\1/p' "$T/err"
}
scenario one.conf 'pass in proto tcp'
scenario many.conf \
    "pass in proto tcp from $(addrs 32) to $(addrs 32) port $(ports 32)"
one=$(models_mb one.conf)
many=$(models_mb many.conf)
awk -v a="$one" -v b="$many" 'BEGIN { exit !(b - a > 10) }' ||
    fail "sim.mem_limit counts no rules: models $one MB with one rule, $many MB with 32768"
ok "sim.mem_limit counts the expanded rules ($one MB, $many MB)"

# The same count for a rules_file, next to the scenario.
printf 'pass in proto tcp from %s to %s port %s\n' "$(addrs 32)" \
    "$(addrs 32)" "$(ports 32)" >"$T/many.pf"
sed '/^rules = /,$d' "$T/one.conf" >"$T/file.conf"
echo 'rules_file = many.pf' >>"$T/file.conf"
file=$(cd "$T" && models_mb file.conf)
[ "$file" = "$many" ] ||
    fail "rules_file counted as $file MB, rules as $many MB"
ok "and those of a rules_file"
