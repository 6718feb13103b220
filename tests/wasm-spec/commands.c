/* commands.c: one spec-test file's commands (see runner.c): its state (an
 * arena, a store, a wasm_exec, spectest and the registry of named and
 * registered instances), the actions, and each command type checked
 * against the engine. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "runner.h"

#define MAX_SHOWN 10
/* Bytes the resize hook hands out per file: 4 GiB, or 1 GiB where size_t
 * is 32 bits (a build for i386 under qemu-i386, say). */
#define RESIZE_CAP                                                             \
  ((size_t)(SIZE_MAX > 0xffffffffu ? (uint64_t)4 << 30 : (uint64_t)1 << 30))

/* ---- one file's state ---------------------------------------------------- */

typedef struct named {
  const char
      *name; /* "$M" or the registered module name; points into the JSON */
  size_t len;
  wasm_instance *inst; /* NULL: its module command failed */
  unsigned line;       /* of the module command */
} named;

typedef struct block {
  void *p;
  size_t bytes;
} block;

typedef struct file_run {
  const char *dir;  /* DIR/<name> */
  const char *wast; /* source_filename */
  wasm_arena arena;
  void *arena_mem;
  size_t arena_bytes;
  wasm_limits lim;
  wasm_exec *x;
  spectest st;
  bool st_ok;
  char st_err[128];

  named *names;
  size_t nnames, cnames; /* module commands with a name */
  named *regs;
  size_t nregs, cregs; /* register commands */
  bool have_current;
  wasm_instance *current;
  unsigned current_line;

  uint8_t **bytes;
  size_t nbytes, cbytes; /* module binaries, kept to the end */
  block *blocks;
  size_t nblocks, cblocks; /* the resize hook's live blocks */
  size_t block_bytes;

  char **fails;
  size_t nfails, cfails; /* failure lines */
  counts c;
  bool arena_full; /* the engine ran out of the arena: rerun with more */
  wasm_journal j;  /* -j: every instance under it */
  void *jlog;
  size_t jlog_bytes;
} file_run;

