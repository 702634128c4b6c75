/*	$OpenBSD: pf_if.c,v 1.54 2008/06/14 16:55:28 mk Exp $ */

/*
 * Copyright 2005 Henning Brauer <henning@openbsd.org>
 * Copyright 2005 Ryan McBride <mcbride@openbsd.org>
 * Copyright (c) 2001 Daniel Hartmeier
 * Copyright (c) 2003 Cedric Berger
 * All rights reserved.
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions
 * are met:
 *
 *    - Redistributions of source code must retain the above copyright
 *      notice, this list of conditions and the following disclaimer.
 *    - Redistributions in binary form must reproduce the above
 *      copyright notice, this list of conditions and the following
 *      disclaimer in the documentation and/or other materials provided
 *      with the distribution.
 *
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS
 * "AS IS" AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT
 * LIMITED TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS
 * FOR A PARTICULAR PURPOSE ARE DISCLAIMED. IN NO EVENT SHALL THE
 * COPYRIGHT HOLDERS OR CONTRIBUTORS BE LIABLE FOR ANY DIRECT, INDIRECT,
 * INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING,
 * BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES;
 * LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
 * CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT
 * LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN
 * ANY WAY OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE
 * POSSIBILITY OF SUCH DAMAGE.
 */

/*
 * pfsim: pf's interface table after OpenBSD sys/net/pf_if.c (4.5): one
 * pfi_kif per interface name plus the "all" pseudo-interface that
 * floating states hang off. No interface groups, no dynamic addresses.
 * The id line and licence are rev 1.54's; UPSTREAM.md has the
 * provenance.
 */

#include "models/pf/pfvar.h"

#define IFG_ALL		"all"		/* net/if.h: group of all ifs */

static int	pfi_if_compare(struct pfi_kif *, struct pfi_kif *);

RB_GENERATE(pfi_ifhead, pfi_kif, pfik_tree, pfi_if_compare)

/* pf_if.c: pfi_if_compare */
static int
pfi_if_compare(struct pfi_kif *p, struct pfi_kif *q)
{
	return (strncmp(p->pfik_name, q->pfik_name, IFNAMSIZ));
}

/* pf_if.c: pfi_initialize */
void
pfi_initialize(void)
{
	RB_INIT(&V_pfi_ifs);
	if ((V_pfi_all = pfi_kif_get(IFG_ALL)) == NULL)
		panic("pfi_kif_get for pfi_all failed");
}

/* pfsim: free every kif (vnet teardown) */
void
pfi_destroy(void)
{
	struct pfi_kif *kif;

	while ((kif = RB_MIN(pfi_ifhead, &V_pfi_ifs)) != NULL) {
		RB_REMOVE(pfi_ifhead, &V_pfi_ifs, kif);
		if (kif->pfik_ifp != NULL &&
		    kif->pfik_ifp->if_pf_kif == kif)
			kif->pfik_ifp->if_pf_kif = NULL;
		free(kif, M_DEVBUF);
	}
	V_pfi_all = NULL;
}

/* pf_if.c: pfi_kif_get */
struct pfi_kif *
pfi_kif_get(const char *kif_name)
{
	struct pfi_kif		*kif;
	struct pfi_kif		 s;

	memset(s.pfik_name, 0, sizeof(s.pfik_name));
	strlcpy(s.pfik_name, kif_name, sizeof(s.pfik_name));
	if ((kif = RB_FIND(pfi_ifhead, &V_pfi_ifs, &s)) != NULL)
		return (kif);

	/* create new one */
	if ((kif = malloc(sizeof(*kif), M_DEVBUF, M_NOWAIT|M_ZERO)) == NULL)
		return (NULL);

	strlcpy(kif->pfik_name, kif_name, sizeof(kif->pfik_name));
	kif->pfik_tzero = time_second;

	RB_INSERT(pfi_ifhead, &V_pfi_ifs, kif);
	return (kif);
}

/* pf_if.c: pfi_kif_ref */
void
pfi_kif_ref(struct pfi_kif *kif, enum pfi_kif_refs what)
{
	switch (what) {
	case PFI_KIF_REF_RULE:
		kif->pfik_rules++;
		break;
	case PFI_KIF_REF_STATE:
		kif->pfik_states++;
		break;
	default:
		panic("pfi_kif_ref with unknown type");
	}
}

/* pf_if.c: pfi_kif_unref (pfsim: kifs live until pf_detach) */
void
pfi_kif_unref(struct pfi_kif *kif, enum pfi_kif_refs what)
{
	if (kif == NULL)
		return;

	switch (what) {
	case PFI_KIF_REF_NONE:
		break;
	case PFI_KIF_REF_RULE:
		if (kif->pfik_rules <= 0) {
			log(LOG_ERR, "pfi_kif_unref: rules refcount <= 0\n");
			return;
		}
		kif->pfik_rules--;
		break;
	case PFI_KIF_REF_STATE:
		if (kif->pfik_states <= 0) {
			log(LOG_ERR, "pfi_kif_unref: state refcount <= 0\n");
			return;
		}
		kif->pfik_states--;
		break;
	default:
		panic("pfi_kif_unref with unknown type");
	}
}

/* pf_if.c: pfi_kif_match (pfsim: no interface groups) */
int
pfi_kif_match(struct pfi_kif *rule_kif, struct pfi_kif *packet_kif)
{
	if (rule_kif == NULL || rule_kif == packet_kif)
		return (1);

	return (0);
}

/* pf_if.c: pfi_attach_ifnet */
void
pfi_attach_ifnet(struct ifnet *ifp)
{
	struct pfi_kif		*kif;
	int			 s;

	s = splsoftnet();
	if ((kif = pfi_kif_get(ifp->if_xname)) == NULL)
		panic("pfi_kif_get failed");

	kif->pfik_ifp = ifp;
	ifp->if_pf_kif = (caddr_t)kif;
	splx(s);
}

/* pf_if.c: pfi_set_flags */
int
pfi_set_flags(const char *name, int flags)
{
	struct pfi_kif	*kif;

	if ((kif = pfi_kif_get(name)) == NULL)
		return (ENOMEM);
	kif->pfik_flags |= flags;
	return (0);
}
