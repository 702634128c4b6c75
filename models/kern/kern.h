/*
 * The OpenBSD kernel environment (4.4/4.5 era, one CPU) that the ported pf
 * and pfsync code runs on. Umbrella header: ported code includes this and
 * nothing else from the kernel model.
 *
 * Per-firewall state lives in one struct vnet (the FreeBSD VNET idiom);
 * curvnet names the firewall whose event is running and is switched by the
 * engine's context hook. Kernel globals keep their names through macros
 * (hz, ticks, time_second, time_uptime, ipintrq, ...), so use sites read
 * like the original.
 *
 * Semantics: docs/ref/openbsd-kernel-env.md (cited by section, "§N").
 * Include order: this header pulls in the libc headers it needs first and
 * then defines its macros (log, arc4random, malloc/free); do not include
 * <math.h>, <net/if.h> or <net/ethernet.h> after it (BSD names differ).
 */
#ifndef MODELS_KERN_KERN_H
#define MODELS_KERN_KERN_H

#include <sys/types.h>
#include <sys/queue.h>		/* libbsd-overlay: TAILQ, SLIST, ... */
#include <sys/tree.h>		/* libbsd-overlay: RB_* */

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>		/* LOG_ERR, LOG_NOTICE, ... */

#include <arpa/inet.h>		/* htonl, ntohl, htons, ntohs */
#include <netinet/in.h>		/* struct in_addr, IPPROTO_* */
#include <netinet/in_systm.h>
#include <netinet/ip.h>		/* struct ip, IPVERSION, IP_DF, ... */

#include "engine/backend.h"
#include "engine/net.h"
#include "engine/pkt.h"
#include "engine/proto.h"
#include "engine/rng.h"
#include "engine/simtime.h"

#include "models/kern/kern_cost.h"

/* Compile-time options of the modelled kernel (sys/conf). */
#define NBPFILTER	0
#define NCARP		0
#define NPFLOG		0
#define NPFLOW		0
#define NPFSYNC		1
#define INET		1

/* ------------------------------------------------------------------ */
/* Types and small functions (sys/types.h, sys/param.h, libkern)       */

typedef int64_t		 quad_t;
typedef uint64_t	 u_quad_t;

#ifndef MIN
#define MIN(a, b)	(((a) < (b)) ? (a) : (b))
#endif
#ifndef MAX
#define MAX(a, b)	(((a) > (b)) ? (a) : (b))
#endif
#ifndef nitems
#define nitems(_a)	(sizeof((_a)) / sizeof((_a)[0]))
#endif
#define ISSET(t, f)	((t) & (f))
#define SET(t, f)	((t) |= (f))
#define CLR(t, f)	((t) &= ~(f))

#ifndef betoh64
#define betoh64(x)	be64toh(x)
#define htobe64_(x)	htobe64(x)
#endif

static inline int
imax(int a, int b)
{
	return (a > b ? a : b);
}

static inline int
imin(int a, int b)
{
	return (a < b ? a : b);
}

static inline u_long
ulmin(u_long a, u_long b)
{
	return (a < b ? a : b);
}

/* netinet/in.h (OpenBSD): group of pfsync, and IN_MULTICAST on a
 * network-order address (glibc's takes host order). */
#define IPPROTO_PFSYNC		240
#define __IPADDR(x)		((u_int32_t)htonl((u_int32_t)(x)))
#define INADDR_PFSYNC_GROUP	__IPADDR(0xe00000f0)	/* 224.0.0.240 */
#undef IN_CLASSD
#undef IN_MULTICAST
#define IN_CLASSD(i)		(((u_int32_t)(i) & __IPADDR(0xf0000000)) == \
				    __IPADDR(0xe0000000))
#define IN_MULTICAST(i)		IN_CLASSD(i)

/* net/if_ether.h: the Ethernet header as pf_test receives it. */
#define ETHERMTU	1500
struct ether_header {
	u_int8_t	ether_dhost[ETHER_ADDR_LEN];
	u_int8_t	ether_shost[ETHER_ADDR_LEN];
	u_int16_t	ether_type;
} __attribute__((packed));

/* ------------------------------------------------------------------ */
/* Diagnostics (kern/subr_prf.c, sys/systm.h)                         */

/* Abort with a message naming the firewall and simulated time. Stays on
 * in every build. */