static void failf(file_run *r, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void failf(file_run *r, unsigned line, const char *fmt, ...) {
  char msg[1024];
  int n = snprintf(msg, sizeof msg, "%s:%u: ", r->wast, line);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
  va_end(ap);
  GROW(r->fails, r->nfails, r->cfails);
  r->fails[r->nfails++] = strdup(msg);
  r->c.failed++;
}

/* ---- the resize hook: realloc, with every block tracked ----------------- */

static void *resize_hook(void *env, void *old, size_t old_bytes,
                         size_t new_bytes) {
  file_run *r = env;
  size_t i = r->nblocks;
  if (old) {
    for (i = 0; i < r->nblocks; i++)
      if (r->blocks[i].p == old)
        break;
    if (i == r->nblocks) {
      failf(r, 0,
            "resize hook: the engine passed a block it did not get from the "
            "hook (%p)",
            old);
      return NULL;
    }
    if (r->blocks[i].bytes != old_bytes)
      failf(r, 0, "resize hook: old_bytes %zu, but the block has %zu",
            old_bytes, r->blocks[i].bytes);
  }
  if (new_bytes == 0) {
    if (old) {
      r->block_bytes -= r->blocks[i].bytes;
      free(old);
      r->blocks[i] = r->blocks[--r->nblocks];
    }
    return NULL;
  }
  size_t have = old ? r->blocks[i].bytes : 0;
  if (new_bytes > have && r->block_bytes - have + new_bytes > RESIZE_CAP)
    return NULL;
  void *p = realloc(old, new_bytes);
  if (!p)
    return NULL;
  if (old) {
    r->block_bytes = r->block_bytes - have + new_bytes;
    r->blocks[i].p = p;
    r->blocks[i].bytes = new_bytes;
  } else {
    GROW(r->blocks, r->nblocks, r->cblocks);
    r->blocks[r->nblocks].p = p;
    r->blocks[r->nblocks].bytes = new_bytes;
    r->nblocks++;
    r->block_bytes += new_bytes;
  }
  return p;
}

/* ---- helpers ------------------------------------------------------------- */

static const char *kind_name(uint8_t k) {
  switch (k) {
  case WASM_ERR_NONE:
    return "none";
  case WASM_ERR_MALFORMED:
    return "malformed";
  case WASM_ERR_INVALID:
    return "invalid";
  case WASM_ERR_LIMIT:
    return "limit";
  case WASM_ERR_LINK:
    return "link";
  case WASM_ERR_TRAP:
    return "trap";
  default:
    return "?";
  }
}

static const char *status_name(wasm_status s) {
  switch (s) {
  case WASM_OK:
    return "WASM_OK";
  case WASM_TRAPPED:
    return "WASM_TRAPPED";
  case WASM_OUT_OF_FUEL:
    return "WASM_OUT_OF_FUEL";
  case WASM_BAD_ARGS:
    return "WASM_BAD_ARGS";
  case WASM_BUSY:
    return "WASM_BUSY";
  case WASM_NOT_SUSPENDED:
    return "WASM_NOT_SUSPENDED";
  default:
    return "?";
  }
}

static const char *trap_str(wasm_trap t) {
  const char *s = wasm_trap_string(t);
  return s ? s : "(null)";
}

/* "[invalid] code section, offset 0x12: type mismatch"; a trap adds its text. */
static void error_format(file_run *r, char *buf, size_t n,
                         const wasm_error *e) {
  int k =
      snprintf(buf, n, "[%s] %s%ssection, offset 0x%" PRIx32 ": %.*s",
               kind_name(e->kind), e->section && *e->section ? e->section : "",
               e->section && *e->section ? " " : "no ", e->offset,
               (int)sizeof e->reason, e->reason);
  if (e->kind == WASM_ERR_TRAP && k > 0 && (size_t)k < n)
    snprintf(buf + k, n - (size_t)k, " (trap: %s)",
             trap_str(wasm_exec_trap(r->x)));
}

static void note_limit(file_run *r, const wasm_error *e) {
  if (e->kind == WASM_ERR_LIMIT && r->arena.used > r->arena.size / 2)
    r->arena_full = true;
}

static uint8_t *read_file(const char *path, size_t *len, char *err,
                          size_t errlen) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
    return NULL;
  }
  uint8_t *buf = NULL;
  size_t n = 0, cap = 0;
  for (;;) {
    if (n == cap) {
      cap = cap ? cap * 2 : 4096;
      buf = xrealloc(buf, cap);
    }
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (got == 0)
      break;
  }
  bool bad = ferror(f);
  fclose(f);
  if (bad) {
    free(buf);
    snprintf(err, errlen, "cannot read %s", path);
    return NULL;
  }
  *len = n;
  return buf;
}

/* Reads the module file of a command, keeping the bytes to the end of the
 * file run (a module points into them). */
static uint8_t *module_bytes(file_run *r, const json *cmd, size_t *len,
                             char *err, size_t errlen) {
  const char *fn = json_get_str(cmd, "filename");
  if (!fn) {
    snprintf(err, errlen, "command without a filename");
    return NULL;
  }
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", r->dir, fn);
  uint8_t *b = read_file(path, len, err, errlen);
  if (b) {
    GROW(r->bytes, r->nbytes, r->cbytes);
    r->bytes[r->nbytes++] = b;
  }
  return b;
}

static bool resolve(void *env, const char *module, uint32_t mlen,
                    const char *name, uint32_t nlen, wasm_extern *out) {
  file_run *r = env;
  if (mlen == 8 && memcmp(module, "spectest", 8) == 0)
    return r->st_ok && spectest_lookup(&r->st, name, nlen, out);
  for (size_t i = r->nregs; i-- > 0;) {
    if (r->regs[i].len == mlen && memcmp(r->regs[i].name, module, mlen) == 0) {
      if (!r->regs[i].inst)
        return false;
      return wasm_instance_export(r->regs[i].inst, name, nlen, out);
    }
  }
  return false;
}

