/* test_printk.c: kernel/printk.c (console output, log levels, panics and
 * assertions) and kernel/kerr.c, through the fake platform's console
 * capture and its catchable platform_halt. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kernel.h"
#include "support/fake_platform.h"

static int setup(void **state) {
  (void)state;
  fake_platform_reset();
  klog_set_level(KCONFIG_LOG_LEVEL);
  return 0;
}

static void test_printk_writes_to_console(void **state) {
  (void)state;
  printk("hello %s, %d%%\n", "world", 42);
  assert_string_equal(fake_uart_output(), "hello world, 42%\n");
  printk_hex8(0x0f);
  printk_hex8(0xa0);
  assert_string_equal(fake_uart_output(), "hello world, 42%\n0fa0");
  fake_uart_clear();
  assert_string_equal(fake_uart_output(), "");
}

static void test_printk_cuts_long_output(void **state) {
  (void)state;
  char line[KCONFIG_PRINTK_BUF * 2];
  memset(line, 'x', sizeof(line) - 1);
  line[sizeof(line) - 1] = '\0';
  printk("%s", line);
  /* One call formats at most KCONFIG_PRINTK_BUF - 1 bytes. */
  assert_int_equal(fake_uart_total(), KCONFIG_PRINTK_BUF - 1);
  assert_int_equal(strspn(fake_uart_output(), "x"), KCONFIG_PRINTK_BUF - 1);
}

static void test_klog_levels(void **state) {
  (void)state;
  assert_int_equal(klog_level(), KLOG_INFO);
  klog(KLOG_ERROR, "e%d\n", 1);
  klog(KLOG_WARN, "w\n");
  klog(KLOG_INFO, "i\n");
  klog(KLOG_DEBUG, "d\n");
  klog(KLOG_TRACE, "t\n");
  assert_string_equal(fake_uart_output(), "error: e1\nwarning: w\ni\n");

  fake_uart_clear();
  klog_set_level(KLOG_TRACE);
  klog(KLOG_TRACE, "t\n");
  klog_set_level(KLOG_ERROR);
  klog(KLOG_WARN, "w\n");
  klog(KLOG_ERROR, "e\n");
  assert_string_equal(fake_uart_output(), "t\nerror: e\n");
}

static void test_kpanic_halts(void **state) {
  (void)state;
  jmp_buf env;
  if (setjmp(env) == 0) {
    fake_halt_catch(&env);
    kpanic("disk %d on fire", 3);
    fail_msg("kpanic returned");
  }
  assert_int_equal(fake_halt_count(), 1);
  assert_string_equal(fake_uart_output(), "\npanic: disk 3 on fire\n");
}

static void test_kassert(void **state) {
  (void)state;
  jmp_buf env;
  volatile int evaluated = 0;
  if (setjmp(env) == 0) {
    fake_halt_catch(&env);
    KASSERT(1 + 1 == 2);
    evaluated = 1;
    KASSERT(evaluated == 2);
    fail_msg("a false KASSERT returned");
  }
  assert_int_equal(evaluated, 1);
  assert_int_equal(fake_halt_count(), 1);
  const char *out = fake_uart_output();
  assert_non_null(strstr(out, "panic: assertion failed: evaluated == 2 at "));
  assert_non_null(strstr(out, "test_printk.c:"));
}

static void test_kerr_str(void **state) {
  (void)state;
  assert_string_equal(kerr_str(KERR_OK), "ok");
  assert_string_equal(kerr_str(KERR_INVALID), "invalid argument");
  assert_string_equal(kerr_str(KERR_CANCELLED), "cancelled");
  assert_string_equal(kerr_str(KERR_TIMEOUT), "timed out");
  assert_string_equal(kerr_str(KERR_UNSUPPORTED), "unsupported");
  /* Every code has its own name. */
  for (kerr_t a = KERR_UNSUPPORTED; a <= KERR_OK; a++) {
    assert_string_not_equal(kerr_str(a), "unknown error");
    for (kerr_t b = KERR_UNSUPPORTED; b < a; b++)
      assert_string_not_equal(kerr_str(a), kerr_str(b));
  }
  assert_string_equal(kerr_str(KERR_UNSUPPORTED - 1), "unknown error");
  assert_string_equal(kerr_str(1), "unknown error");
  assert_string_equal(kerr_str(INT32_MAX), "unknown error");
  assert_string_equal(kerr_str(INT32_MIN + 1), "unknown error");
}

/* Run fn in a child process; true if it returned normally. A sanitizer
 * report aborts the child, not this test program. */
static bool survives(void (*fn)(void)) {
  fflush(NULL);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    fn();
    _exit(0);
  }
  int status;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void name_int32_min(void) {
  if (strcmp(kerr_str(INT32_MIN), "unknown error") != 0)
    _exit(2);
}

/* Any kerr_t, even the most negative, has a name and no undefined
 * behaviour. */
static void test_kerr_str_int32_min(void **state) {
  (void)state;
  assert_true(survives(name_int32_min));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_printk_writes_to_console, setup),
      cmocka_unit_test_setup(test_printk_cuts_long_output, setup),
      cmocka_unit_test_setup(test_klog_levels, setup),
      cmocka_unit_test_setup(test_kpanic_halts, setup),
      cmocka_unit_test_setup(test_kassert, setup),
      cmocka_unit_test_setup(test_kerr_str, setup),
      cmocka_unit_test_setup(test_kerr_str_int32_min, setup),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
