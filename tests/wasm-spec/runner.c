/* runner.c: the WebAssembly core spec tests against realm/wasm.
 *
 *   wasm-spec-runner [-v] [-n] [-j] [-t SECONDS] [-m MIB] DIR [NAME...]
 *
 * DIR holds <name>/<name>.json (wast2json's command lists, see DIR's
 * README.md) and the modules they name. Each file (sorted by name, or only
 * the NAMEs given, as "i32", "i32.json" or "i32.wast") runs in a child
 * process, so that a crash, a sanitizer report or a hang (SIGALRM after -t
 * SECONDS, default 120) costs that file one failure and the run goes on.
 * -n runs everything in this process instead (for a debugger). -j puts
 * every instance under a journal (wasm_journal_attach) and runs every
 * action twice: in a savepoint rolled back, then in one committed.
 *
 * Per file: one arena (-m MIB, default 256; doubled and the file rerun when
 * the engine runs out of it), one store, one wasm_exec, the spectest module
 * and a registry of named and registered instances; every command in order.
 *
 * Counting: every command counts once, `module` and `register` included:
 * loading and instantiating a module, or registering it, is a check that
 * must succeed, so the per-file total equals the `total` column of
 * COUNTS.tsv. assert_malformed on a text module (.wat) is skipped; so is a
 * command with a value type the engine does not have (v128).
 *
 * Before the files, limits.c checks the engine's size arithmetic against
 * the embedder's limits (six checks more in the total).
 *
 * Output: a failure is one line, "file.wast:LINE: command: what was expected,
 * what happened"; at most 10 per file unless -v. Then "name: P passed, F
 * failed, S skipped" per file (with its time under -v) and at the end
 * "N passed, M failed, K skipped". Exit status 0 only when nothing failed.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runner.h"

/* A huge memory.grow must fail (the engine returns -1), not abort the run. */
const char *__asan_default_options(void);
const char *__asan_default_options(void) {
  return "allocator_may_return_null=1";
}

bool runner_verbose;
bool runner_journal;

/* ---- growable lists ------------------------------------------------------ */

void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) {
    fprintf(stderr, "wasm-spec-runner: out of memory\n");
    exit(2);
  }
  return q;
}