/* The instance an action or register names (or the current one); NULL with
 * a reason in why. */
static wasm_instance *find_instance(file_run *r, const json *modname, char *why,
                                    size_t n) {
  if (modname && modname->type == JSON_STRING) {
    for (size_t i = r->nnames; i-- > 0;) {
      if (r->names[i].len == modname->len &&
          memcmp(r->names[i].name, modname->str, modname->len) == 0) {
        if (!r->names[i].inst)
          snprintf(why, n, "module %s (line %u) did not instantiate",
                   modname->str, r->names[i].line);
        return r->names[i].inst;
      }
    }
    snprintf(why, n, "no module named %s", modname->str);
    return NULL;
  }
  if (!r->have_current)
    snprintf(why, n, "no module yet");
  else if (!r->current)
    snprintf(why, n, "the current module (line %u) did not instantiate",
             r->current_line);
  return r->current;
}

/* ---- actions --------------------------------------------------------------- */

enum act_outcome { ACT_RETURNED, ACT_TRAPPED, ACT_ERROR, ACT_SKIP };

typedef struct act_result {
  enum act_outcome outcome;
  wasm_status status;
  wasm_trap trap;
  uint32_t nresults;
  wasm_value results[64];
  uint8_t types[64];
  char desc[512]; /* 'invoke "f"(i32:1)' */
  char why[512];  /* for ACT_ERROR / ACT_SKIP */
} act_result;

