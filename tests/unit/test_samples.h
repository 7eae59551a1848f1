/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_TEST_SAMPLES_H
#define MEMSNAP_TEST_SAMPLES_H
/*
 * Where the tests find the real samples and what is made from them.
 *
 * The real samples are third-party text (../shared/samples beside the
 * checkout, or $SAMPLES_DIR) that the repository does not hold; what is
 * made from them (the OOM log variants, the report captures) is made by
 * tests/run-tests at test time into $SAMPLE_FIXTURES_DIR.  Where they are
 * absent (a fresh clone), a test that needs them is skipped with a message,
 * never failed.  Include after <cmocka.h> and "common/util.h".
 */
#include <stdlib.h>
#include <sys/stat.h>

/* The folder named by $env (else dflt), or skip the test: call it before
 * allocating anything, a skip does not return. */
static inline const char *ts_dir(const char *env, const char *dflt)
{
	const char *dir = getenv(env);
	struct stat st;

	if (!dir || !*dir)
		dir = dflt;
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		print_message("skip: no real samples at '%s' (%s): a fresh clone "
			      "has none, set SAMPLES_DIR to run this test\n", dir, env);
		skip();
	}
	return dir;
}

/* The real samples, or skip the test. */
static inline const char *ts_samples_dir(void)
{
	return ts_dir("SAMPLES_DIR", "../shared/samples");
}

/* What tests/run-tests made from the samples, or skip the test. */
static inline const char *ts_made_dir(void)
{
	return ts_dir("SAMPLE_FIXTURES_DIR", "build/from-samples");
}

#endif
