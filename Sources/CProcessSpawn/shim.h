// posix_spawn's glibc extensions for the backends piloto runs (`backends.*.run`). Swift's Glibc
// module is not built with _GNU_SOURCE, so spawn.h's `_np` functions are not visible there; they
// are declared here exactly as glibc declares them (addchdir_np since 2.29, addclosefrom_np since
// 2.34), and pipe2 below. Header only: no code of ours, the functions are glibc's. The runtime
// image (debian:bookworm-slim) has glibc 2.36.
#include <spawn.h>

// The child's working directory (`backends.*.dir`), applied in the child before exec.
extern int posix_spawn_file_actions_addchdir_np(posix_spawn_file_actions_t *__restrict actions,
                                                const char *__restrict path);

// Closes every descriptor from `from` up in the child, so no piloto socket, epoll or pipe leaks
// into a backend even if some library opened it without O_CLOEXEC.
extern int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *actions, int from);

// Pipes created close-on-exec in one step (unistd.h declares it only under _GNU_SOURCE), so a
// backend spawned by another thread at the same moment cannot inherit the other's pipe ends.
extern int pipe2(int pipefd[2], int flags);
