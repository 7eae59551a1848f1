/* SPDX-License-Identifier: MIT */
/*
 * `memsnap export --ddl clickhouse` (export.h).  Written for ClickHouse
 * 18.16 (Debian 12's clickhouse-server) and later: MergeTree with an ORDER
 * BY clause, Nullable() for the columns that may be NULL (they stay NULL
 * in JSONEachRow), and no ON CLUSTER (that needs ZooKeeper): the DDL is run
 * on every server of the cluster.  t82-export-clickhouse.sh runs it.
 */
#include "analyze/export/export.h"

#include "common/banned.h"

static const char *ch_type(enum export_type t)
{
	return t == EXPORT_INTEGER ? "Int64" : t == EXPORT_FLOAT ? "Float64" :
	       "String";
}

void export_ddl_clickhouse(const struct export_view *const *views, size_t nviews,
			   const char *database, const char *cluster, struct strbuf *out)
{
	size_t i, j;

	strbuf_addf(out, "-- memsnap %s: one MergeTree table VIEW_local per "
		    "public view on every server,\n-- and a Distributed table "
		    "VIEW over cluster '%s', sharded by capture_uid so\n-- that "
		    "one capture's rows stay on one shard.  Load the NDJSON "
		    "export into VIEW\n-- (FORMAT JSONEachRow).\n",
		    MEMSNAP_VERSION, cluster);
	strbuf_addf(out, "CREATE DATABASE IF NOT EXISTS `%s`;\n", database);
	for (i = 0; i < nviews; i++) {
		const struct export_view *v = views[i];
		strbuf_addf(out, "\nCREATE TABLE IF NOT EXISTS `%s`.`%s_local` (\n"
			    "    `" EXPORT_UID_COLUMN "` String", database, v->name);
		for (j = 0; j < v->ncols; j++) {
			const struct export_column *c = &v->cols[j];

			strbuf_addf(out, ",\n    `%s` %s%s%s", c->name,
				    c->not_null ? "" : "Nullable(", ch_type(c->type),
				    c->not_null ? "" : ")");
		}
		strbuf_addf(out, "\n) ENGINE = MergeTree() ORDER BY (`"
			    EXPORT_UID_COLUMN "`, `capture_id`);\n");
		strbuf_addf(out, "CREATE TABLE IF NOT EXISTS `%s`.`%s` AS `%s`.`%s_local`\n"
			    "    ENGINE = Distributed(`%s`, `%s`, `%s_local`, "
			    "cityHash64(`" EXPORT_UID_COLUMN "`));\n",
			    database, v->name, database, v->name, cluster,
			    database, v->name);
	}
}
