// Reproduces, without DPDK, why the first `flood` scenario read 0 Mpps (docs/benchmarking.md 1.4):
// a busy thread alone in its session on CPU 0 (the generator's lcore) gets no CPU once another
// session has a busy thread on CPU 1 (mipgate's worker), a busy thread on CPU 0 (the signer) and a
// thread on CPU 0 that sleeps 200 us in a loop (mipgate's idle control lcore).
//
//   gcc -O2 -pthread -o /tmp/sched_starve scripts/bench.d/sched_starve.c
//   (setsid /tmp/sched_starve gen 8 & sleep 1; setsid /tmp/sched_starve dut 6 & wait) | sort -n
//   # add "nowaker" after "dut 6" to leave the 200 us sleeper out: then CPU 0 is shared
//
// Each busy thread prints its CPU share every 0.5 s while it runs; a thread that gets no CPU prints
// nothing. Prefix: seconds before the end of that process.
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double end_at;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double thread_cpu(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void pin(int cpu) {
    cpu_set_t s;
    CPU_ZERO(&s);
    CPU_SET(cpu, &s);
    pthread_setaffinity_np(pthread_self(), sizeof(s), &s);
}

struct spinner {
    const char* name;
    int cpu;
    double delay_s;
};

static void* spin(void* p) {
    const struct spinner* a = p;
    pin(a->cpu);
    usleep((useconds_t)(a->delay_s * 1e6));
    double last = now(), c0 = thread_cpu();
    volatile unsigned long x = 0;
    while (now() < end_at) {
        x++;
        if (now() - last >= 0.5) {
            double c = thread_cpu();
            printf("%.1f %s cpu%d %.0f%%\n", now() - end_at, a->name, a->cpu, (c - c0) / (now() - last) * 100);
            fflush(stdout);
            c0 = c;
            last = now();
        }
    }
    return NULL;
}

static void* sleeper(void* p) {
    (void)p;
    pin(0);
    const struct timespec ts = {0, 200000};
    while (now() < end_at) {
        nanosleep(&ts, NULL);
    }
    return NULL;
}

int main(int argc, char** argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s gen|dut SECONDS [nowaker]\n", argv[0]);
        return 2;
    }
    end_at = now() + atof(argv[2]);
    pthread_t t[3];
    int n = 0;
    static struct spinner gen = {"generator", 0, 0}, worker = {"worker", 1, 0}, signer = {"signer", 0, 2};
    if (strcmp(argv[1], "gen") == 0) {
        pthread_create(&t[n++], NULL, spin, &gen);
    } else {
        pthread_create(&t[n++], NULL, spin, &worker);
        if (argc < 4 || strcmp(argv[3], "nowaker") != 0) {
            pthread_create(&t[n++], NULL, sleeper, NULL);
        }
        pthread_create(&t[n++], NULL, spin, &signer);
    }
    for (int i = 0; i < n; i++) {
        pthread_join(t[i], NULL);
    }
    return 0;
}
