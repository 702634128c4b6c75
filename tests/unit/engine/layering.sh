#!/bin/sh
# The backend seam holds (engine/backend.h): no model includes the event
# queue, the run's internals, the capture writer or an ns-3 header, or
# reaches the queue or a backend's side of the wire directly; and there are
# exactly two backends, the builtin and ns-3's.
# Usage: layering.sh SRCDIR
set -u
src=${1:?usage: layering.sh SRCDIR}
status=0

bad()
{
	echo "FAIL: $*"
	status=1
}

hits=$(grep -rnE '#include[[:space:]]*[<"](engine/(ev|run_int|capture)\.h|engine/ns3/|ns3/)' \
    "$src/models" --include='*.c' --include='*.h')
[ -z "$hits" ] || bad "a model includes an engine internal or ns-3:
$hits"

hits=$(grep -rnE '\b(ev_schedule|ev_schedule_bounded|ev_cancel|ev_now|ev_run|ev_queue_[a-z_]+|ev_switch_ctx|ev_current_ctx|iface_input|iface_wire|seg_output|ns3_[a-z_]+)\(|->q\b' \
    "$src/models" --include='*.c' --include='*.h')
[ -z "$hits" ] || bad "a model calls past the backend interface:
$hits"

n=$(grep -rhE '^const struct backend_ops backend_[a-z0-9_]+ = \{' \
    "$src/engine" | sort -u | wc -l)
[ "$n" -eq 2 ] || bad "$n backend tables in engine/, expected 2 (builtin, ns3)"
grep -q '^const struct backend_ops backend_builtin = {' \
    "$src/engine/backend.c" || bad "no builtin table in engine/backend.c"
grep -q '^const struct backend_ops backend_ns3 = {' \
    "$src/engine/ns3/ops.c" || bad "no ns-3 table in engine/ns3/ops.c"

[ $status -eq 0 ] && echo "ok: models reach the simulation only through engine/backend.h; 2 backends"
exit $status
