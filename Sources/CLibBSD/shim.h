#ifndef SWIFTBGP_CLIBBSD_SHIM_H
#define SWIFTBGP_CLIBBSD_SHIM_H
#include <sys/types.h>
#include <bsd/libutil.h>
#include <bsd/stdlib.h>
#include <bsd/unistd.h>
#endif
