#ifndef CALLOCATION_COUNTER_H
#define CALLOCATION_COUNTER_H

/// Starts counting malloc, calloc and realloc calls made on the calling thread.
void chorus_allocations_start(void);
/// Stops counting and returns the calls counted on this thread since the start.
long chorus_allocations_stop(void);

#endif
