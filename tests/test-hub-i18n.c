/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-hub-i18n.c: foyer-hub speaks Chinese under LANGUAGE=zh_CN (help, messages, errors), and
 * English otherwise; what scripts read (the enrollment code on the last line) stays the same. */
#include "config.h"

#include <gio/gio.h>

#include "foyer-enroll-code.h"
#include "foyer-hub-test-util.h"
#include "foyer-test-util.h"

/* Runs foyer-hub ARGS… with LANGUAGE=language (NULL: unset) in a C.UTF-8 locale; exit status. */
static int
run_hub (const char *language, char **out, char **err, const char * const *args)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  g_subprocess_launcher_setenv (launcher, "LANG", "C.UTF-8", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "LC_ALL");
  g_subprocess_launcher_unsetenv (launcher, "LC_MESSAGES");
  if (language != NULL)
    g_subprocess_launcher_setenv (launcher, "LANGUAGE", language, TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "LANGUAGE");
  g_ptr_array_add (argv, (char *) g_getenv ("FOYER_HUB"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, out, err, &error);
  g_assert_no_error (error);
  return g_subprocess_get_exit_status (process);
}

static void
test_help (void)
{
  const char *args[] = { "--help", NULL };
  const char *device_args[] = { "device", "add", "--help", NULL };
  g_autofree char *out = NULL, *err = NULL, *en = NULL, *en_err = NULL;
  g_autofree char *dev = NULL, *dev_err = NULL;

  g_assert_cmpint (run_hub ("zh_CN", &out, &err, args), ==, 0);
  g_assert_nonnull (strstr (out, "用法：foyer-hub [--config 文件] 命令 [选项…]"));
  g_assert_nonnull (strstr (out, "运行供终端同步的总部服务"));
  g_assert_nonnull (strstr (out, "运行“foyer-hub 命令 --help”查看某个命令的选项。"));
  g_assert_null (strstr (out, "Run the service"));

  g_assert_cmpint (run_hub ("zh_CN", &dev, &dev_err, device_args), ==, 0);
  g_assert_nonnull (strstr (dev, "添加设备并输出其一次性接入码"));
  g_assert_nonnull (strstr (dev, "该设备打印现场登记胸卡"));

  g_assert_cmpint (run_hub (NULL, &en, &en_err, args), ==, 0);
  g_assert_nonnull (strstr (en, "Run the service kiosks sync with"));
  g_assert_null (strstr (en, "运行"));
}

static void
test_messages (void)
{
  FoyerTestHub *hub = foyer_test_hub_new (NULL, "max-queue=oops");
  const char *unknown[] = { "frobnicate", NULL };
  const char *check[] = { "--config", hub->conf, "config", "--check", NULL };
  g_autofree char *out = NULL, *err = NULL, *out2 = NULL, *err2 = NULL;

  g_assert_cmpint (run_hub ("zh_CN", &out, &err, unknown), !=, 0);
  g_assert_nonnull (strstr (err, "foyer-hub：未知命令“frobnicate”"));

  /* A configuration error names the file, the line and the key, in Chinese. */
  g_assert_cmpint (run_hub ("zh_CN", &out2, &err2, check), !=, 0);
  g_assert_nonnull (strstr (err2, "[hub] max-queue 必须是 1 到 100000 之间的整数，而不是“oops”"));
  foyer_test_hub_free (hub);
}

static void
test_device_add (void)
{
  FoyerTestHub *hub = foyer_test_hub_new (NULL, NULL);
  const char *event[] = { "--config", hub->conf, "event", "add", "expo", NULL };
  const char *device[] = { "--config", hub->conf, "device", "add", "gate-1", "--event", "expo",
                           NULL };
  g_autofree char *out = NULL, *err = NULL, *out2 = NULL, *err2 = NULL;
  g_auto(GStrv) lines = NULL;
  guint n;

  g_assert_cmpint (run_hub ("zh_CN", &out, &err, event), ==, 0);
  g_assert_nonnull (strstr (out, "已添加展会 expo。"));
  g_assert_cmpint (run_hub ("zh_CN", &out2, &err2, device), ==, 0);
  /* The positional arguments of the translation put device and event in their places. */
  g_assert_nonnull (strstr (out2, "已为展会 expo 添加设备 gate-1。"));
  /* Scripts still find the code alone on the last line. */
  lines = g_strsplit (g_strstrip (out2), "\n", -1);
  n = g_strv_length (lines);
  g_assert_true (g_str_has_prefix (lines[n - 1], FOYER_ENROLL_CODE_PREFIX));
  foyer_test_hub_free (hub);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/hub-i18n/help", test_help);
  g_test_add_func ("/hub-i18n/messages", test_messages);
  g_test_add_func ("/hub-i18n/device-add", test_device_add);
  return g_test_run ();
}