void	panic(const char *, ...) __attribute__((noreturn, format(printf, 1, 2)));
#define KASSERT(e) do {							\
	if (__builtin_expect(!(e), 0))					\
		panic("kernel assertion \"%s\" failed: file \"%s\", "	\
		    "line %d", #e, __FILE__, __LINE__);			\
} while (0)
#define KDASSERT(e)	KASSERT(e)

/* kern/subr_log.c: log(9). Written to stderr with the firewall name and
 * simulated time, only when the level passes the vnet's log level. */
void	kern_log(int, const char *, ...) __attribute__((format(printf, 2, 3)));
#define log(...)	kern_log(__VA_ARGS__)

/* libkern: arc4random from the firewall's rng stream (deterministic);
 * never libc's or libbsd's. */
u_int32_t	kern_arc4random(void);
u_int32_t	kern_arc4random_uniform(u_int32_t);
void		kern_arc4random_buf(void *, size_t);
#define arc4random()		kern_arc4random()
#define arc4random_uniform(n)	kern_arc4random_uniform(n)
#define arc4random_buf(b, n)	kern_arc4random_buf((b), (n))

/* netinet/ip_id.c: a random non-zero IP id, host order. */
u_int16_t	ip_randomid(void);

/* kern/kern_malloc.c: malloc(9)/free(9) with their BSD arguments. The
 * one-argument libc forms stay usable (the macros dispatch on arity).
 * M_WAITOK never sleeps: allocation either succeeds or panics. */
#define M_WAITOK	0x0001
#define M_NOWAIT	0x0002
#define M_ZERO		0x0008
#define M_DEVBUF	2
#define M_PFSYNC	M_DEVBUF
#define M_IFADDR	9
#define M_IPMOPTS	28
#define M_IPMADDR	32
#define M_TEMP		74
void	*kern_malloc(size_t, int, int);
void	 kern_free(void *, int);
#ifndef KERN_NO_MALLOC_MACROS
#define _KERN_ARGN(_1, _2, _3, N, ...)	N
#define _KERN_MALLOC1(s)		(malloc)(s)
#define _KERN_FREE1(p)			(free)(p)
#define _KERN_FREE2(p, t)		kern_free((p), (t))
#define malloc(...)	_KERN_ARGN(__VA_ARGS__, kern_malloc, _KERN_BAD,	\
			    _KERN_MALLOC1, _KERN_BAD)(__VA_ARGS__)
#define free(...)	_KERN_ARGN(__VA_ARGS__, _KERN_BAD, _KERN_FREE2,	\
			    _KERN_FREE1, _KERN_BAD)(__VA_ARGS__)
#endif

/* Privilege checks always succeed (no users in the model). */
#define suser(p, f)	0

/* ------------------------------------------------------------------ */
/* Interrupt priority levels (amd64 intrdefs.h)                       */
/* docs/ref/openbsd-kernel-env.md §3                                  */

#define IPL_NONE	0
#define IPL_SOFTCLOCK	4
#define IPL_SOFTNET	5
#define IPL_BIO		6
#define IPL_NET		7
#define IPL_SOFTTTY	8
#define IPL_TTY		9
#define IPL_VM		10
#define IPL_AUDIO	11
#define IPL_CLOCK	12
#define IPL_HIGH	13
#define IPL_MAX		14	/* number of levels (array size) */

/*
 * spl(9): raise the current level to at least X and return the old one;
 * splx(s) restores it. Work made pending meanwhile runs at the end of the
 * current CPU step (XXX: not at the splx call itself).
 */
int	kern_splraise(int);
void	kern_splx(int);
int	kern_spl_current(void);
void	kern_splassert_fail(int want, int have, const char *func);
#define splhigh()	kern_splraise(IPL_HIGH)
#define splclock()	kern_splraise(IPL_CLOCK)
#define splvm()		kern_splraise(IPL_VM)
#define splnet()	kern_splraise(IPL_NET)
#define splbio()	kern_splraise(IPL_BIO)
#define splsoftnet()	kern_splraise(IPL_SOFTNET)
#define spltdb()	kern_splraise(IPL_SOFTNET)
#define splsoftclock()	kern_splraise(IPL_SOFTCLOCK)
#define spl0()		(kern_splx(IPL_NONE), IPL_NONE)
#define splx(s)		kern_splx(s)
/* A failed splassert is counted (vnet->vnet_stats.splassert_failures),
 * logged, and panics when vnet_splassert_ctl >= 2. */
