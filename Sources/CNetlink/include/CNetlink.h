// Kernel headers for rtnetlink. The socket and inet headers come first, or clang modules clash
// with SwiftNIO's CNIOLinux over struct in6_addr.
#ifndef SWIFTBGP_CNETLINK_H
#define SWIFTBGP_CNETLINK_H
#include <sys/socket.h>
#include <netinet/in.h>
#include <net/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/neighbour.h>
#include <linux/if_link.h>
#include <linux/if_addr.h>
#include <linux/nexthop.h>
#include <linux/if_bridge.h>
#include <linux/filter.h>
#include <unistd.h>
#include <sys/syscall.h>

/// setns(2) through syscall(2): glibc declares setns only under _GNU_SOURCE, which Swift's Glibc
/// module does not define. Moves the calling thread (only) into the namespace behind `fd`.
static inline int swiftbgp_setns(int fd, int nstype) {
    return (int)syscall(SYS_setns, fd, nstype);
}
#endif
