/*
 * pfsim: the calls pf makes into pfsync, as in the seed's pf.c hunks
 * (L4164-4297) and if_pfsync.h (seed, v5). pf makes them exactly where
 * OpenBSD 4.5's pf.c does, through the firewall's V_pfsync_*_ptr
 * (pfvar.h), as FreeBSD's pf does; NULL is no pfsync. pfsync's attach
 * points them at the v5 functions declared here (if_pfsync.c) or at the
 * v4 baseline's pfsync4_* (if_pfsync_v4.c). Every hook runs at
 * splsoftnet with curvnet set.
 */
#ifndef MODELS_PF_PF_PFSYNC_H
#define MODELS_PF_PF_PFSYNC_H

#include "models/pf/pfvar.h"

/* if_pfsync.h: where a state sits with respect to syncing. */
#ifndef PFSYNC_S_NONE
#define PFSYNC_S_NONE	0xff
#endif

/* A new state, local (pf_state_insert) or imported. */
void	pfsync_insert_state(struct pf_state *);
/* A packet passed through a state match (pf_test, every protocol). */
void	pfsync_update_state(struct pf_state *);
/* pf_unlink_state: v5 always; v4 only for own states (pf checks
 * V_pf_sync_delete_own). */
void	pfsync_delete_state(struct pf_state *);
/* Flush of states (pf_ioctl DIOCCLRSTATES); creatorid raw. */
void	pfsync_clear_states(u_int32_t, const char *);
/* pf_test_rule: hold the packet that created st (OUT direction); 1 if
 * pfsync kept m (pf then returns PF_DEFER), 0 if pf sends it. */
int	pfsync_defer(struct pf_state *, struct mbuf *);
/* pfsync0 exists and is running (gates deferral). */
int	pfsync_up(void);
/* pf_free_state skips a state pfsync still references. */
int	pfsync_state_in_use(struct pf_state *);

#endif
