/*
 * Emulated hosts: a network namespace with a TAP device per host, whose
 * frames are exchanged with the simulated net in real time (emu.h).
 *
 * The namespace is made and configured with iproute2 ("ip netns add",
 * "ip -n NS link/addr/route/neigh"); the TAP is opened by pfsim itself
 * while it has entered the namespace (setns), so the device exists only
 * there, and is not persistent: it disappears when pfsim's descriptor
 * closes. Programs run through /bin/sh -c inside the namespace, in their
 * own process group, and die with pfsim (PR_SET_PDEATHSIG).
 */
#define _GNU_SOURCE		/* setns, memfd_create */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine/proto.h"
#include "jsonget.h"
#include "models/emu/emu.h"

#define EMU_NETNS_DIR	"/run/netns"
#define EMU_OUTMAX	(1 << 20)	/* program output summarised, bytes */
#define EMU_READMAX	64		/* frames read from a TAP per wakeup */

const struct param_spec emu_params[] = {
	{ "host", "kind", PT_ENUM, 0, 0, "sim", "sim|netns",
	    "sim: pfsim's own host (TCP, [flow]s); netns: a Linux network "
	    "namespace with a TAP device whose frames are the host's, for "
	    "real programs (needs root and sim.clock = realtime; "
	    "models/emu/README.md)" },
	{ "host", "run", PT_STRING, 0, 0, "", NULL,
	    "netns: a command run inside the namespace by /bin/sh -c, e.g. "
	    "'iperf3 -s -1'; it starts in a scratch directory of its own, "
	    "removed after the run, and its output is run-NAME.out in the "
	    "results" },
	{ "host", "start", PT_DURATION, 0, 86400LL * NS_PER_SEC, "0", NULL,
	    "netns: when the command starts" },
	{ "host", "gateway", PT_STRING, 0, 0, "", NULL,
	    "netns: the firewall whose address on the host's net is the "
	    "default route (empty: the first firewall on the net)" },
	{ NULL, NULL, 0, 0, 0, NULL, NULL, NULL }
};

struct emu_host {
	struct run	*run;
	struct world	*w;
	struct conf_section *sec;
	struct iface	*ifp;
	char		 name[32];
	char		 ns[64];		/* pfsim-PID-NAME */
	char		 gw[32];		/* the gateway firewall */
	uint32_t	 gwaddr;
	int		 tapfd;
	bool		 ns_made;
	/* the program */
	char		 cmd[1024];
	simtime_t	 start_at;
	struct ev	 start_ev;
	pid_t		 pid;
	int		 outfd;			/* memfd: its stdout+stderr */
	int		 status;		/* wait status, once exited */
	bool		 exited, terminated;
	simtime_t	 exit_at;
	char		 start_err[128];	/* fork failed, ... */
	char		 scratch[96];		/* its working directory */
	/* frames */
	uint64_t	 to_linux, to_linux_bytes, to_linux_drops;
	uint64_t	 from_linux, from_linux_bytes, from_linux_drops;
	uint64_t	 tcp_payload_to_linux;	/* TCP payload delivered */
};

/*
 * Run argv (iproute2) and wait. 0 on exit status 0; else -1 with the
 * first line of its stderr (or why it did not run) in msg.
 */