static void run_action(file_run *r, const json *act, act_result *res) {
  memset(res, 0, sizeof *res);
  const char *type = json_get_str(act, "type");
  const json *field = json_get(act, "field");
  char fname[256] = "?";
  if (field && field->type == JSON_STRING)
    name_format(fname, sizeof fname, field->str, field->len);
  snprintf(res->desc, sizeof res->desc, "%s \"%s\"", type ? type : "?", fname);
  if (!type || !field || field->type != JSON_STRING) {
    res->outcome = ACT_ERROR;
    snprintf(res->why, sizeof res->why, "malformed action in the JSON");
    return;
  }
  bool invoke = !strcmp(type, "invoke");
  if (!invoke && strcmp(type, "get")) {
    res->outcome = ACT_ERROR;
    snprintf(res->why, sizeof res->why, "unknown action type '%s'", type);
    return;
  }

  /* Arguments first, so that the description shows them. */
  const json *args = json_get(act, "args");
  size_t nargs = json_count(args);
  wasm_value argv[64];
  uint8_t argt[64];
  if (nargs > 64) {
    res->outcome = ACT_ERROR;
    snprintf(res->why, sizeof res->why,
             "%zu arguments: the runner takes at most 64", nargs);
    return;
  }
  if (invoke) {
    size_t o = strlen(res->desc);
    o += (size_t)snprintf(res->desc + o, sizeof res->desc - o, "(");
    for (size_t i = 0; i < nargs; i++) {
      char err[128];
      if (!value_parse(json_at(args, i), &argt[i], &argv[i], err, sizeof err)) {
        res->outcome = argt[i] ? ACT_ERROR : ACT_SKIP;
        snprintf(res->why, sizeof res->why, "argument %zu: %s", i, err);
        return;
      }
      char vb[96];
      value_format(vb, sizeof vb, argt[i], argv[i]);
      if (o < sizeof res->desc)
        o += (size_t)snprintf(res->desc + o, sizeof res->desc - o, "%s%s",
                              i ? ", " : "", vb);
    }
    if (o < sizeof res->desc)
      snprintf(res->desc + o, sizeof res->desc - o, ")");
  }

  const json *modname = json_get(act, "module");
  if (modname && modname->type == JSON_STRING) {
    size_t o = strlen(res->desc);
    if (o < sizeof res->desc)
      snprintf(res->desc + o, sizeof res->desc - o, " in %s", modname->str);
  }
  wasm_instance *inst = find_instance(r, modname, res->why, sizeof res->why);
  if (!inst) {
    res->outcome = ACT_ERROR;
    return;
  }
  wasm_extern ext;
  memset(&ext, 0, sizeof ext);
  if (!wasm_instance_export(inst, field->str, (uint32_t)field->len, &ext)) {
    res->outcome = ACT_ERROR;
    snprintf(res->why, sizeof res->why, "no export \"%s\"", fname);
    return;
  }

  if (!invoke) {
    if (ext.kind != WASM_EXTERN_GLOBAL || !ext.u.global) {
      res->outcome = ACT_ERROR;
      snprintf(res->why, sizeof res->why,
               "export \"%s\" is not a global (kind %u)", fname, ext.kind);
      return;
    }
    res->outcome = ACT_RETURNED;
    res->nresults = 1;
    res->results[0] = wasm_global_get(ext.u.global);
    res->types[0] =
        0; /* the engine does not say; the caller uses the expected type */
    return;
  }

  if (ext.kind != WASM_EXTERN_FUNC || !ext.u.func) {
    res->outcome = ACT_ERROR;
    snprintf(res->why, sizeof res->why,
             "export \"%s\" is not a function (kind %u)", fname, ext.kind);
    return;
  }
  const wasm_functype *ft = wasm_func_type(ext.u.func);
  if (!ft) {
    res->outcome = ACT_ERROR;
    snprintf(res->why, sizeof res->why, "wasm_func_type returned NULL");
    return;
  }
  if (ft->nparams != nargs) {
    res->outcome = ACT_ERROR;
    snprintf(res->why, sizeof res->why,
             "the function takes %" PRIu32 " parameters, the test gives %zu",
             ft->nparams, nargs);
    return;
  }
  for (size_t i = 0; i < nargs; i++) {
    if (ft->params[i] != argt[i]) {
      res->outcome = ACT_ERROR;
      snprintf(res->why, sizeof res->why,
               "parameter %zu is %s, the test gives %s", i,
               value_type_name(ft->params[i]), value_type_name(argt[i]));
      return;
    }
  }
  if (ft->nresults > 64) {
    res->outcome = ACT_ERROR;
    snprintf(res->why, sizeof res->why,
             "%" PRIu32 " results: the runner takes at most 64", ft->nresults);
    return;
  }
  res->nresults = ft->nresults;
  for (uint32_t i = 0; i < ft->nresults; i++)
    res->types[i] = ft->results[i];

  wasm_exec_set_fuel(r->x, UINT64_MAX);
  if (runner_journal) {
    /* -j: the action runs first in a savepoint that is rolled back, and
     * everything under the journal must be as before; then again in one
     * that is committed, whose outcome the file checks. */
    wasm_savepoint sp;
    uint64_t before = journal_state(&r->j);
    wasm_journal_begin(&r->j, &sp);
    if (wasm_call(r->x, ext.u.func, argv, (uint32_t)nargs) == WASM_OUT_OF_FUEL)
      wasm_exec_reset(r->x);
    wasm_journal_rollback(&r->j, &sp);
    if (journal_state(&r->j) != before) {
      res->outcome = ACT_ERROR;
      snprintf(res->why, sizeof res->why,
               "rolled back, the state differs from before the call");
      return;
    }
    wasm_journal_begin(&r->j, &sp);
    res->status = wasm_call(r->x, ext.u.func, argv, (uint32_t)nargs);
    wasm_journal_commit(&r->j, &sp);
  } else {
    res->status = wasm_call(r->x, ext.u.func, argv, (uint32_t)nargs);
  }
  switch (res->status) {
  case WASM_OK: {
    uint32_t n;
    const wasm_value *v = wasm_exec_results(r->x, &n);
    if (n != res->nresults || (n && !v)) {
      res->outcome = ACT_ERROR;
      snprintf(res->why, sizeof res->why,
               "%" PRIu32 " results from the context, %" PRIu32 " expected", n,
               res->nresults);
      break;
    }
    for (uint32_t i = 0; i < n; i++)
      res->results[i] = v[i];
    res->outcome = ACT_RETURNED;
    break;
  }
  case WASM_TRAPPED:
    res->outcome = ACT_TRAPPED;
    res->trap = wasm_exec_trap(r->x);
    break;
  case WASM_OUT_OF_FUEL:
    wasm_exec_reset(r->x);
    res->outcome = ACT_ERROR;
    snprintf(res->why, sizeof res->why, "WASM_OUT_OF_FUEL with unlimited fuel");
    break;
  default:
    res->outcome = ACT_ERROR;
    snprintf(res->why, sizeof res->why, "wasm_call returned %s",
             status_name(res->status));
    break;
  }
}

