"""Reading memsnap's man pages (schema/man/) in the tests, in one place.

memsnap-views(7) is the one list of the public views: a .SS section named
like a view (lowercase, [a-z][a-z0-9_]*) is a public view, its .TP tags
its columns; the tags under .SH "INTERNAL VIEWS" name the internal ones;
a section "Table NAME" describes a table's columns.  t42-help-man.sh checks
the pages against the schema with these, t80-export-schema.sh takes its
list of exported views from public_views().

As a command:  python3 manpage.py public-views PAGE   prints the names of
the public views of memsnap-views(7), one a line, sorted.
"""
import re
import sys


def unroff(s):
    return s.replace("\\-", "-").replace('"', " ")


def man_sections(path):
    """{(.SH title, .SS title): [lines]}"""
    secs, sh, ss = {}, "", ""
    for line in open(path):
        line = line.rstrip("\n")
        if line.startswith(".SH "):
            sh, ss = line[4:].strip('"'), ""
        elif line.startswith(".SS "):
            ss = line[4:].strip('"')
        secs.setdefault((sh, ss), []).append(line)
    return secs


def tags(lines):
    """the tag line after each .TP"""
    return [lines[i + 1] for i, l in enumerate(lines[:-1]) if l == ".TP"]


def tag_names(lines):
    """the names the .TP tags list: '.B a, b\\_c' gives a and b_c"""
    names = []
    for t in tags(lines):
        names += [c.strip() for c in re.sub(r"^\.B ", "", t).replace("\\", "").split(",")]
    return names


def public_views(secs):
    """{view: [its columns as documented]} of memsnap-views(7)'s sections"""
    return {ss: tag_names(lines) for (sh, ss), lines in secs.items()
            if re.fullmatch(r"[a-z][a-z0-9_]*", ss)}


def internal_views(secs):
    """the views memsnap-views(7) names under INTERNAL VIEWS"""
    return set(tag_names(secs.get(("INTERNAL VIEWS", ""), [])))


def tables(secs):
    """{table: [its columns as documented]} of the "Table NAME" sections"""
    found = {}
    for (sh, ss), lines in secs.items():
        m = re.fullmatch(r"Table ([a-z][a-z0-9_]*)", ss)
        if m:
            found[m.group(1)] = tag_names(lines)
    return found


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "public-views":
        sys.exit("usage: manpage.py public-views PAGE")
    for v in sorted(public_views(man_sections(sys.argv[2]))):
        print(v)