#define splassert(wantipl) do {						\
	int _have = kern_spl_current();					\
	if (_have < (wantipl))						\
		kern_splassert_fail((wantipl), _have, __func__);	\
} while (0)

/* ------------------------------------------------------------------ */
/* timeout(9) (sys/timeout.h, kern/kern_timeout.c)                    */
/* docs/ref/openbsd-kernel-env.md §2                                  */

struct vnet;

struct timeout {
	TAILQ_ENTRY(timeout) to_list;	/* on the vnet's sorted list */
	void		(*to_func)(void *);
	void		*to_arg;
	int		 to_time;	/* ticks on queue: deadline as added */
	int		 to_flags;
	int64_t		 to_due;	/* pfsim: tick of the softclock */
	uint64_t	 to_seq;	/* pfsim: order among equal deadlines */
	struct vnet	*to_vnet;	/* pfsim: owning firewall */
};
#define TIMEOUT_ONQUEUE		2	/* on a queue (pending) */
#define TIMEOUT_INITIALIZED	4	/* initialised */
#define TIMEOUT_TRIGGERED	8	/* running or ran */

void	timeout_set(struct timeout *, void (*)(void *), void *);
void	timeout_add(struct timeout *, int);
void	timeout_add_sec(struct timeout *, int);
void	timeout_add_msec(struct timeout *, int);
int	timeout_del(struct timeout *);
#define timeout_pending(to)	((to)->to_flags & TIMEOUT_ONQUEUE)
#define timeout_initialized(to)	((to)->to_flags & TIMEOUT_INITIALIZED)
#define timeout_triggered(to)	((to)->to_flags & TIMEOUT_TRIGGERED)

/* ------------------------------------------------------------------ */
/* Process-context work (IPL_NONE), e.g. pf's purge thread.           */

/* Runs fn(arg) once at IPL_NONE when the CPU has nothing higher to do.
 * pfsim's stand-in for a kernel thread woken by tsleep/wakeup. */
struct kern_task {
	TAILQ_ENTRY(kern_task) t_list;
	void		(*t_func)(void *);
	void		*t_arg;
	int		 t_queued;
};
void	kern_task_set(struct kern_task *, void (*)(void *), void *);
void	kern_task_add(struct kern_task *);
void	kern_task_del(struct kern_task *);

/* ------------------------------------------------------------------ */
/* pool(9) (kern/subr_pool.c)                                          */

struct pool_allocator {
	int	pa_dummy;
};
extern const struct pool_allocator pool_allocator_nointr;

struct pool {
	const char	*pr_wchan;
	size_t		 pr_size;
	unsigned int	 pr_nout;	/* items out */
	unsigned int	 pr_hardlimit;	/* UINT_MAX = none */
	unsigned int	 pr_maxout;	/* peak of pr_nout */
	uint64_t	 pr_nget;
	uint64_t	 pr_nput;
	uint64_t	 pr_nfail;	/* failed pool_get (limit or memory) */
	void		*pr_free;	/* free list (first word links) */
	unsigned int	 pr_nfree;
	int		 pr_inited;
};
#define PR_WAITOK	0x0001
#define PR_NOWAIT	0x0002
#define PR_LIMITFAIL	0x0004
#define PR_ZERO		0x0008

void	 pool_init(struct pool *, size_t, u_int, u_int, int, const char *,
	    const struct pool_allocator *);
void	 pool_destroy(struct pool *);
/* NULL (and pr_nfail++) when pr_nout reached the hard limit; PR_WAITOK
 * cannot sleep here and fails the same way (XXX). */
void	*pool_get(struct pool *, int);
void	 pool_put(struct pool *, void *);
int	 pool_sethardlimit(struct pool *, u_int, const char *, int);
void	 pool_setlowat(struct pool *, int);

/* ------------------------------------------------------------------ */
/* mbuf-lite (sys/mbuf.h, kern/uipc_mbuf.c)                            */

/*
 * An mbuf is a small header (from the vnet's mbuf pool, hard limit
 * nmbclust) over one engine struct pkt, which holds the whole frame in a
 * contiguous buffer with headroom. m_next is always NULL: every mbuf is
 * "a cluster". For an IP packet m_data points at the IP header, i.e. 14
 * bytes past pkt->data, so the Ethernet header sits in front of it (in
 * pkt->buf) and is prepended again on output. M_LEADINGSPACE keeps those
 * 14 bytes in reserve. m_pkthdr.len == m_len always.
 */
