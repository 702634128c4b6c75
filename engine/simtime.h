/*
 * Virtual time: int64_t nanoseconds since the start of the run.
 * Only models/kern knows hz and ticks; everything else speaks ns.
 */
#ifndef ENGINE_SIMTIME_H
#define ENGINE_SIMTIME_H

#include <stdint.h>

typedef int64_t simtime_t;

#define NS_PER_US	1000LL
#define NS_PER_MS	1000000LL
#define NS_PER_SEC	1000000000LL
#define SIMTIME_MAX	INT64_MAX

#endif
