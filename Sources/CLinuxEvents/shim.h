// epoll, eventfd and getrandom are not exported by Swift's Glibc module; this header-only
// module exposes them from the system C library (no third-party code).
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <netinet/tcp.h>
#include <sys/sendfile.h>
#include <sys/syscall.h>
#include <unistd.h>

// The number of CPUs in this thread's affinity mask (taskset, cpusets), or 0 when unknown.
// sched_getaffinity(2) needs _GNU_SOURCE, which Swift's Glibc module is not built with, so this
// goes through syscall(2) directly.
static inline int piloto_affinity_cpu_count(void) {
    unsigned long mask[16] = {0};
    long bytes = syscall(SYS_sched_getaffinity, 0, sizeof(mask), mask);
    if (bytes <= 0) return 0;
    int count = 0;
    for (long i = 0; i < bytes / (long)sizeof(unsigned long); i++) count += __builtin_popcountl(mask[i]);
    return count;
}

// An anonymous in-memory file (memfd_create(2), close-on-exec), or -1. Large static bodies are
// mirrored into one at boot so they can go out with sendfile(2): the kernel then references the
// pages instead of copying every response from user memory. Through syscall(2) for the same
// _GNU_SOURCE reason as above.
static inline int piloto_memfd_create(const char *name) {
    return (int)syscall(SYS_memfd_create, name, 1u /* MFD_CLOEXEC */);
}

#include <sys/prctl.h>
// Names the calling thread (first 15 bytes), so `top -H` and /proc/PID/task/*/comm tell the event
// loops from the logger and Redis threads. prctl(2) is variadic, hence this wrapper.
static inline void piloto_name_this_thread(const char *name) {
    prctl(PR_SET_NAME, (unsigned long)name, 0, 0, 0);
}

#include <sys/resource.h>
// Gives the calling thread (not the process: Linux keeps a nice value per thread) the lowest CPU
// priority, nice 19, for the boot's file reading (StaticRoots). One-way on purpose: going back
// down needs CAP_SYS_NICE, so it is only used on a thread that exits afterwards. Through
// syscall(2) for gettid, for the same _GNU_SOURCE reason as above.
static inline void piloto_lower_this_thread_priority(void) {
    setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 19);
}

#include <sys/socket.h>
// read(2), sendmsg(2) and epoll_wait(2) for the event loops, without glibc's cancellation-point
// wrappers: in a process with more than one thread glibc brackets each of those calls with
// __pthread_enable/disable_asynccancel (atomic updates of the thread's cancel state), a few
// percent of a loop's user time at one read and one send per request. piloto never cancels a
// thread (no pthread_cancel), so the bracket buys nothing. syscall(2) sets errno the same way.
static inline long piloto_read(int fd, void *buffer, size_t count) {
    return syscall(SYS_read, fd, buffer, count);
}

static inline long piloto_sendmsg(int fd, const struct msghdr *message, int flags) {
    return syscall(SYS_sendmsg, fd, message, flags);
}

static inline int piloto_epoll_wait(int epfd, struct epoll_event *events, int capacity, int timeout) {
    return (int)syscall(SYS_epoll_wait, epfd, events, capacity, timeout);
}