#define MSIZE		256
#define MLEN		232	/* XXX MSIZE - m_hdr; only compared against */
#define MHLEN		200	/* XXX MLEN - pkthdr */
#define MCLBYTES	2048
#define MAXMCLBYTES	MCLBYTES

#define MT_FREE		0
#define MT_DATA		1
#define MT_HEADER	2

#define M_EXT		0x0001
#define M_PKTHDR	0x0002
#define M_EOR		0x0004
#define M_BCAST		0x0100
#define M_MCAST		0x0200

/* pfsim: marks on an engine frame (struct pkt's flags, which belong to
 * the models) that outlive the mbuf. */
#define PKT_F_SYNC	0x0001		/* pfsync traffic (fw's totals) */
#define PKT_F_PFGEN	0x0002		/* "pf generated": pf passes it untouched */

#define M_DONTWAIT	M_NOWAIT
#define M_COPYALL	1000000000
#define M_WAIT		M_WAITOK

/* pf's per-packet data (sys/mbuf.h 4.5: struct pkthdr_pf). */
struct pkthdr_pf {
	void		*hdr;		/* saved hdr pos in mbuf, for ECN */
	void		*statekey;	/* pf stackside statekey */
	u_int32_t	 qid;
	u_int16_t	 tag;
	u_int8_t	 flags;
	u_int8_t	 routed;
};
#define PF_TAG_GENERATED		0x01
#define PF_TAG_FRAGCACHE		0x02
#define PF_TAG_TRANSLATE_LOCALHOST	0x04

struct ifnet;

struct pkthdr {
	struct ifnet	*rcvif;
	int		 len;
	u_int16_t	 csum_flags;
	struct pkthdr_pf pf;
};

struct mbuf {
	struct mbuf	*m_next;	/* always NULL */
	struct mbuf	*m_nextpkt;	/* queue link (ifqueue) */
	caddr_t		 m_data;
	int		 m_len;
	short		 m_type;
	short		 m_flags;
	struct pkthdr	 m_pkthdr;
	struct pkt	*m_pkt;		/* pfsim: the buffer behind m_data */
	struct pool	*m_pool;	/* pfsim: the vnet's mbuf pool */
};

#define mtod(m, t)	((t)((m)->m_data))

struct mbuf	*m_gethdr(int, int);
struct mbuf	*m_free(struct mbuf *);
void		 m_freem(struct mbuf *);
/* Contiguous already: returns m with *offp = off, or frees m and returns
 * NULL when off + len runs past the packet. */
struct mbuf	*m_pulldown(struct mbuf *, int, int, int *);
struct mbuf	*m_pullup(struct mbuf *, int);
void		 m_copydata(struct mbuf *, int, int, caddr_t);
/* Extends the packet when off + len passes the end; truncated silently
 * at the buffer's end (XXX the kernel would chain another mbuf). */
void		 m_copyback(struct mbuf *, int, int, const void *);
void		 m_adj(struct mbuf *, int);
struct mbuf	*m_copym2(struct mbuf *, int, int, int);
/* Wrap an engine frame (data at the Ethernet header) as an mbuf whose
 * m_data skips off bytes. NULL (p freed) when the mbuf pool is empty.
 * The pf tag is not carried over: PF_TAG_GENERATED is host-local. */
struct mbuf	*m_frompkt(struct pkt *, int off);
/* Turn m back into a frame with hdrlen bytes prepended (room checked);
 * consumes m. NULL when there is no room (p freed). Sets PKT_F_PFGEN
 * when m carried PF_TAG_GENERATED. */
struct pkt	*m_topkt(struct mbuf *, int hdrlen);

#define MGETHDR(m, how, type)	((m) = m_gethdr((how), (type)))
#define MGET(m, how, type)	((m) = m_gethdr((how), (type)))
#define MCLGET(m, how)		((m)->m_flags |= M_EXT)
#define MCLGETI(m, how, ifp, len) do {					\
	if ((int)(len) <= MCLBYTES)					\
		(m)->m_flags |= M_EXT;					\
} while (0)
#define M_LEADINGSPACE(m)	m_leadingspace(m)
#define M_TRAILINGSPACE(m)	m_trailingspace(m)
int	m_leadingspace(const struct mbuf *);
int	m_trailingspace(const struct mbuf *);
#define M_PREPEND(m, plen, how) do {					\
	if (M_LEADINGSPACE(m) >= (plen)) {				\
		(m)->m_data -= (plen);					\
		(m)->m_len += (plen);					\
		(m)->m_pkthdr.len += (plen);				\
	} else {							\
		m_freem(m);						\
		(m) = NULL;						\
	}								\
} while (0)
#define MH_ALIGN(m, len)	do { } while (0)	/* XXX no-op */

