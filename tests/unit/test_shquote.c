/* SPDX-License-Identifier: MIT */
/*
 * sh_quote(): every word it makes, run by /bin/sh (dash on Debian: no
 * $'...') and by bash, gives back the exact bytes, and shows no byte a
 * terminal acts on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/shquote.h"
#include "common/util.h"

static const char *const hostile[] = {
	"",
	"plain.tar.gz",
	"it's.db",
	"node-1'$(touch PWNED)'.tar.gz",
	"two '' quotes ''",
	"`touch PWNED` $HOME ${x} \\ \" ; & | < > * ? [a] ~ # !",
	"new\nline",
	"trailing newline\n\n",
	"\n",
	"tab\there",
	"esc \033[31mred\033[0m \a bell \r cr \x7f del",
	"\x01\x02",
	"bidi \xe2\x80\xae override \xc2\x9b c1 \xe2\x80\xa8",
	"invalid \xff\xfe utf-8 \xc3",
	"%s %d \\n printf-ish",
	"unicode ok: caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac",
	"-leading-dash",
	"'",
	"''",
};

/* Run `printf %s WORD` with shell `sh` and return what it printed. */
static char *run(const char *sh, const char *word, size_t *ret_len)
{
	char path[] = "/tmp/test_shquote.XXXXXX";
	struct strbuf cmd = STRBUF_INIT, out = STRBUF_INIT;
	FILE *f;
	int fd = mkstemp(path);
	char buf[4096];
	size_t n;

	assert_true(fd >= 0);
	strbuf_addf(&cmd, "printf %%s %s", word);
	assert_int_equal(write(fd, cmd.buf, cmd.len), (ssize_t)cmd.len);
	close(fd);
	strbuf_reset(&cmd);
	strbuf_addf(&cmd, "%s %s", sh, path);
	f = popen(cmd.buf, "r");
	assert_non_null(f);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&out, buf, n);
	assert_int_equal(pclose(f), 0);
	unlink(path);
	strbuf_release(&cmd);
	*ret_len = out.len;
	return strbuf_detach(&out, NULL);
}

static void check_shell(const char *sh)
{
	size_t i, j, len;

	for (i = 0; i < ARRAY_SIZE(hostile); i++) {
		struct strbuf q = STRBUF_INIT;
		char *got;

		sh_quote(&q, hostile[i], strlen(hostile[i]));
		for (j = 0; j < q.len; j++) {
			unsigned char b = (unsigned char)q.buf[j];

			/* printable ASCII, the newline, or valid UTF-8 text */
			if (b < 0x20 && b != '\n')
				fail_msg("'%s' shows control byte 0x%02x", q.buf, b);
			if (b == 0x7f)
				fail_msg("'%s' shows DEL", q.buf);
		}
		got = run(sh, q.buf, &len);
		if (len != strlen(hostile[i]) || memcmp(got, hostile[i], len))
			fail_msg("%s: %s gave back '%.*s'", sh, q.buf, (int)len, got);
		free(got);
		strbuf_release(&q);
	}
}

static void test_sh_quote_dash(void **state)
{
	(void)state;
	check_shell("/bin/sh");
}

static void test_sh_quote_bash(void **state)
{
	(void)state;
	if (access("/bin/bash", X_OK) != 0)
		skip();
	check_shell("/bin/bash");
}

static void test_sh_quote_shapes(void **state)
{
	struct strbuf q = STRBUF_INIT;

	(void)state;
	sh_quote(&q, "it's", 4);
	assert_string_equal(q.buf, "'it'\\''s'");
	strbuf_reset(&q);
	sh_quote(&q, "a\033b", 3);
	assert_string_equal(q.buf, "'a'\"$(printf '\\033')\"'b'");
	strbuf_reset(&q);
	sh_quote_path(&q, "-x.db");
	assert_string_equal(q.buf, "'./-x.db'");
	strbuf_reset(&q);
	sh_quote_path(&q, "/tmp/-x.db");
	assert_string_equal(q.buf, "'/tmp/-x.db'");
	strbuf_release(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sh_quote_shapes),
		cmocka_unit_test(test_sh_quote_dash),
		cmocka_unit_test(test_sh_quote_bash),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
