// epoll, eventfd and timerfd are not exported by Swift's Glibc module; this header-only
// module exposes them from the system C library (no third-party code).
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <netinet/tcp.h>