/* What happened, for a failure line. */
static void outcome_format(const act_result *res, char *buf, size_t n) {
  switch (res->outcome) {
  case ACT_RETURNED: {
    size_t o = (size_t)snprintf(buf, n, "returned [");
    for (uint32_t i = 0; i < res->nresults && o < n; i++) {
      char vb[96];
      value_format(vb, sizeof vb, res->types[i], res->results[i]);
      o += (size_t)snprintf(buf + o, n - o, "%s%s", i ? ", " : "", vb);
    }
    if (o < n)
      snprintf(buf + o, n - o, "]");
    break;
  }
  case ACT_TRAPPED:
    snprintf(buf, n, "trapped: %s", trap_str(res->trap));
    break;
  default:
    snprintf(buf, n, "%s", res->why);
  }
}

/* ---- commands -------------------------------------------------------------- */

static void cmd_module(file_run *r, const json *cmd, unsigned line) {
  const json *name = json_get(cmd, "name");
  wasm_instance *inst = NULL;
  char err[256];
  size_t len;
  uint8_t *b = module_bytes(r, cmd, &len, err, sizeof err);
  if (!b) {
    failf(r, line, "module: %s", err);
  } else {
    wasm_error e;
    memset(&e, 0, sizeof e);
    wasm_module *m = wasm_module_load(b, len, &r->arena, &r->lim, &e);
    if (!m) {
      note_limit(r, &e);
      error_format(r, err, sizeof err, &e);
      failf(r, line, "module: load failed: %s", err);
    } else {
      memset(&e, 0, sizeof e);
      inst = wasm_instantiate(m, &r->arena, &r->lim, resolve, r, r->x, &e);
      if (!inst) {
        note_limit(r, &e);
        error_format(r, err, sizeof err, &e);
        failf(r, line, "module: instantiate failed: %s", err);
      } else if (runner_journal &&
                 !wasm_journal_attach(&r->j, inst, &r->arena)) {
        failf(r, line, "module: wasm_journal_attach failed");
      } else {
        r->c.passed++;
      }
    }
  }
  r->have_current = true;
  r->current = inst;
  r->current_line = line;
  if (name && name->type == JSON_STRING) {
    GROW(r->names, r->nnames, r->cnames);
    r->names[r->nnames++] = (named){name->str, name->len, inst, line};
  }
}

static void cmd_register(file_run *r, const json *cmd, unsigned line) {
  const json *as = json_get(cmd, "as");
  char why[256] = "";
  if (!as || as->type != JSON_STRING) {
    failf(r, line, "register: no \"as\" in the JSON");
    return;
  }
  wasm_instance *inst =
      find_instance(r, json_get(cmd, "name"), why, sizeof why);
  GROW(r->regs, r->nregs, r->cregs);
  r->regs[r->nregs++] = (named){as->str, as->len, inst, line};
  if (!inst)
    failf(r, line, "register \"%s\": %s", as->str, why);
  else
    r->c.passed++;
}

