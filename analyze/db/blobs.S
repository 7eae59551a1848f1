/*
 * Files built into bin/memsnap: the SQL schema (the .sql files of schema/ concatenated in
 * name order by the Makefile), the empty database made from it (whole, and as the
 * loader makes a new file), and the HTML report's stylesheet and script.
 * Each blob is followed by a NUL so it can be used as a C string; the
 * _end symbol points at that NUL.
 */
	.section .rodata
	.balign 16

	.global memsnap_schema_sql
	.global memsnap_schema_sql_end
memsnap_schema_sql:
	.incbin "schema.sql"
memsnap_schema_sql_end:
	.byte 0

	/* the empty database and its objects, made by analyze/db/image/mkimage.c */
	.global memsnap_schema_img
	.global memsnap_schema_img_end
memsnap_schema_img:
	.incbin "schema.img"
memsnap_schema_img_end:
	.byte 0

	/* a new database file's: the image without the views the loader does
	   not read, and those views (mkimage.c) */
	.global memsnap_schema_writer_img
	.global memsnap_schema_writer_img_end
memsnap_schema_writer_img:
	.incbin "schema.writer.img"
memsnap_schema_writer_img_end:
	.byte 0

	.global memsnap_schema_rest
	.global memsnap_schema_rest_end
memsnap_schema_rest:
	.incbin "schema.rest"
memsnap_schema_rest_end:
	.byte 0

	.global memsnap_schema_objects
	.global memsnap_schema_objects_end
memsnap_schema_objects:
	.incbin "schema.objects"
memsnap_schema_objects_end:
	.byte 0

	.global memsnap_report_css
	.global memsnap_report_css_end
memsnap_report_css:
	.incbin "report.css"
memsnap_report_css_end:
	.byte 0

	.global memsnap_report_js
	.global memsnap_report_js_end
memsnap_report_js:
	.incbin "report.js"
memsnap_report_js_end:
	.byte 0

	.section .note.GNU-stack,"",@progbits
