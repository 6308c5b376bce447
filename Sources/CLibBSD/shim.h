#ifndef SWIFTBGP_CLIBBSD_SHIM_H
#define SWIFTBGP_CLIBBSD_SHIM_H
#include <sys/types.h>
#include <bsd/libutil.h>
#include <bsd/stdlib.h>
#include <bsd/unistd.h>

/* setproctitle(3) is variadic, which Swift cannot call: this one takes the finished title. */
static inline void swiftbgp_setproctitle(const char *title) { setproctitle("%s", title); }
#endif