static void cmd_action(file_run *r, const json *cmd, unsigned line,
                       const char *type) {
  act_result res;
  char what[1024];
  run_action(r, json_get(cmd, "action"), &res);
  if (res.outcome == ACT_SKIP) {
    r->c.skipped++;
    return;
  }
  outcome_format(&res, what, sizeof what);

  if (!strcmp(type, "action")) {
    if (res.outcome == ACT_RETURNED)
      r->c.passed++;
    else
      failf(r, line, "action: %s: %s", res.desc, what);
    return;
  }

  if (!strcmp(type, "assert_return")) {
    if (res.outcome != ACT_RETURNED) {
      failf(r, line, "assert_return: %s: expected a return, %s", res.desc,
            what);
      return;
    }
    const json *exp = json_get(cmd, "expected");
    size_t nexp = json_count(exp);
    char eb[512];
    size_t o = (size_t)snprintf(eb, sizeof eb, "[");
    for (size_t i = 0; i < nexp && o < sizeof eb; i++) {
      char vb[96];
      expected_format(vb, sizeof vb, json_at(exp, i));
      o += (size_t)snprintf(eb + o, sizeof eb - o, "%s%s", i ? ", " : "", vb);
    }
    if (o < sizeof eb)
      snprintf(eb + o, sizeof eb - o, "]");
    bool ok = nexp == res.nresults;
    for (size_t i = 0; ok && i < nexp; i++) {
      const json *e = json_at(exp, i);
      uint8_t et = value_type(json_get_str(e, "type"));
      if (!et) {
        r->c.skipped++; /* v128 */
        return;
      }
      if (res.types[i] == 0)
        res.types[i] = et; /* a global's value */
      if (res.types[i] != et || !value_match(e, res.results[i]))
        ok = false;
    }
    if (ok) {
      r->c.passed++;
    } else {
      for (uint32_t i = 0; i < res.nresults; i++)
        if (!res.types[i])
          res.types[i] =
              i < nexp ? value_type(json_get_str(json_at(exp, i), "type")) : 0;
      outcome_format(&res, what, sizeof what);
      failf(r, line, "assert_return: %s: expected %s, %s", res.desc, eb, what);
    }
    return;
  }

  const char *text = json_get_str(cmd, "text");
  if (!strcmp(type, "assert_trap")) {
    if (res.outcome == ACT_TRAPPED) {
      r->c.passed++;
      /* The spec's text may go on ("uninitialized element 2"). */
      if (runner_verbose && text &&
          strncmp(text, trap_str(res.trap), strlen(trap_str(res.trap))))
        printf("%s:%u: note: assert_trap %s: expected \"%s\", trapped with "
               "\"%s\"\n",
               r->wast, line, res.desc, text, trap_str(res.trap));
    } else {
      failf(r, line, "assert_trap: %s: expected trap \"%s\", %s", res.desc,
            text ? text : "?", what);
    }
    return;
  }

  /* assert_exhaustion */
  if (res.outcome == ACT_TRAPPED && res.trap == WASM_TRAP_STACK_EXHAUSTED)
    r->c.passed++;
  else
    failf(r, line,
          "assert_exhaustion: %s: expected trap \"%s\" "
          "(WASM_TRAP_STACK_EXHAUSTED), %s",
          res.desc, text ? text : "call stack exhausted", what);
}

/* Did loading (at_load) or instantiating fail with the error kind wanted? */
static void expect_kind(file_run *r, unsigned line, const char *type,
                        const char *fn, uint8_t want, const char *text,
                        const wasm_error *e, bool at_load) {
  char err[256];
  note_limit(r, e);
  error_format(r, err, sizeof err, e);
  if (e->kind == want) {
    r->c.passed++;
    if (runner_verbose)
      printf("%s:%u: ok: %s \"%s\": %s\n", r->wast, line, type,
             text ? text : "", err);
  } else if (at_load &&
             (e->kind == WASM_ERR_INVALID || e->kind == WASM_ERR_MALFORMED)) {
    failf(r, line, "%s %s: KIND MISMATCH: expected [%s] \"%s\", got %s", type,
          fn, kind_name(want), text ? text : "", err);
  } else {
    failf(r, line, "%s %s: expected [%s] \"%s\", got %s", type, fn,
          kind_name(want), text ? text : "", err);
  }
}

