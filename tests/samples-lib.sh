# Sourced by the shell tests that read the real samples.
#
# The real samples are third-party text the repository does not hold
# (issue 18): they are read in place from $SAMPLES_DIR (tests/run-tests
# defaults it to ../shared/samples beside the checkout), and what is made
# from them (OOM log variants, report captures) is made by tests/run-tests
# into $SAMPLE_FIXTURES_DIR.  need_samples exits 77 (skip) saying why where
# they are absent, as in a fresh clone.
: "${SAMPLES_DIR:=$PWD/../shared/samples}"
: "${SAMPLE_FIXTURES_DIR:=${BUILD_DIR:-$PWD/build}/from-samples}"

need_samples() {
	if [ ! -d "$SAMPLES_DIR" ]; then
		echo "skip: no real samples at '$SAMPLES_DIR' (a fresh clone has none; set SAMPLES_DIR)"
		exit 77
	fi
	if [ ! -d "$SAMPLE_FIXTURES_DIR" ]; then
		echo "skip: no fixtures made from the samples at '$SAMPLE_FIXTURES_DIR' (run through tests/run-tests)"
		exit 77
	fi
}
