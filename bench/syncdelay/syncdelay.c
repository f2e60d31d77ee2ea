/* syncdelay: an LD_PRELOAD shim that makes every fsync/fdatasync take at least
 * SYNCDELAY_US microseconds longer, to measure how a benchmark's figures follow
 * the disk's sync latency. A bench aid only; never used by Tongban itself. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <time.h>

static long delay_us(void) {
    static long cached = -1;
    if (cached < 0) {
        const char *s = getenv("SYNCDELAY_US");
        cached = s ? atol(s) : 0;
        if (cached < 0) cached = 0;
    }
    return cached;
}

static void wait_extra(void) {
    long us = delay_us();
    if (us == 0) return;
    struct timespec t = { us / 1000000, (us % 1000000) * 1000 };
    while (nanosleep(&t, &t) != 0) {
    }
}

/* Each wrapper calls the C library's own function, then waits. */
#define SLOWER(name)                                                        \
    int name(int fd) {                                                      \
        static int (*real)(int);                                            \
        if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, #name);            \
        int rc = real(fd);                                                  \
        wait_extra();                                                       \
        return rc;                                                          \
    }

SLOWER(fsync)
SLOWER(fdatasync)
