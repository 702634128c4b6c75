/*
 * Emulated hosts: [host NAME] kind = netns. The host is a Linux network
 * namespace that pfsim creates, with one TAP device (eth0) whose frames
 * are the host's frames on its simulated net: what the net delivers to
 * the host is written to the TAP, what Linux sends is read from it and
 * put on the net at its arrival (sim.clock = realtime). The namespace
 * gets the host's address, a default route through its gateway firewall
 * and a permanent ARP entry for every other interface on its net (pfsim's
 * nets use static ARP). run = COMMAND starts a program inside it (e.g.
 * iperf3); its output and exit status go to the results.
 *
 * Safety: pfsim touches only what it creates. A namespace is named
 * pfsim-PID-HOST (PID: the run's process); the TAP lives inside it and
 * dies with pfsim's descriptor. Both, and the programs, are removed when
 * the run ends, on SIGINT/SIGTERM/SIGHUP, and, after a run that was
 * killed, by the next run that emulates (emu_clean_stale). Nothing is
 * routed to or from the machine's own interfaces.
 */
#ifndef MODELS_EMU_EMU_H
#define MODELS_EMU_EMU_H

#include <stddef.h>
#include <stdio.h>

#include "engine/conf.h"
#include "engine/json.h"
#include "engine/model.h"
#include "engine/net.h"

struct emu_host;

/* The [host] keys of emulation: kind, run, start, gateway. */
extern const struct param_spec emu_params[];

/* Can this process emulate? 0, or -1 with why ("needs root ..."). */
int		 emu_available(char *why, size_t whylen);
/* Remove what runs of pfsim killed before cleaning left behind:
 * namespaces pfsim-PID-* whose PID is gone, with their programs. */
void		 emu_clean_stale(void);
/*
 * Make host NAME's namespace and TAP for the host interface ifp (its
 * address and MAC decided), with its routes and ARP, and register the
 * TAP with the run's real-time loop. NULL with err "FILE:LINE:
 * host.NAME.KEY: ..." on failure (nothing left behind).
 */
struct emu_host	*emu_host_create(struct run *, struct conf_section *,
		    struct iface *ifp, char *err, size_t errlen);
/* At simulated time 0: schedule the program (run, at start). */
void		 emu_host_start(struct emu_host *);
/* At the end: stop the program if it still runs, collect its status. */
void		 emu_host_stop(struct emu_host *);
/* "emulated": {...} inside the host's object. */
void		 emu_host_json(const struct emu_host *, struct json *);
/* run-NAME.out: the program's output. */
int		 emu_host_files(const struct emu_host *, const char *dir);
void		 emu_host_text(const struct emu_host *, FILE *);
/* Kill the program, delete the namespace (the TAP goes with it). */
void		 emu_host_destroy(struct emu_host *);

#endif
