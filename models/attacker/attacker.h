/*
 * [attacker NAME]: a node that speaks pfsync without being a firewall.
 * pfsync v5 has no authentication (the HMAC of struct pfsync_eof is never
 * checked: "#if 0" in pfsync_input); what keeps strangers out is the
 * sync interface check (pfsyncs_badif), TTL 255 (pfsyncs_badttl) and
 * whatever pf lets through on other interfaces. The attacker sits on a
 * net, sniffs the pfsync traffic it can see (multicast floods every
 * port) and, at given times, sends well-formed v5 packets built from
 * models/pfsync/if_pfsync.h:
 *
 *   ins         INS of a forged UDP flow (an IN and an OUT state, floating)
 *   clr         CLR of every state of one creator (learnt or given)
 *   ureq_flood  UPD_REQ 0/0 (a bulk update request) at a rate
 *
 * Results: summary.json "attackers" (packets sent, what was learnt).
 */
#ifndef MODELS_ATTACKER_ATTACKER_H
#define MODELS_ATTACKER_ATTACKER_H

#include "engine/model.h"

/* Section "attacker" (terminated by key == NULL). */
extern const struct param_spec attacker_params[];

/* The model (models/models.c lists it in pfsim_models). */
extern const struct model_type attacker_model;

#endif
