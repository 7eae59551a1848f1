/* SPDX-License-Identifier: MIT */
#include "common/shquote.h"

#include <string.h>

#include "common/banned.h"

void sh_quote(struct strbuf *sb, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;
	bool in_printf = false;

	strbuf_addch(sb, '\'');
	while (i < len) {
		uint32_t cp = 0;
		size_t n = utf8_decode(s + i, len - i, &cp);

		if (!n || (cp != '\n' && cp_is_control(cp))) {
			if (!in_printf)
				strbuf_addstr(sb, "'\"$(printf '");
			in_printf = true;
			n = n ? n : 1;
			for (k = 0; k < n; k++)
				strbuf_addf(sb, "\\%03o", p[i + k]);
			i += n;
			continue;
		}
		if (in_printf) {
			strbuf_addstr(sb, "')\"'");
			in_printf = false;
		}
		if (cp == '\'')
			strbuf_addstr(sb, "'\\''");
		else
			strbuf_add(sb, s + i, n);
		i += n;
	}
	if (in_printf)
		strbuf_addstr(sb, "')\"'");
	strbuf_addch(sb, '\'');
}

void sh_quote_path(struct strbuf *sb, const char *path)
{
	struct strbuf tmp = STRBUF_INIT;

	if (path[0] == '-')
		strbuf_addstr(&tmp, "./");
	strbuf_addstr(&tmp, path);
	sh_quote(sb, tmp.buf, tmp.len);
	strbuf_release(&tmp);
}
