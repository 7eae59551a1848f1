/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_REPORT_SHA256_H
#define MEMSNAP_REPORT_SHA256_H
/*
 * SHA-256 (FIPS 180-4), for the HTML report's Content-Security-Policy:
 * the page allows exactly its own inline <style> and <script> by hash, so
 * markup that escaped the HTML writer could still not run a script.
 */
#include <stddef.h>
#include <stdint.h>

#include "common/util.h"

void sha256(const void *data, size_t len, uint8_t ret[32]);
/* "sha256-<base64>" as a CSP source expression, appended to out. */
void csp_hash(struct strbuf *out, const char *data, size_t len);

#endif
