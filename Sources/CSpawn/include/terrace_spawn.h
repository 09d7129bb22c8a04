#ifndef TERRACE_SPAWN_H
#define TERRACE_SPAWN_H

#include <sys/types.h>

/*
 * Starts a child process with posix_spawn: `path` (absolute) with `argv` and `envp`
 * (NULL-terminated; `envp` NULL: the caller's environment), in `directory` (NULL: the caller's), with standard input, output and
 * error taken from the descriptors given (-1: inherited as they are). Every other descriptor
 * is closed in the child, and the child starts with default signal dispositions and an empty
 * signal mask (a parent that ignores SIGPIPE does not pass that on).
 *
 * Nothing is read from /proc and nothing is allocated after the spawn, so it is safe to call
 * from any thread at any time. Returns 0 with the child's pid in `pid`, or an errno value
 * (an executable that cannot be run reports its exec error here).
 */
int terrace_spawn(const char *path, char *const argv[], char *const envp[], const char *directory,
                  int input, int output, int error, pid_t *pid);

/* pipe2(fds, O_CLOEXEC): both ends closed on exec (a glibc extension Swift cannot see). */
int terrace_pipe_cloexec(int fds[2]);

#endif
