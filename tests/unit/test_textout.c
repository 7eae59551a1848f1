/* SPDX-License-Identifier: MIT */
/*
 * reports/textout: the cut of escaped text to a width (term_fit) and the
 * table columns cut with it (table_set_max), which the fleet summary uses
 * to keep hostile names inside 100 columns.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "reports/textout.h"
#include "common/util.h"

static void test_term_fit_short_unchanged(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	assert_int_equal(term_fit(&sb, "node-a", 6, 10), 6);
	assert_string_equal(sb.buf, "node-a");
	strbuf_reset(&sb);
	assert_int_equal(term_fit(&sb, "node-a", 6, 6), 6);
	assert_string_equal(sb.buf, "node-a");
	strbuf_release(&sb);
}

static void test_term_fit_cut_with_ellipsis(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	assert_int_equal(term_fit(&sb, "abcdefgh", 8, 5), 5);
	assert_string_equal(sb.buf, "abcd\xe2\x80\xa6");
	strbuf_release(&sb);
}

/* never half a UTF-8 character; a wide character counts two columns */
static void test_term_fit_whole_characters(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	const char *s = "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9";      /* éééé */
	const char *wide = "\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad"; /* 中中中 */

	(void)state;
	assert_int_equal(term_fit(&sb, s, strlen(s), 3), 3);
	assert_string_equal(sb.buf, "\xc3\xa9\xc3\xa9\xe2\x80\xa6");
	strbuf_reset(&sb);
	assert_int_equal(term_fit(&sb, wide, strlen(wide), 4), 3);
	assert_string_equal(sb.buf, "\xe4\xb8\xad\xe2\x80\xa6");
	strbuf_release(&sb);
}

static char *print(const struct table *t)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	table_print(t, f, "unknown");
	assert_int_equal(fclose(f), 0);
	return buf;
}

/* a hostile cell is escaped, then cut: no raw escape, within its width */
static void test_table_set_max_cuts_escaped_cells(void **state)
{
	const char *row1[] = { "evil\x1b]0;pwned\x07<script>", "1" };
	const char *row2[] = { "a", NULL };
	struct table t;
	char *out;

	(void)state;
	table_init(&t, 2);
	table_set_header(&t, 0, "node", false);
	table_set_header(&t, 1, "n", true);
	table_set_max(&t, 0, 10);
	table_add_row(&t, row1, NULL);
	table_add_row(&t, row2, NULL);
	out = print(&t);
	assert_string_equal(out,
		"node" "              n\n"
		"----------  -------\n"
		"evil\\e]0;\xe2\x80\xa6        1\n"
		"a           unknown\n");
	free(out);
	table_free(&t);
}

/* without a maximum nothing is cut (memsnap sql --table) */
static void test_table_no_max_no_cut(void **state)
{
	const char *row[] = { "a-rather-long-cgroup-name" };
	struct table t;
	char *out;

	(void)state;
	table_init(&t, 1);
	table_set_header(&t, 0, "cgroup", false);
	table_add_row(&t, row, NULL);
	out = print(&t);
	assert_non_null(strstr(out, "a-rather-long-cgroup-name\n"));
	free(out);
	table_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_term_fit_short_unchanged),
		cmocka_unit_test(test_term_fit_cut_with_ellipsis),
		cmocka_unit_test(test_term_fit_whole_characters),
		cmocka_unit_test(test_table_set_max_cuts_escaped_cells),
		cmocka_unit_test(test_table_no_max_no_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
