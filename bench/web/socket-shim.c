// Diagnostic for bench/web/run.sh (WEB_BENCH_SOCKET_SHIM=1), never used in production: an
// LD_PRELOAD library that changes two socket settings of `pathways serve` without rebuilding
// it, to measure what they cost.
//
//   - TCP_NODELAY on every accepted socket (cpp-httplib's default is off, and it writes the
//     headers and the body of a response in two send() calls, so a small body waits for the
//     client's delayed ACK: about 40 ms per response). Off with SHIM_NODELAY=0.
//   - a listen backlog of at least 511, like nginx (cpp-httplib 0.11 listens with 5, fewer
//     than the connections wrk opens at once). Off with SHIM_BACKLOG=0.
//
// Built by run.sh: cc -O2 -shared -fPIC -o socket-shim.so socket-shim.c -ldl
#define _GNU_SOURCE
#include <dlfcn.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static int enabled(const char* name) {
  const char* v = getenv(name);
  return !v || strcmp(v, "0") != 0;
}

static int nodelay(int fd) {
  if (fd >= 0 && enabled("SHIM_NODELAY")) {
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  return fd;
}

int accept(int s, struct sockaddr* a, socklen_t* l) {
  static int (*real)(int, struct sockaddr*, socklen_t*);
  if (!real) real = (int (*)(int, struct sockaddr*, socklen_t*))dlsym(RTLD_NEXT, "accept");
  return nodelay(real(s, a, l));
}

int accept4(int s, struct sockaddr* a, socklen_t* l, int flags) {
  static int (*real)(int, struct sockaddr*, socklen_t*, int);
  if (!real) real = (int (*)(int, struct sockaddr*, socklen_t*, int))dlsym(RTLD_NEXT, "accept4");
  return nodelay(real(s, a, l, flags));
}

int listen(int fd, int backlog) {
  static int (*real)(int, int);
  if (!real) real = (int (*)(int, int))dlsym(RTLD_NEXT, "listen");
  if (enabled("SHIM_BACKLOG") && backlog < 511) backlog = 511;
  return real(fd, backlog);
}