static int
emu_exec(char *const argv[], char *msg, size_t msglen)
{
	int pfd[2], st;
	pid_t pid;
	ssize_t n;
	char buf[512];

	if (pipe2(pfd, O_CLOEXEC) != 0) {
		snprintf(msg, msglen, "pipe: %s", strerror(errno));
		return -1;
	}
	if ((pid = fork()) < 0) {
		snprintf(msg, msglen, "fork: %s", strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		dup2(pfd[1], 2);
		execvp(argv[0], argv);
		dprintf(2, "%s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	n = read(pfd[0], buf, sizeof(buf) - 1);
	close(pfd[0]);
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	snprintf(msg, msglen, "'%s %s %s ...' failed%s%.200s", argv[0],
	    argv[1] ? argv[1] : "", argv[1] && argv[2] ? argv[2] : "",
	    buf[0] ? ": " : "", buf);
	return -1;
}

int
emu_available(char *why, size_t whylen)
{
	char msg[256];
	char *const argv[] = { "ip", "-V", NULL };

	if (geteuid() != 0) {
		snprintf(why, whylen, "emulation needs root (network "
		    "namespaces and TAP devices)");
		return -1;
	}
	if (access("/dev/net/tun", R_OK | W_OK) != 0) {
		snprintf(why, whylen, "emulation needs /dev/net/tun: %s",
		    strerror(errno));
		return -1;
	}
	if (emu_exec(argv, msg, sizeof(msg)) != 0) {
		snprintf(why, whylen, "emulation needs iproute2's ip "
		    "(Debian: apt-get install iproute2): %s", msg);
		return -1;
	}
	return 0;
}

/* Kill every process inside namespace ns (a leftover's programs, which
 * PR_SET_PDEATHSIG should have killed already): "ip netns pids NS". */
static void
emu_kill_ns_pids(const char *ns)
{
	char buf[4096], *p, *end;
	int pfd[2], st;
	ssize_t n, got = 0;
	pid_t pid;
	long k;

	if (pipe2(pfd, O_CLOEXEC) != 0)
		return;
	if ((pid = fork()) < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(pfd[1], 1);
		dup2(null, 2);
		execlp("ip", "ip", "netns", "pids", ns, (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	while (got < (ssize_t)sizeof(buf) - 1 && (n = read(pfd[0], buf + got,
	    sizeof(buf) - 1 - (size_t)got)) > 0)
		got += n;
	close(pfd[0]);
	buf[got] = '\0';
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	for (p = buf; *p != '\0'; p = end) {
		k = strtol(p, &end, 10);
		if (end == p)
			break;
		if (k > 1 && k != (long)getpid())
			kill((pid_t)k, SIGKILL);
	}
}

/* rm -rf a scratch directory /tmp/pfsim-PID-HOST.XXXXXX (only those). */
static void
emu_rm_scratch(const char *dir)
{
	char msg[256];
	char *const argv[] = { "rm", "-rf", "--one-file-system", "--",
	    (char *)dir, NULL };

	if (strncmp(dir, "/tmp/pfsim-", 11) != 0 || strstr(dir, "..") != NULL)
		return;
	(void)emu_exec(argv, msg, sizeof(msg));
}

static void
emu_del_ns(const char *ns)
{
	char msg[256];
	char *const argv[] = { "ip", "netns", "del", (char *)ns, NULL };

	emu_kill_ns_pids(ns);
	(void)emu_exec(argv, msg, sizeof(msg));
}

/* "pfsim-PID-..." of a PID that names no process (not ours)? */
static bool
emu_stale_name(const char *name)
{
	char *end;
	long pid;

	if (strncmp(name, "pfsim-", 6) != 0)
		return false;
	pid = strtol(name + 6, &end, 10);
	if (end == name + 6 || *end != '-' || pid <= 0)
		return false;
	return pid != (long)getpid() && kill((pid_t)pid, 0) != 0 &&
	    errno == ESRCH;
}

void
emu_clean_stale(void)
{
	DIR *d = opendir(EMU_NETNS_DIR);
	struct dirent *de;
	char stale[64][NAME_MAX + 8];
	int n = 0, i;

	/* Only a run that is gone: its PID names no process. */
	while (d != NULL && (de = readdir(d)) != NULL && n < 64)
		if (emu_stale_name(de->d_name))
			snprintf(stale[n++], sizeof(stale[0]), "%s",
			    de->d_name);
	if (d != NULL)
		closedir(d);
	for (i = 0; i < n; i++)
		emu_del_ns(stale[i]);
	/* The programs' scratch directories, /tmp/pfsim-PID-HOST.XXXXXX. */
	n = 0;
	if ((d = opendir("/tmp")) == NULL)
		return;
	while ((de = readdir(d)) != NULL && n < 64)
		if (de->d_type == DT_DIR && emu_stale_name(de->d_name))
			snprintf(stale[n++], sizeof(stale[0]), "/tmp/%s",
			    de->d_name);
	closedir(d);
	for (i = 0; i < n; i++)
		emu_rm_scratch(stale[i]);
}

/* Enter ns, run fn(arg), come back. 0, or -1 with errno. */
static int
emu_in_ns(const char *ns, int (*fn)(void *), void *arg)
{
	char path[PATH_MAX];
	int self, target, rv, e;

	snprintf(path, sizeof(path), "%s/%s", EMU_NETNS_DIR, ns);
	if ((self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if ((target = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		e = errno;
		close(self);
		errno = e;
		return -1;
	}
	if (setns(target, CLONE_NEWNET) != 0) {
		e = errno;
		close(self);
		close(target);
		errno = e;
		return -1;
	}
	rv = fn(arg);
	e = errno;
	if (setns(self, CLONE_NEWNET) != 0)
		abort();	/* pfsim must not stay in a namespace */
	close(self);
	close(target);
	errno = e;
	return rv;
}

static int
emu_write_sysctl(const char *path, const char *v)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, v, strlen(v));
	close(fd);
	return n == (ssize_t)strlen(v) ? 0 : -1;
}

/* Inside the namespace: no IPv6 (no router solicitations or DAD on the
 * net), then the TAP, non-blocking, frames without a packet header. */
static int
emu_open_tap(void *arg)
{
	struct emu_host *e = arg;
	struct ifreq ifr;
	int fd;

	(void)emu_write_sysctl("/proc/sys/net/ipv6/conf/default/"
	    "disable_ipv6", "1");
	(void)emu_write_sysctl("/proc/sys/net/ipv6/conf/all/disable_ipv6",
	    "1");
	if ((fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC)) < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "eth0");
	if (ioctl(fd, TUNSETIFF, &ifr) != 0) {
		int er = errno;

		close(fd);
		errno = er;
		return -1;
	}
	e->tapfd = fd;
	return 0;
}

static void
emu_fmt_addr(uint32_t a, char *buf, size_t len)
{
	struct in_addr ia = { htonl(a) };

	inet_ntop(AF_INET, &ia, buf, (socklen_t)len);
}

static void
emu_fmt_mac(const uint8_t *m, char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
	    m[3], m[4], m[5]);
}

/* ip -n NS WORDS...: 0, or -1 with err. */
static int
emu_ip(struct emu_host *e, char *msg, size_t msglen, const char *a0,
    const char *a1, const char *a2, const char *a3, const char *a4,
    const char *a5, const char *a6, const char *a7, const char *a8)
{
	const char *argv[] = { "ip", "-n", e->ns, a0, a1, a2, a3, a4, a5,
	    a6, a7, a8, NULL };

	return emu_exec((char *const *)argv, msg, msglen);
}

/* Frames the net delivers to the host go to Linux. */
static void
emu_rx(struct iface *ifp, struct pkt *p, void *arg)
{
	struct emu_host *e = arg;
	const uint8_t *d = p->data;

	(void)ifp;
	if (write(e->tapfd, p->data, p->len) == (ssize_t)p->len) {
		e->to_linux++;
		e->to_linux_bytes += p->len;
		/* TCP payload, for the goodput (IPv4 without options or
		 * with: ihl and data offset are read). */
		if (p->len >= 14 + 20 && d[12] == 0x08 && d[13] == 0x00 &&
		    d[14 + 9] == IPPROTO_TCP_) {
			uint32_t ihl = (uint32_t)(d[14] & 0x0f) * 4;
			uint32_t iplen = (uint32_t)d[16] << 8 | d[17];

			if (p->len >= 14 + ihl + 20) {
				uint32_t doff = (uint32_t)(d[14 + ihl + 12] >>
				    4) * 4;

				if (iplen >= ihl + doff)
					e->tcp_payload_to_linux += iplen - ihl -
					    doff;
			}
		}
	} else
		e->to_linux_drops++;
	pkt_free(p);
}

/* The TAP is readable: what Linux sent enters the net now. */
static void
emu_input(void *arg)
{
	struct emu_host *e = arg;
	struct pkt *p;
	ssize_t n;
	int k;

	for (k = 0; k < EMU_READMAX; k++) {
		if ((p = pkt_alloc(e->w->pool)) == NULL) {
			e->from_linux_drops++;
			return;
		}
		n = read(e->tapfd, p->data, PKT_MAXFRAME);
		if (n <= 0) {
			pkt_free(p);
			return;
		}
		p->len = (uint32_t)n;
		p->t_sent = sim_now(e->w);
		e->from_linux++;
		e->from_linux_bytes += (uint64_t)n;
		if (sim_output(e->ifp, p) != 0)
			e->from_linux_drops++;
	}
}

/* The firewall that is the gateway: named, or the first on the net. */
static struct iface *
emu_gateway(struct emu_host *e, const char *want)
{
	struct segment *s = e->ifp->seg;
	int i;

	for (i = 0; i < s->nports; i++) {
		struct iface *o = s->ports[i]->ifp;

		if (o == e->ifp || !node_is(o->node, "firewall") ||
		    o->addr == 0)
			continue;
		if (*want == '\0' || strcmp(o->node->name, want) == 0)
			return o;
	}
	return NULL;
}

static int
emu_configure(struct emu_host *e, struct iface *gw, char *msg,
    size_t msglen)
{
	struct segment *s = e->ifp->seg;
	char mac[32], addr[64], a[32], plen[8];
	int i;

	emu_fmt_mac(e->ifp->mac, mac, sizeof(mac));
	emu_fmt_addr(e->ifp->addr, a, sizeof(a));
	snprintf(plen, sizeof(plen), "%u", e->ifp->plen);
	snprintf(addr, sizeof(addr), "%s/%s", a, plen);
	if (emu_ip(e, msg, msglen, "link", "set", "lo", "up", NULL, NULL,
	    NULL, NULL, NULL) != 0 ||
	    emu_ip(e, msg, msglen, "link", "set", "eth0", "address", mac,
	    "mtu", "1500", NULL, NULL) != 0 ||
	    emu_ip(e, msg, msglen, "addr", "add", addr, "dev", "eth0", NULL,
	    NULL, NULL, NULL) != 0 ||
	    emu_ip(e, msg, msglen, "link", "set", "eth0", "up", NULL, NULL,
	    NULL, NULL, NULL) != 0)
		return -1;
	/* Static ARP, as pfsim's nets: every other interface of the net. */
	for (i = 0; i < s->nports; i++) {
		struct iface *o = s->ports[i]->ifp;

		if (o == e->ifp || o->addr == 0)
			continue;
		emu_fmt_addr(o->addr, a, sizeof(a));
		emu_fmt_mac(o->mac, mac, sizeof(mac));
		if (emu_ip(e, msg, msglen, "neigh", "replace", a, "lladdr", mac,
		    "nud", "permanent", "dev", "eth0") != 0)
			return -1;
	}
	emu_fmt_addr(gw->addr, a, sizeof(a));
	return emu_ip(e, msg, msglen, "route", "add", "default", "via", a,
	    "dev", "eth0", NULL, NULL);
}

struct emu_host *
emu_host_create(struct run *r, struct conf_section *sec, struct iface *ifp,
    char *err, size_t errlen)
{
	struct emu_host *e;
	struct iface *gw;
	char msg[512];

	if ((e = calloc(1, sizeof(*e))) == NULL) {
		conf_key_error(err, errlen, sec, "kind", "out of memory");
		return NULL;
	}
	e->run = r;
	e->w = run_world(r);
	e->sec = sec;
	e->ifp = ifp;
	e->tapfd = -1;
	e->outfd = -1;
	e->pid = -1;
	snprintf(e->name, sizeof(e->name), "%s", conf_name(sec));
	snprintf(e->cmd, sizeof(e->cmd), "%s", conf_str(sec, "run"));
	snprintf(e->gw, sizeof(e->gw), "%s", conf_str(sec, "gateway"));
	e->start_at = conf_int(sec, "start");
	snprintf(e->ns, sizeof(e->ns), "pfsim-%ld-%s", (long)getpid(),
	    e->name);
	if ((gw = emu_gateway(e, e->gw)) == NULL) {
		conf_key_error(err, errlen, sec, "gateway", "%s%s%s is not a "
		    "firewall with an address on net %s", *e->gw ? "" :
		    "(empty: the first firewall) ", e->gw, *e->gw ? "" : "",
		    ifp->seg->name);
		free(e);
		return NULL;
	}
	snprintf(e->gw, sizeof(e->gw), "%s", gw->node->name);
	e->gwaddr = gw->addr;
	{
		char *const argv[] = { "ip", "netns", "add", e->ns, NULL };

		if (emu_exec(argv, msg, sizeof(msg)) != 0)
			goto fail;
	}
	e->ns_made = true;
	if (emu_in_ns(e->ns, emu_open_tap, e) != 0) {
		snprintf(msg, sizeof(msg), "a TAP device in namespace %s: %s",
		    e->ns, strerror(errno));
		goto fail;
	}
	if (emu_configure(e, gw, msg, sizeof(msg)) != 0)
		goto fail;
	if (run_add_input(r, e->tapfd, emu_input, e) != 0) {
		snprintf(msg, sizeof(msg), "too many emulated hosts");
		goto fail;
	}
	sim_set_input(ifp, emu_rx, e);
	ev_init(&e->start_ev, NULL, NULL, NULL);
	return e;
fail:
	conf_key_error(err, errlen, sec, "kind", "netns: %s", msg);
	emu_host_destroy(e);
	return NULL;
}

/* The program, inside the namespace, its output in a memfd. */
static void
emu_start_prog(void *arg)
{
	struct emu_host *e = arg;
	char path[PATH_MAX];
	int nsfd;
	pid_t pid;

	if ((e->outfd = memfd_create("pfsim-run", MFD_CLOEXEC)) < 0) {
		snprintf(e->start_err, sizeof(e->start_err), "memfd: %s",
		    strerror(errno));
		return;
	}
	snprintf(e->scratch, sizeof(e->scratch), "/tmp/%s.XXXXXX", e->ns);
	if (mkdtemp(e->scratch) == NULL) {
		snprintf(e->start_err, sizeof(e->start_err), "mkdtemp: %s",
		    strerror(errno));
		e->scratch[0] = '\0';
		return;
	}
	snprintf(path, sizeof(path), "%s/%s", EMU_NETNS_DIR, e->ns);
	if ((nsfd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		snprintf(e->start_err, sizeof(e->start_err), "%.60s: %s",
		    path, strerror(errno));
		return;
	}
	fflush(NULL);
	if ((pid = fork()) < 0) {
		snprintf(e->start_err, sizeof(e->start_err), "fork: %s",
		    strerror(errno));
		close(nsfd);
		return;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		if (chdir(e->scratch) != 0)
			_exit(126);
		setenv("PFSIM_HOST", e->name, 1);
		setenv("PFSIM_NETNS", e->ns, 1);
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (setns(nsfd, CLONE_NEWNET) != 0)
			_exit(126);
		dup2(null, 0);
		dup2(e->outfd, 1);
		dup2(e->outfd, 2);
		/* Default dispositions: pfsim's handlers are not the
		 * program's. */
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		execl("/bin/sh", "sh", "-c", e->cmd, (char *)NULL);
		_exit(127);
	}
	close(nsfd);
	setpgid(pid, pid);
	e->pid = pid;
}

void
emu_host_start(struct emu_host *e)
{
	if (e->cmd[0] == '\0')
		return;
	ev_init(&e->start_ev, emu_start_prog, e, NULL);
	(void)sim_schedule_bounded(e->w, &e->start_ev, e->start_at);
}

static void
emu_reap(struct emu_host *e, int block_ms)
{
	int st, k;
	pid_t got;

	for (k = 0; e->pid > 0 && !e->exited; k++) {
		got = waitpid(e->pid, &st, WNOHANG);
		if (got == e->pid) {
			e->exited = true;
			e->status = st;
			return;
		}
		if (k >= block_ms)
			return;
		usleep(1000);
	}
}

void
emu_host_stop(struct emu_host *e)
{
	sim_cancel(e->w, &e->start_ev);
	if (e->pid <= 0)
		return;
	emu_reap(e, 0);
	if (e->exited)
		return;
	/* Still running at the end (a server): SIGTERM, then SIGKILL. */
	e->terminated = true;
	kill(-e->pid, SIGTERM);
	emu_reap(e, 1000);
	if (!e->exited) {
		kill(-e->pid, SIGKILL);
		emu_reap(e, 1000);
	}
}

/* The program's output, at most EMU_OUTMAX bytes, NUL-terminated
 * (malloc'd; NULL when there is none). */
static char *
emu_output(const struct emu_host *e, size_t *lenp)
{
	off_t size;
	char *buf;
	ssize_t n;

	*lenp = 0;
	if (e->outfd < 0 || (size = lseek(e->outfd, 0, SEEK_END)) <= 0)
		return NULL;
	if (size > EMU_OUTMAX)
		size = EMU_OUTMAX;
	if ((buf = malloc((size_t)size + 1)) == NULL)
		return NULL;
	n = pread(e->outfd, buf, (size_t)size, 0);
	if (n < 0)
		n = 0;
	buf[n] = '\0';
	*lenp = (size_t)n;
	return buf;
}

/*
 * The receiver's goodput in iperf3's --json report,
 * end.sum_received.bits_per_second (tools/sweep/jsonget.h). -1 when the
 * output is not such a report.
 */
static double
emu_iperf3_bps(const char *out, size_t len)
{
	struct jsonget *d;
	char err[128];
	double bps;

	if (out == NULL || (d = jsonget_parse(out, len, err,
	    sizeof(err))) == NULL)
		return -1;
	if (jsonget_number(d, "end.sum_received.bits_per_second", &bps) != 0)
		bps = -1;
	jsonget_free(d);
	return bps;
}

void
emu_host_json(const struct emu_host *e, struct json *j)
{
	double secs = (double)sim_now(e->w) / NS_PER_SEC;
	size_t len;
	char *out = emu_output(e, &len);
	double bps = emu_iperf3_bps(out, len);

	json_obj_begin(j, "emulated");
	json_str(j, "netns", e->ns);
	json_str(j, "gateway", e->gw);
	json_uint(j, "frames_to_linux", e->to_linux);
	json_uint(j, "bytes_to_linux", e->to_linux_bytes);
	json_uint(j, "frames_from_linux", e->from_linux);
	json_uint(j, "bytes_from_linux", e->from_linux_bytes);
	json_uint(j, "drops", e->to_linux_drops + e->from_linux_drops);
	json_uint(j, "tcp_payload_to_linux", e->tcp_payload_to_linux);
	/* What the firewalls delivered to the host, over the run. */
	json_real(j, "goodput_mbit", secs > 0 ?
	    (double)e->tcp_payload_to_linux * 8 / secs / 1e6 : 0);
	json_obj_begin(j, "program");
	json_str(j, "command", e->cmd);
	json_bool(j, "started", e->pid > 0);
	if (e->start_err[0])
		json_str(j, "error", e->start_err);
	json_bool(j, "terminated_at_end", e->terminated);
	if (e->exited && WIFEXITED(e->status))
		json_int(j, "exit_status", WEXITSTATUS(e->status));
	else if (e->exited && WIFSIGNALED(e->status))
		json_int(j, "exit_signal", WTERMSIG(e->status));
	json_uint(j, "output_bytes", len);
	/* iperf3 --json only: its own receiver figure. */
	if (bps >= 0)
		json_real(j, "iperf3_goodput_mbit", bps / 1e6);
	json_obj_end(j);
	json_obj_end(j);
	free(out);
}

int
emu_host_files(const struct emu_host *e, const char *dir)
{
	char path[PATH_MAX];
	size_t len;
	char *out;
	FILE *f;
	int rv = 0;

	if (e->cmd[0] == '\0')
		return 0;
	out = emu_output(e, &len);
	snprintf(path, sizeof(path), "%s/run-%s.out", dir, e->name);
	if ((f = fopen(path, "w")) == NULL) {
		free(out);
		return -1;
	}
	if (len > 0 && fwrite(out, 1, len, f) != len)
		rv = -1;
	if (fclose(f) != 0)
		rv = -1;
	free(out);
	return rv;
}

void
emu_host_text(const struct emu_host *e, FILE *f)
{
	double secs = (double)sim_now(e->w) / NS_PER_SEC;

	fprintf(f, "host %-8s netns %s via %s: %" PRIu64 " frames in, %"
	    PRIu64 " out, %.2f Mbit/s TCP payload delivered", e->name, e->ns,
	    e->gw, e->to_linux, e->from_linux, secs > 0 ?
	    (double)e->tcp_payload_to_linux * 8 / secs / 1e6 : 0);
	if (e->cmd[0] == '\0')
		fputc('\n', f);
	else if (e->exited && WIFEXITED(e->status))
		fprintf(f, "; '%s' exited %d%s\n", e->cmd,
		    WEXITSTATUS(e->status), e->terminated ?
		    " (terminated at the end)" : "");
	else if (e->exited && WIFSIGNALED(e->status))
		fprintf(f, "; '%s' killed by signal %d%s\n", e->cmd,
		    WTERMSIG(e->status), e->terminated ?
		    " (terminated at the end)" : "");
	else
		fprintf(f, "; '%s' %s\n", e->cmd, e->start_err[0] ?
		    e->start_err : "did not start");
}

void
emu_host_destroy(struct emu_host *e)
{
	if (e == NULL)
		return;
	if (e->pid > 0 && !e->exited) {
		kill(-e->pid, SIGKILL);
		emu_reap(e, 1000);
	}
	if (e->ifp != NULL && e->ifp->rx == emu_rx)
		sim_set_input(e->ifp, NULL, NULL);
	if (e->tapfd >= 0)
		close(e->tapfd);
	if (e->outfd >= 0)
		close(e->outfd);
	if (e->ns_made)
		emu_del_ns(e->ns);
	if (e->scratch[0] != '\0')
		emu_rm_scratch(e->scratch);
	free(e);
}