/* assert_invalid, assert_malformed, assert_unlinkable, assert_uninstantiable */
static void cmd_module_assert(file_run *r, const json *cmd, unsigned line,
                              const char *type) {
  const char *mt = json_get_str(cmd, "module_type");
  const char *text = json_get_str(cmd, "text");
  const char *fn = json_get_str(cmd, "filename");
  if (mt && strcmp(mt, "binary")) {
    r->c.skipped++; /* a .wat: the runner reads binaries only */
    return;
  }
  bool want_load_fail =
      !strcmp(type, "assert_invalid") || !strcmp(type, "assert_malformed");
  uint8_t want = !strcmp(type, "assert_invalid")      ? WASM_ERR_INVALID
                 : !strcmp(type, "assert_malformed")  ? WASM_ERR_MALFORMED
                 : !strcmp(type, "assert_unlinkable") ? WASM_ERR_LINK
                                                      : WASM_ERR_TRAP;
  char err[256];
  size_t len;
  uint8_t *b = module_bytes(r, cmd, &len, err, sizeof err);
  if (!b) {
    failf(r, line, "%s: %s", type, err);
    return;
  }
  wasm_error e;
  memset(&e, 0, sizeof e);
  wasm_module *m = wasm_module_load(b, len, &r->arena, &r->lim, &e);
  if (want_load_fail) {
    if (m) {
      failf(r, line, "%s %s: expected [%s] \"%s\", but it loaded", type, fn,
            kind_name(want), text ? text : "");
      return;
    }
    expect_kind(r, line, type, fn, want, text, &e, true);
    return;
  }
  if (!m) {
    note_limit(r, &e);
    error_format(r, err, sizeof err, &e);
    failf(r, line,
          "%s %s: expected it to load, then [%s] \"%s\" at instantiation; load "
          "failed: %s",
          type, fn, kind_name(want), text ? text : "", err);
    return;
  }
  memset(&e, 0, sizeof e);
  wasm_instance *inst =
      wasm_instantiate(m, &r->arena, &r->lim, resolve, r, r->x, &e);
  if (inst) {
    failf(r, line, "%s %s: expected [%s] \"%s\", but it instantiated", type, fn,
          kind_name(want), text ? text : "");
    return;
  }
  expect_kind(r, line, type, fn, want, text, &e, false);
}

static void run_command(file_run *r, const json *cmd) {
  const char *type = json_get_str(cmd, "type");
  const json *l = json_get(cmd, "line");
  unsigned line = l && l->type == JSON_NUMBER ? (unsigned)l->number : 0;
  if (!type) {
    failf(r, line, "command without a type");
  } else if (!strcmp(type, "module")) {
    cmd_module(r, cmd, line);
  } else if (!strcmp(type, "register")) {
    cmd_register(r, cmd, line);
  } else if (!strcmp(type, "action") || !strcmp(type, "assert_return") ||
             !strcmp(type, "assert_trap") ||
             !strcmp(type, "assert_exhaustion")) {
    cmd_action(r, cmd, line, type);
  } else if (!strcmp(type, "assert_invalid") ||
             !strcmp(type, "assert_malformed") ||
             !strcmp(type, "assert_unlinkable") ||
             !strcmp(type, "assert_uninstantiable")) {
    cmd_module_assert(r, cmd, line, type);
  } else {
    failf(r, line, "unknown command type '%s'", type);
  }
}

static void file_run_free(file_run *r) {
  for (size_t i = 0; i < r->nblocks; i++)
    free(r->blocks[i].p);
  for (size_t i = 0; i < r->nbytes; i++)
    free(r->bytes[i]);
  for (size_t i = 0; i < r->nfails; i++)
    free(r->fails[i]);
  free(r->blocks);
  free(r->bytes);
  free(r->fails);
  free(r->names);
  free(r->regs);
  if (r->arena_mem)
    munmap(r->arena_mem, r->arena_bytes);
  if (r->jlog)
    munmap(r->jlog, r->jlog_bytes);
}

