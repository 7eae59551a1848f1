/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_BLOBS_H
#define MEMSNAP_BLOBS_H
/* Files built into the binary by analyze/blobs.S; each is NUL-terminated. */
extern const char memsnap_schema_sql[], memsnap_schema_sql_end[];
extern const char memsnap_schema_img[], memsnap_schema_img_end[];
extern const char memsnap_schema_writer_img[], memsnap_schema_writer_img_end[];
extern const char memsnap_schema_rest[], memsnap_schema_rest_end[];
extern const char memsnap_schema_objects[], memsnap_schema_objects_end[];
extern const char memsnap_report_css[], memsnap_report_css_end[];
extern const char memsnap_report_js[], memsnap_report_js_end[];
#endif