/* Room in front of an IP header for the link header (sys/domain.h). */
#define max_linkhdr	16

/* ------------------------------------------------------------------ */
/* Interfaces and queues (net/if.h, net/if.c)                         */
/* docs/ref/openbsd-kernel-env.md §5                                  */

struct ifqueue {
	struct mbuf	*ifq_head;
	struct mbuf	*ifq_tail;
	int		 ifq_len;
	int		 ifq_maxlen;
	int		 ifq_drops;
	int		 ifq_congestion;
	struct timeout	 ifq_congestion_to;	/* pfsim: clears the flag */
};

#define IFQ_MAXLEN	256
#define IF_QFULL(ifq)	((ifq)->ifq_len >= (ifq)->ifq_maxlen)
#define IF_DROP(ifq)	((ifq)->ifq_drops++)
#define IF_ENQUEUE(ifq, m) do {						\
	(m)->m_nextpkt = NULL;						\
	if ((ifq)->ifq_tail == NULL)					\
		(ifq)->ifq_head = (m);					\
	else								\
		(ifq)->ifq_tail->m_nextpkt = (m);			\
	(ifq)->ifq_tail = (m);						\
	(ifq)->ifq_len++;						\
} while (0)
#define IF_PREPEND(ifq, m) do {						\
	(m)->m_nextpkt = (ifq)->ifq_head;				\
	if ((ifq)->ifq_tail == NULL)					\
		(ifq)->ifq_tail = (m);					\
	(ifq)->ifq_head = (m);						\
	(ifq)->ifq_len++;						\
} while (0)
#define IF_DEQUEUE(ifq, m) do {						\
	(m) = (ifq)->ifq_head;						\
	if (m) {							\
		if (((ifq)->ifq_head = (m)->m_nextpkt) == NULL)		\
			(ifq)->ifq_tail = NULL;				\
		(m)->m_nextpkt = NULL;					\
		(ifq)->ifq_len--;					\
	}								\
} while (0)
#define IF_POLL(ifq, m)		((m) = (ifq)->ifq_head)
#define IF_IS_EMPTY(ifq)	((ifq)->ifq_len == 0)
#define IFQ_SET_MAXLEN(ifq, len) ((ifq)->ifq_maxlen = (len))
/* if.c: if_congestion: flag ifq congested until the next tick (hz/100). */
void	if_congestion(struct ifqueue *);
/* if.h: IF_INPUT_ENQUEUE: enqueue, or drop, free and flag congestion.
 * Returns 0 or ENOBUFS (pfsim: a value, for the drop counters). */
int	if_input_enqueue(struct ifqueue *, struct mbuf *);
void	ifq_purge(struct ifqueue *);

/* OpenBSD values (not Linux's). */
#define IFF_UP		0x1
#define IFF_BROADCAST	0x2
#define IFF_DEBUG	0x4
#define IFF_LOOPBACK	0x8
#define IFF_POINTOPOINT	0x10
#define IFF_NOTRAILERS	0x20
#define IFF_RUNNING	0x40
#define IFF_NOARP	0x80
#define IFF_PROMISC	0x100
#define IFF_ALLMULTI	0x200
#define IFF_OACTIVE	0x400
#define IFF_SIMPLEX	0x800
#define IFF_LINK0	0x1000
#define IFF_LINK1	0x2000
#define IFF_LINK2	0x4000
#define IFF_MULTICAST	0x8000

#define IFT_ETHER	0x06
#define IFT_PFSYNC	0xf6
#define IFNAMSIZ	16

/*
 * struct ifnet: the fields pf and pfsync read. Real interfaces (em0, ...)
 * wrap an engine struct iface; pseudo-interfaces (pfsync0) have none.
 * For real interfaces if_snd stands for if_snd + TX ring: its length is
 * the engine port's transmit queue plus frames of the current CPU step
 * not yet on the wire (XXX one queue for both).
 */
