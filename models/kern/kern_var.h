/*
 * Private to models/kern: what its .c files share. Not for pf, pfsync or
 * fw (they use kern.h).
 */
#ifndef MODELS_KERN_KERN_VAR_H
#define MODELS_KERN_KERN_VAR_H

#define KERN_NO_MALLOC_MACROS	1
#include "models/kern/kern.h"

/* kern_cpu.c */
struct kern_cpu	*kern_cpu_create(struct vnet *);
void		 kern_cpu_destroy(struct kern_cpu *);
/* Something became pending: make sure the CPU looks at it. */
void		 kern_cpu_kick(struct vnet *);
/* Send frame p out of ifp: at the end of the current step, or now when
 * no step runs. Consumes p. */
void		 kern_cpu_output(struct vnet *, struct ifnet *, struct pkt *);

/* kern_clock.c */
void		 kern_clock_init(struct vnet *);
void		 kern_clock_fini(struct vnet *);
/* A callout is due (softclock work is pending). */
int		 kern_softclock_pending(struct vnet *);
/* Run one due callout (one CPU step at IPL_SOFTCLOCK). */
void		 kern_softclock_one(struct vnet *);

/* kern_mbuf.c */
int		 kern_mbuf_init(struct vnet *);
void		 kern_mbuf_fini(struct vnet *);

/* kern_net.c */
void		 kern_net_init(struct vnet *);
void		 kern_net_fini(struct vnet *);

#endif
