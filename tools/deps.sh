# tools/deps.sh: what each ./sim command needs, sourced by the launcher
# (POSIX sh). A need is found by what it is, a command on PATH, a
# pkg-config module or a libFuzzer runtime beside clang, never through a
# package manager's database, so this works without dpkg. Each need names
# the Debian package that provides it.
#
#   deps_needs CMD [ARG]...  the needs of ./sim CMD, one word each
#                         (./sim test -L ns3 needs ns-3 too)
#   deps_missing NEED...  prints "NEED PACKAGE WHAT" for each one absent
#   deps_check NEED...    0 if all are present; else, as root with
#                         apt-get, installs their packages and checks
#                         again; else prints what is missing and returns 2

# The build of pfsim (the libraries are pkg-config modules, as
# CMakeLists.txt finds them).
DEPS_BUILD="cmake cc make pkg-config libpcap libbsd"
# ./sim test: the build, cmocka (unit tests) and the tools the tests run.
DEPS_TEST="$DEPS_BUILD cmocka jq tshark valgrind parallel gnuplot clang
    libfuzzer ip iperf3 busybox curl"

deps_needs()
{
	case ${1:-} in
	test)
		# The ns3 label (the ns-3 backend's cross-checks) needs ns-3;
		# without it they are skipped, so the default run does not.
		case " $* " in
		*" -L ns3 "*|*" -Lns3 "*)	echo $DEPS_TEST ns3 ;;
		*)				echo $DEPS_TEST ;;
		esac ;;
	report)		echo $DEPS_BUILD jq gnuplot ;;	# tools/report/report
	plot)		echo jq gnuplot ;;		# no build: plot-sweep
	threshold)	echo $DEPS_BUILD gnuplot ;;	# draws threshold.svg
	*)		echo $DEPS_BUILD ;;		# a scenario, sweep, bench
	esac
}

# deps_info NEED: "PACKAGE WHAT" (the Debian package, what it provides).
deps_info()
{
	case $1 in
	cmake)		echo "cmake configures the build" ;;
	cc)		echo "gcc a C compiler (cc)" ;;
	make)		echo "make runs the build" ;;
	pkg-config)	echo "pkg-config finds the libraries" ;;
	libpcap)	echo "libpcap-dev libpcap (pcap/pcap.h, libpcap.pc)" ;;
	libbsd)		echo "libbsd-dev libbsd (bsd/sys/tree.h," \
			    "libbsd-overlay.pc)" ;;
	cmocka)		echo "libcmocka-dev cmocka, the unit tests' framework" ;;
	jq)		echo "jq reads summary.json" ;;
	tshark)		echo "tshark the Wireshark dissector's tests" ;;
	valgrind)	echo "valgrind the memory check test" ;;
	parallel)	echo "parallel GNU parallel, ./sim sweep --emit's test" ;;
	gnuplot)	echo "gnuplot-nox gnuplot, the figures" ;;
	clang)		echo "clang clang, for libFuzzer" ;;
	libfuzzer)	echo "libclang-rt-dev clang's libFuzzer runtime" ;;
	ip)		echo "iproute2 ip, emulated hosts' namespaces" ;;
	iperf3)		echo "iperf3 iperf3, the emulation scenarios' traffic" ;;
	busybox)	echo "busybox busybox httpd, emu_http.conf's server" ;;
	curl)		echo "curl curl, emu_http.conf's client" ;;
	ns3)		echo "libns3-dev ns-3 3.37, the ns3 backend (pkg-config" \
			    "ns3-core ...; ./sim test -L ns3)" ;;
	*)		echo "$1 (unknown need)" ;;
	esac
}

# deps_have NEED: is it here? Cheap: no compiler is run, no network.
deps_have()
{
	case $1 in
	cc)
		dh_cc=${CC:-cc}
		command -v "${dh_cc%% *}" >/dev/null 2>&1 ;;
	libpcap|cmocka)
		command -v pkg-config >/dev/null 2>&1 &&
		    pkg-config --exists "$1" ;;
	ns3)
		command -v pkg-config >/dev/null 2>&1 &&
		    pkg-config --exists ns3-core ns3-network ns3-internet \
		    ns3-csma ;;
	libbsd)
		command -v pkg-config >/dev/null 2>&1 &&
		    pkg-config --exists libbsd-overlay ;;
	libfuzzer)
		# libclang_rt.fuzzer in clang's runtime directory (per
		# target in newer clang, per arch in older ones)
		command -v clang >/dev/null 2>&1 || return 1
		dh_a=libclang_rt.fuzzer-$(uname -m).a
		dh_dir=$(clang --print-runtime-dir 2>/dev/null) &&
		    { [ -f "$dh_dir/libclang_rt.fuzzer.a" ] ||
		    [ -f "$dh_dir/$dh_a" ]; } && return 0
		# clang before 13: no --print-runtime-dir
		[ -f "$(clang -print-file-name="$dh_a" 2>/dev/null)" ] ;;
	*)
		command -v "$1" >/dev/null 2>&1 ;;
	esac
}

deps_missing()
{
	for dm_n in "$@"; do
		deps_have "$dm_n" || echo "$dm_n $(deps_info "$dm_n")"
	done
}

# deps_pkgs MISSING-LINES: their Debian packages, on one line.
deps_pkgs()
{
	echo "$1" | awk '{ print $2 }' | sort -u | tr '\n' ' ' |
	    sed 's/ *$//'
}

deps_check()
{
	dc_miss=$(deps_missing "$@")
	[ -z "$dc_miss" ] && return 0
	dc_pkgs=$(deps_pkgs "$dc_miss")
	if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "sim: installing $dc_pkgs" >&2
		(
			export DEBIAN_FRONTEND=noninteractive
			apt-get update -qq >&2
			# tshark asks whether non-root users may capture: no.
			echo "wireshark-common wireshark-common/install-setuid" \
			    "boolean false" | debconf-set-selections \
			    2>/dev/null || true
			apt-get install -y -qq $dc_pkgs >&2
		) || true
		dc_miss=$(deps_missing "$@")
		[ -z "$dc_miss" ] && return 0
		dc_pkgs=$(deps_pkgs "$dc_miss")
	fi
	echo "sim: missing what this command needs:" >&2
	echo "$dc_miss" | while read -r dc_n dc_p dc_what; do
		echo "  $dc_n: $dc_what (Debian package $dc_p)" >&2
	done
	echo "sim: on Debian: sudo apt-get install -y $dc_pkgs" >&2
	return 2
}