struct ifnet {
	TAILQ_ENTRY(ifnet) if_list;
	char		 if_xname[IFNAMSIZ];
	void		*if_softc;
	int		 if_index;
	u_char		 if_type;
	int		 if_flags;
	u_int		 if_mtu;
	u_int		 if_hardmtu;
	u_char		 if_hdrlen;
	u_int64_t	 if_ipackets, if_ibytes, if_ierrors;
	u_int64_t	 if_opackets, if_obytes, if_oerrors;
	u_int64_t	 if_imcasts, if_omcasts, if_noproto;
	struct ifqueue	 if_snd;
	void		*if_bpf;
	void		*if_pf_kif;	/* pf's struct pfi_kif, if attached */
	int		(*if_output)(struct ifnet *, struct mbuf *,
			    struct sockaddr *, void *);
	void		(*if_start)(struct ifnet *);
	int		(*if_ioctl)(struct ifnet *, u_long, caddr_t);
	/* pfsim */
	struct iface	*if_iface;	/* engine interface, or NULL */
	u_int32_t	 if_addr;	/* IPv4, network order; 0 = none */
	u_int32_t	 if_outstep;	/* frames of this step not yet sent */
	struct vnet	*if_vnet;
	/* Transmit hook for interfaces without an engine iface (tests);
	 * consumes p. NULL = sim_output(if_iface, p). */
	int		(*if_transmit)(struct ifnet *, struct pkt *);
};

/* Attach to / detach from the current firewall's interface list. */
void		 if_attach(struct ifnet *);
void		 if_detach(struct ifnet *);
#define if_alloc_sadl(ifp)	do { } while (0)
#define bpfattach(a, b, c, d)	do { } while (0)
#define bpfdetach(ifp)		do { } while (0)
/* The current firewall's interface by name, or NULL. */
struct ifnet	*ifunit(const char *);
/* The current firewall's interface wrapping an engine iface, or NULL. */
struct ifnet	*if_byiface(const struct iface *);
int		 ifpromisc(struct ifnet *, int);

/* netinet/in_var.h: multicast memberships (always succeed). */
struct in_multi {
	struct in_addr	 inm_addr;
	struct ifnet	*inm_ifp;
	int		 inm_refcount;
};
struct in_multi	*in_addmulti(struct in_addr *, struct ifnet *);
void		 in_delmulti(struct in_multi *);

/* netinet/ip_var.h */
#undef IP_MIN_MEMBERSHIPS
#undef IP_MAX_MEMBERSHIPS
#define IP_MIN_MEMBERSHIPS	15
#define IP_MAX_MEMBERSHIPS	4095
struct ip_moptions {
	struct ifnet	 *imo_multicast_ifp;	/* ifp for outgoing multicasts */
	u_int8_t	  imo_multicast_ttl;	/* TTL for outgoing multicasts */
	u_int8_t	  imo_multicast_loop;	/* 1 => hear sends if a member */
	u_int16_t	  imo_num_memberships;
	u_int16_t	  imo_max_memberships;
	struct in_multi	**imo_membership;
};

#define IP_FORWARDING		0x1	/* most of ip header exists */
#define IP_RAWOUTPUT		0x2	/* raw ip header exists */
#define IP_ROUTETOIF		0x10	/* SO_DONTROUTE */
#define IP_ALLOWBROADCAST	0x20	/* SO_BROADCAST */
#define IP_MTUDISC		0x0800

/*
 * ip_input.c/ip_output.c: ip_output. Consumes m. Without IP_RAWOUTPUT
 * or IP_FORWARDING fills ip_v, ip_hl, ip_id, masks ip_off to IP_DF; fills
 * ip_src from the outgoing interface when zero; always recomputes the
 * header checksum. Multicast leaves by imo->imo_multicast_ifp (group MAC;
 * local loop not modelled), unicast by the node's route table and static
 * ARP (engine segment_find_addr). Runs the pf OUT hook (vnet_pf_test)
 * on the outgoing interface (pf itself passes PF_TAG_GENERATED packets).
 * Returns 0, ENOBUFS (if_snd full), EHOSTUNREACH (no route, no next hop,
 * pf drop), EMSGSIZE (longer than the MTU: no fragmentation, XXX),
 * ENETDOWN. Each error is a counted drop.
 */
int	ip_output(struct mbuf *, void *, void *, int, struct ip_moptions *,
	    void *);
/*
 * netinet/in_cksum.c, in4_cksum.c: BSD checksums over an mbuf. in_cksum
 * takes an mbuf (BSD) or a plain buffer (engine/proto.h), chosen by the
 * type of its first argument. in4_cksum: nxt != 0 adds the IPv4
 * pseudo-header of the packet's IP header; returns 0 on a valid packet.
 */
