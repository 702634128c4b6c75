/*
 * Test stand-in for the pfsync hooks pf calls (models/pf/pf_pfsync.h):
 * records every call so tests can assert where pf made them. Only for
 * tests/unit/pf; the real hooks live in models/pfsync.
 */
#ifndef TESTS_UNIT_PF_PFSYNC_STUB_H
#define TESTS_UNIT_PF_PFSYNC_STUB_H

#include "models/pf/pf_pfsync.h"

struct pfsync_stub {
	/* calls */
	int		 n_insert, n_update, n_delete, n_clear, n_defer;
	int		 n_up, n_in_use;
	struct pf_state	*last_insert, *last_update, *last_delete;
	struct pf_state	*last_defer;
	u_int32_t	 clear_creatorid;
	char		 clear_ifname[IFNAMSIZ];
	/* answers */
	int		 up;		/* pfsync_up() */
	int		 defer;		/* pfsync_defer() keeps the packet */
	int		 in_use;	/* pfsync_state_in_use() */
	/* a deferred packet is kept here (freed by pfsync_stub_reset) */
	struct mbuf	*held;
};

extern struct pfsync_stub pfsync_stub;

/* Zero the log and the answers; free a held packet. */
void	pfsync_stub_reset(void);
/* Point curvnet's pf hooks (V_pfsync_*_ptr) at the stand-in (after
 * pf_attach, as pfsync attaches after pf). */
void	pfsync_stub_attach(void);

#endif