/* One pass over a file's commands with an arena of arena_bytes. */
static void run_commands(file_run *r, const json *cmds, size_t arena_bytes) {
  /* mmap, not malloc: the pages are taken only when used, and ASan does not
   * poison and unpoison hundreds of MiB of shadow for every file. */
  r->arena_mem = mmap(NULL, arena_bytes, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (r->arena_mem == MAP_FAILED) {
    r->arena_mem = NULL;
    failf(r, 0, "cannot allocate a %zu MiB arena", arena_bytes >> 20);
    return;
  }
  r->arena_bytes = arena_bytes;
  wasm_arena_init(&r->arena, r->arena_mem, arena_bytes);
  r->lim = (wasm_limits){
      .max_module_bytes = 64u << 20,
      .max_pages = 65536,
      .max_table_size = 10000000,
      .max_call_depth = 10000,
      .max_stack_slots = 1u << 20,
      .resize = resize_hook,
      .resize_env = r,
  };
  if (runner_journal) {
    r->jlog_bytes = sizeof(void *) == 8 ? (size_t)1 << 30 : (size_t)1 << 28;
    r->jlog = mmap(NULL, r->jlog_bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (r->jlog == MAP_FAILED) {
      r->jlog = NULL;
      failf(r, 0, "cannot allocate the journal's log");
      return;
    }
    wasm_journal_init(&r->j, r->jlog, r->jlog_bytes);
  }
  r->x = wasm_exec_new(&r->arena, &r->lim);
  if (!r->x) {
    failf(r, 0, "wasm_exec_new failed (arena %zu MiB)", arena_bytes >> 20);
    r->arena_full = true;
    return;
  }
  r->st_ok = spectest_init(&r->st, &r->arena, &r->lim, runner_verbose,
                           r->st_err, sizeof r->st_err);
  if (!r->st_ok)
    failf(r, 0, "%s", r->st_err);
  for (size_t i = 0; i < json_count(cmds); i++)
    run_command(r, json_at(cmds, i));
}

/* Runs DIR/name/name.json, prints its failures and its line; returns its counts. */
counts run_file(const char *root, const char *name, size_t arena_mib) {
  counts c = {0, 0, 0};
  char dir[4096], path[4200];
  snprintf(dir, sizeof dir, "%s/%s", root, name);
  snprintf(path, sizeof path, "%s/%s.json", dir, name);
  char err[256];
  size_t len;
  uint8_t *text = read_file(path, &len, err, sizeof err);
  json doc;
  if (!text) {
    printf("%s: %s\n", name, err);
    c.failed = 1;
    return c;
  }
  if (!json_parse((const char *)text, len, &doc, err, sizeof err)) {
    printf("%s: %s: %s\n", name, path, err);
    free(text);
    c.failed = 1;
    return c;
  }
  free(text);
  const json *cmds = json_get(&doc, "commands");
  const char *src = json_get_str(&doc, "source_filename");
  char wast[300];
  snprintf(wast, sizeof wast, "%s", src ? src : name);

  size_t arena_bytes = arena_mib << 20;
  file_run r;
  for (;;) {
    memset(&r, 0, sizeof r);
    r.dir = dir;
    r.wast = wast;
    run_commands(&r, cmds, arena_bytes);
    if (!r.arena_full || arena_bytes >= ((size_t)1 << 30))
      break;
    if (runner_verbose)
      printf("%s: the arena (%zu MiB) ran out: running the file again with %zu "
             "MiB\n",
             name, arena_bytes >> 20, arena_bytes >> 19);
    file_run_free(&r);
    arena_bytes *= 2;
  }
  if (!cmds || cmds->type != JSON_ARRAY)
    failf(&r, 0, "no \"commands\" list in %s", path);
  size_t shown =
      runner_verbose ? r.nfails : (r.nfails < MAX_SHOWN ? r.nfails : MAX_SHOWN);
  for (size_t i = 0; i < shown; i++)
    printf("%s\n", r.fails[i]);
  if (shown < r.nfails)
    printf("%s: ... and %zu more failures (-v shows all)\n", wast,
           r.nfails - shown);
  c = r.c;
  file_run_free(&r);
  json_free(&doc);
  return c;
}