u_int16_t	m_in_cksum(struct mbuf *, int);
int		in4_cksum(struct mbuf *, u_int8_t, int, int);
#define in_cksum(p, len)	_Generic((p),				\
	struct mbuf *: m_in_cksum,					\
	default: in_cksum)((p), (len))
#define ip_defttl	IPDEFTTL

/* Hand m, already carrying an IP header, to ifp with destination MAC
 * dmac (Ethernet output + if_snd). Consumes m. 0 or an errno. */
int	kern_ether_output(struct ifnet *, struct mbuf *, const u_int8_t *);

/* ------------------------------------------------------------------ */
/* netisr (net/netisr.h, netisr_dispatch.h)                           */
/* docs/ref/openbsd-kernel-env.md §4                                  */

#define NETISR_IP	2
#define NETISR_TX	3
#define NETISR_MPLS	4
#define NETISR_PFSYNC	5
#define NETISR_ATALK	16
#define NETISR_ARP	18
#define NETISR_IPV6	24
#define NETISR_MAX	32

/* Set bit n and request softnet (idempotent). */
void	kern_schednetisr(int);
#define schednetisr(anisr)	kern_schednetisr(anisr)
/*
 * Register the handler of bit n on the current firewall. A "once"
 * handler (pfsyncintr) runs once per pass as one CPU step. A "drain"
 * handler (ipintr) is called again and again, one CPU step per call,
 * until it returns 0; each nonzero return counts one packet of the pass.
 */
void	netisr_register(int, void (*)(void));
void	netisr_register_drain(int, int (*)(void));

/* ------------------------------------------------------------------ */
/* Interrupts at IPL_NET (NIC handlers)                                */

struct kern_intr {
	TAILQ_ENTRY(kern_intr) ih_list;
	int		(*ih_fun)(void *);
	void		*ih_arg;
	const char	*ih_name;
	int		 ih_pending;
	uint64_t	 ih_count;	/* handler runs */
};
/* Register on the current firewall; the handler runs at IPL_NET. */
void	kern_intr_establish(struct kern_intr *, int (*)(void *), void *,
	    const char *);
/* The device asserts its line: the handler runs when the CPU takes it
 * (between steps, before any lower-level work). */
void	kern_intr_raise(struct kern_intr *);

/* ------------------------------------------------------------------ */
/* The per-firewall kernel (VNET)                                      */

struct pf_vnet;
struct pfsync_vnet;
struct kern_cpu;

/* Drop reasons: named counters, looked up or added by name. */
#define KERN_MAXDROPS	32
struct kern_drops {
	int		 n;
	const char	*name[KERN_MAXDROPS];
	uint64_t	 count[KERN_MAXDROPS];
};

struct kern_stats {
	uint64_t	splassert_failures;
	int		splassert_last_want, splassert_last_have;
	char		splassert_last_func[48];
	uint64_t	mbuf_alloc_fail;
	uint64_t	malloc_calls;
	uint64_t	timeouts_run;
	uint64_t	softclock_steps;
	uint64_t	softnet_passes;
	uint64_t	netisr_runs[NETISR_MAX];
	uint64_t	intr_runs;
	uint64_t	ip_output_calls;
	uint64_t	ip_output_errors;
	uint64_t	frames_queued;	/* accepted by kern_ether_output */
	uint64_t	frames_out;	/* handed to the wire */
	uint64_t	tasks_run;
};

/* pf_test as the hooks see it (net/pfvar.h). */
#define PF_IN		1
#define PF_OUT		2
#ifndef PF_PASS
#define PF_PASS		0
#define PF_DROP		1
#endif
typedef int (*kern_pf_test_fn)(int, struct ifnet *, struct mbuf **,
    struct ether_header *);

struct kern_params {
	int		 kp_hz;	/* hz: 100 */
	int		 ipintrq_max;	/* IFQ_MAXLEN */
	int		 nmbclust;	/* mbuf hard limit (0 = none) */
	int		 log_level;	/* LOG_* threshold for log(9) */
	int		 splassert_ctl;	/* 0 off, 1 count+log, 2 panic */
	simtime_t	 cost[KC_MAX];	/* CPU cost table, ns */
	double		 cost_spread;	/* each charge * U[1-s, 1+s]; 0 = off */
};
void	kern_params_default(struct kern_params *);
/* Load the cost table of a hardware profile ("2009", "modern"): 0 or -1. */
int	kern_cost_profile(struct kern_params *, const char *hw);

