// WebSocket echo load in C: N connections, each sends one masked frame and waits for its echo,
// repeat, for D seconds; prints the same JSON object as bench/ws_echo.py --json.
//
//   cc -O2 -o ws_echo_c bench/ws_echo.c
//   ./ws_echo_c PORT PATH [-c 64] [-d 10] [-s 32] [--binary] [--origin URL]
//
// Why it exists: on a 2-core machine the load generator gets one core, and the Python client
// saturates it near 35k round trips/s, so every fast server measured the same (the client's
// ceiling). This client costs a few microseconds per round trip, so the server becomes the
// bottleneck again. One epoll thread; no dependencies beyond libc. Loopback only.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 4096
#define MAX_SAMPLES 4000000

typedef struct {
    int fd;
    uint64_t sent_ns;
    size_t have;          // bytes of the current reply received
    unsigned char in[65536 + 16];
} conn_t;

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int read_exact_headers(int fd) {
    char buf[4096];
    size_t n = 0;
    while (n < sizeof buf - 1) {
        ssize_t r = read(fd, buf + n, sizeof buf - 1 - n);
        if (r <= 0) return -1;
        n += (size_t)r;
        buf[n] = 0;
        if (strstr(buf, "\r\n\r\n")) return strncmp(buf, "HTTP/1.1 101", 12) == 0 ? 0 : -1;
    }
    return -1;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s PORT PATH [-c N] [-d SECONDS] [-s BYTES] [--binary] [--origin URL]\n", argv[0]);
        return 2;
    }
    int port = atoi(argv[1]);
    const char *path = argv[2];
    int conns = 64, binary = 0;
    double duration = 10;
    size_t size = 32;
    const char *origin = NULL;
    for (int i = 3; i < argc; i++) {
        if (!strcmp(argv[i], "-c") && i + 1 < argc) conns = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-d") && i + 1 < argc) duration = atof(argv[++i]);
        else if (!strcmp(argv[i], "-s") && i + 1 < argc) size = (size_t)atol(argv[++i]);
        else if (!strcmp(argv[i], "--binary")) binary = 1;
        else if (!strcmp(argv[i], "--origin") && i + 1 < argc) origin = argv[++i];
    }
    if (conns < 1 || conns > MAX_CONNS || size > 65535) { fprintf(stderr, "bad arguments\n"); return 2; }

    // The frame every connection sends: FIN + opcode, MASK + length, key, masked payload ('a'...).
    unsigned char frame[65535 + 14];
    size_t flen = 0;
    frame[flen++] = 0x80 | (binary ? 0x2 : 0x1);
    if (size < 126) frame[flen++] = 0x80 | (unsigned char)size;
    else { frame[flen++] = 0x80 | 126; frame[flen++] = (unsigned char)(size >> 8); frame[flen++] = (unsigned char)size; }
    unsigned char key[4] = {0x37, 0xfa, 0x21, 0x3d};
    memcpy(frame + flen, key, 4);
    flen += 4;
    for (size_t i = 0; i < size; i++) frame[flen + i] = (unsigned char)('a' + i % 26) ^ key[i % 4];
    flen += size;
    size_t reply_len = (size < 126 ? 2 : 4) + size;  // server frames are not masked

    conn_t *c = calloc((size_t)conns, sizeof(conn_t));
    uint64_t *samples = malloc(sizeof(uint64_t) * MAX_SAMPLES);
    if (!c || !samples) return 2;
    int ep = epoll_create1(0);
    int connected = 0, errors = 0, bad = 0;
    char request[1024];
    snprintf(request, sizeof request,
             "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n%s%s%s\r\n",
             path, port, origin ? "Origin: " : "", origin ? origin : "", origin ? "\r\n" : "");
    for (int i = 0; i < conns; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0 || write(fd, request, strlen(request)) < 0 ||
            read_exact_headers(fd) != 0) {
            close(fd);
            c[i].fd = -1;
            errors++;
            continue;
        }
        c[i].fd = fd;
        connected++;
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
        epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    }
    struct rusage r0, r1;
    getrusage(RUSAGE_SELF, &r0);
    uint64_t start = now_ns(), end = start + (uint64_t)(duration * 1e9);
    size_t count = 0;
    for (int i = 0; i < conns; i++) {
        if (c[i].fd < 0) continue;
        c[i].sent_ns = now_ns();
        if (write(c[i].fd, frame, flen) != (ssize_t)flen) errors++;
    }
    struct epoll_event events[256];
    while (now_ns() < end) {
        int n = epoll_wait(ep, events, 256, 100);
        for (int k = 0; k < n; k++) {
            conn_t *x = &c[events[k].data.u32];
            ssize_t r = read(x->fd, x->in + x->have, sizeof x->in - x->have);
            if (r <= 0) {
                if (r < 0 && errno == EAGAIN) continue;
                errors++;
                epoll_ctl(ep, EPOLL_CTL_DEL, x->fd, NULL);
                close(x->fd);
                x->fd = -1;
                continue;
            }
            x->have += (size_t)r;
            if (x->have < reply_len) continue;
            uint64_t t = now_ns();
            if (x->have != reply_len) bad++;
            if (count < MAX_SAMPLES) samples[count] = t - x->sent_ns;
            count++;
            x->have = 0;
            if (t >= end) continue;
            x->sent_ns = t;
            if (write(x->fd, frame, flen) != (ssize_t)flen) errors++;
        }
    }
    double elapsed = (double)(now_ns() - start) / 1e9;
    getrusage(RUSAGE_SELF, &r1);
    double cpu = (double)(r1.ru_utime.tv_sec - r0.ru_utime.tv_sec + r1.ru_stime.tv_sec - r0.ru_stime.tv_sec) +
                 (double)(r1.ru_utime.tv_usec - r0.ru_utime.tv_usec + r1.ru_stime.tv_usec - r0.ru_stime.tv_usec) / 1e6;
    size_t kept = count < MAX_SAMPLES ? count : MAX_SAMPLES;
    qsort(samples, kept, sizeof(uint64_t), cmp_u64);
    double p50 = kept ? samples[(size_t)(kept * 0.50)] / 1e6 : 0, p99 = kept ? samples[(size_t)(kept * 0.99)] / 1e6 : 0;
    printf("{\"url\": \"ws://127.0.0.1:%d%s\", \"client\": \"ws_echo.c\", \"connections\": %d, \"connected\": %d, "
           "\"seconds\": %.3f, \"message_bytes\": %zu, \"binary\": %s, \"round_trips\": %zu, "
           "\"round_trips_per_s\": %.1f, \"p50_ms\": %.4f, \"p99_ms\": %.4f, \"wrong_size_echoes\": %d, "
           "\"errors\": %d, \"error_samples\": [], \"client_cpu_s\": %.3f}\n",
           port, path, conns, connected, elapsed, size, binary ? "true" : "false", count, count / elapsed, p50, p99,
           bad, errors, cpu);
    return 0;
}