/* ---- the file list and the children ------------------------------------- */

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has_json(const char *root, const char *name) {
  char path[4200];
  struct stat st;
  snprintf(path, sizeof path, "%s/%s/%s.json", root, name, name);
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void usage(void) {
  fprintf(
      stderr,
      "usage: wasm-spec-runner [-v|-q] [-n] [-j] [-t SECONDS] [-m MIB] DIR "
      "[NAME...]\n"
      "  -v  print every failure, notes, spectest prints and per-file times\n"
      "  -q  print the per-file line only for files with failures\n"
      "  -n  no child processes (for a debugger)\n"
      "  -j  a journal on every instance; each action run and rolled back,\n"
      "      then run and committed\n"
      "  -t  seconds a file may take (default 120)\n"
      "  -m  MiB of arena per file to start with (default 256)\n");
  exit(2);
}

int main(int argc, char **argv) {
  bool fork_files = true, quiet = false;
  unsigned timeout = 120;
  size_t arena_mib = 256;
  int opt;
  setvbuf(stdout, NULL, _IOLBF,
          0); /* in order with sanitizer reports on stderr */
  while ((opt = getopt(argc, argv, "vqnjt:m:")) != -1) {
    switch (opt) {
    case 'v':
      runner_verbose = true;
      break;
    case 'q':
      quiet = true;
      break;
    case 'n':
      fork_files = false;
      break;
    case 'j':
      runner_journal = true;
      break;
    case 't':
      timeout = (unsigned)strtoul(optarg, NULL, 10);
      break;
    case 'm':
      arena_mib = strtoul(optarg, NULL, 10);
      if (!arena_mib)
        usage();
      break;
    default:
      usage();
    }
  }
  if (optind >= argc)
    usage();
  const char *root = argv[optind++];
  struct stat st;
  if (stat(root, &st) != 0 || !S_ISDIR(st.st_mode)) {
    printf("test-wasm: SKIPPED: %s not found (the WebAssembly spec tests come "
           "with "
           "../shared; run with WASM_SPEC=DIR)\n",
           root);
    printf("0 passed, 0 failed, 1 skipped\n");
    return 0;
  }

  char **names = NULL;
  size_t nnames = 0, cnames = 0;
  counts total = limits_check();
  if (optind < argc) {
    for (int i = optind; i < argc; i++) {
      char *n = strdup(argv[i]);
      char *slash = strrchr(n, '/');
      if (slash && slash[1] == '\0')
        *slash = '\0';
      slash = strrchr(n, '/');
      if (slash)
        memmove(n, slash + 1, strlen(slash + 1) + 1);
      size_t l = strlen(n);
      if (l > 5 && !strcmp(n + l - 5, ".json"))
        n[l - 5] = '\0';
      else if (l > 5 && !strcmp(n + l - 5, ".wast"))
        n[l - 5] = '\0';
      if (!has_json(root, n)) {
        printf("%s: no %s/%s/%s.json\n", argv[i], root, n, n);
        total.failed++;
        free(n);
        continue;
      }
      GROW(names, nnames, cnames);
      names[nnames++] = n;
    }
  } else {
    DIR *d = opendir(root);
    if (!d) {
      printf("cannot read %s: %s\n", root, strerror(errno));
      return 1;
    }
    struct dirent *de;
    while ((de = readdir(d))) {
      if (de->d_name[0] == '.' || !has_json(root, de->d_name))
        continue;
      GROW(names, nnames, cnames);
      names[nnames++] = strdup(de->d_name);
    }
    closedir(d);
    qsort(names, nnames, sizeof *names, cmp_str);
  }

  double t_all = now();
  for (size_t i = 0; i < nnames; i++) {
    double t0 = now();
    counts c = {0, 0, 0};
    fflush(stdout);
    fflush(stderr);
    if (!fork_files) {
      c = run_file(root, names[i], arena_mib);
    } else {
      int fd[2];
      pid_t pid;
      if (pipe(fd) != 0 || (pid = fork()) < 0) {
        printf("%s: cannot start a child: %s\n", names[i], strerror(errno));
        c.failed = 1;
        goto counted;
      }
      if (pid == 0) {
        close(fd[0]);
        alarm(timeout);
        counts cc = run_file(root, names[i], arena_mib);
        fflush(stdout);
        ssize_t w = write(fd[1], &cc, sizeof cc);
        close(fd[1]);
        for (size_t k = 0; k < nnames; k++)
          free(names[k]);
        free(names);
        exit(w == (ssize_t)sizeof cc
                 ? 0
                 : 3); /* exit, not _exit: LeakSanitizer runs */
      }
      close(fd[1]);
      ssize_t got = 0, n;
      while (got < (ssize_t)sizeof c &&
             (n = read(fd[0], (char *)&c + got, sizeof c - (size_t)got)) > 0)
        got += n;
      close(fd[0]);
      int ws = 0;
      while (waitpid(pid, &ws, 0) < 0 && errno == EINTR) {
      }
      if (got != (ssize_t)sizeof c) {
        memset(&c, 0, sizeof c);
        c.failed = 1;
        if (WIFSIGNALED(ws) && WTERMSIG(ws) == SIGALRM)
          printf("%s: FAILED: timed out after %u s (-t), its counts are lost\n",
                 names[i], timeout);
        else if (WIFSIGNALED(ws))
          printf(
              "%s: FAILED: crashed with signal %d (%s), its counts are lost\n",
              names[i], WTERMSIG(ws), strsignal(WTERMSIG(ws)));
        else
          printf("%s: FAILED: exited with status %d before its counts (a "
                 "sanitizer report above?)\n",
                 names[i], WIFEXITED(ws) ? WEXITSTATUS(ws) : -1);
      } else if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0) {
        c.failed++;
        printf("%s: FAILED: exited with status %d after its counts "
               "(LeakSanitizer report above?)\n",
               names[i], WIFEXITED(ws) ? WEXITSTATUS(ws) : -1);
      }
    }
  counted:
    if (runner_verbose)
      printf("%s: %lu passed, %lu failed, %lu skipped (%.2f s)\n", names[i],
             c.passed, c.failed, c.skipped, now() - t0);
    else if (!quiet || c.failed)
      printf("%s: %lu passed, %lu failed, %lu skipped\n", names[i], c.passed,
             c.failed, c.skipped);
    total.passed += c.passed;
    total.failed += c.failed;
    total.skipped += c.skipped;
  }
  if (runner_verbose)
    printf("%zu files in %.2f s\n", nnames, now() - t_all);
  printf("%lu passed, %lu failed, %lu skipped\n", total.passed, total.failed,
         total.skipped);
  for (size_t k = 0; k < nnames; k++)
    free(names[k]);
  free(names);
  return total.failed ? 1 : 0;
}