struct vnet {
	char		 vnet_name[32];
	struct world	*vnet_world;	/* its time, frames and pool */
	struct node	*vnet_node;	/* NULL in unit tests */
	struct pkt_pool	*vnet_pktpool;
	struct rng	 vnet_rng;	/* stream "fw.NAME.kern" */
	struct rng	 vnet_cost_rng;	/* stream "fw.NAME.cost" (cost_spread) */
	struct kern_params vnet_p;

	/* clock (docs/ref/openbsd-kernel-env.md §1) */
	simtime_t	 vnet_tick_ns;
	simtime_t	 vnet_phase_ns;	/* first hardclock after t = 0 */
	int64_t		 vnet_ticks0;	/* ticks at t = 0 (uptime) */
	int64_t		 vnet_boot_wall_ns; /* wall clock at ticks == 0 */

	/* timeouts, sorted by (to_due, to_seq) */
	TAILQ_HEAD(kern_timeouts, timeout) vnet_timeouts;
	uint64_t	 vnet_to_seq;
	struct ev	 vnet_tick_ev;

	/* one CPU */
	struct kern_cpu	*vnet_cpu;
	int		 vnet_cpl;	/* current IPL */

	/* netisr */
	u_int32_t	 vnet_netisr;
	void		(*vnet_isr_once[NETISR_MAX])(void);
	int		(*vnet_isr_drain[NETISR_MAX])(void);

	/* interfaces and queues */
	TAILQ_HEAD(, ifnet) vnet_ifnet;
	int		 vnet_if_index;
	struct ifqueue	 vnet_ipintrq;
	struct pool	 vnet_mbpool;
	TAILQ_HEAD(, kern_intr) vnet_intrs;
	TAILQ_HEAD(, kern_task) vnet_tasks;

	/* The pf hook ip_output calls for PF_OUT (NULL = pass). The hook
	 * counts its own drops (kern_drop); ip_output frees m. */
	kern_pf_test_fn	 vnet_pf_test;
	/* Called at the end of every CPU step, still inside it (fw polls
	 * pf's and pfsync's work counters here and charges them). */
	void		(*vnet_step_hook)(void *);
	void		*vnet_step_arg;

	struct kern_stats vnet_stats;
	struct kern_drops vnet_drops;

	/* other modules */
	struct pf_vnet	*vnet_pf;
	struct pfsync_vnet *vnet_pfsync;
	void		*vnet_fw;	/* struct fw * */
};

extern _Thread_local struct vnet *curvnet;

#define CURVNET_SET(v)		struct vnet *_saved_vnet = curvnet;	\
				curvnet = (v)
#define CURVNET_RESTORE()	(curvnet = _saved_vnet)

/*
 * Create a firewall kernel in world (its backend's time, its packet
 * pool); node may be NULL (unit tests). seed and name give the rng
 * stream "fw.NAME.kern" (clock phase, boot time, arc4random). Registers
 * the context hook on the world (curvnet follows event contexts).
 * Returns NULL on allocation failure.
 */
struct vnet	*kern_vnet_create(struct world *world, struct node *node,
		    uint64_t seed, const char *name,
		    const struct kern_params *);
void		 kern_vnet_destroy(struct vnet *);
/* The engine's context hook: curvnet = ctx. */
void		 kern_ctx_switch(void *ctx, void *hookarg);

/* Count a drop by reason name (a string literal or other static name). */
void		 kern_drop(const char *reason);
uint64_t	 kern_drop_count(const struct vnet *, const char *reason);

/* ------------------------------------------------------------------ */
/* Clock (kern_clock.c, kern_tc.c)                                    */
/* docs/ref/openbsd-kernel-env.md §1                                  */

simtime_t	 kern_now(void);		/* engine time, ns */
int		 kern_ticks(void);
time_t		 kern_time_second(void);
time_t		 kern_time_uptime(void);
/* Engine time of the hardclock that makes ticks == t. */
simtime_t	 kern_tick_time(const struct vnet *, int64_t t);

#define hz		(curvnet->vnet_p.kp_hz)
#define ticks		(kern_ticks())
#define time_second	(kern_time_second())
#define time_uptime	(kern_time_uptime())
#define ifqmaxlen	IFQ_MAXLEN
#define ipintrq		(curvnet->vnet_ipintrq)

#endif /* MODELS_KERN_KERN_H */
