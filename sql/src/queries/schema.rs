//! Schema introspection normalised to comparable lines (columns, keys, foreign keys, indexes), so tests can
//! check that the reference DDL in `sql/ddl/` and the migrations build the same database.

use sea_orm::{ConnectionTrait, Statement};

use crate::connect::{Backend, Store};
use crate::error::{During, Result};

/// Tables that belong to the migration tool, not to the model.
const IGNORED_TABLES: [&str; 1] = ["seaql_migrations"];

impl Store {
    /// One sorted line per column, primary key, foreign key and index of every table of the model.
    pub async fn describe_schema(&self) -> Result<Vec<String>> {
        let mut lines = match self.backend() {
            Backend::Sqlite => describe_sqlite(self).await?,
            Backend::Postgres => describe_postgres(self).await?,
        };
        lines.sort();
        Ok(lines)
    }

    /// The tables of the model (without the migration tool's), sorted.
    pub async fn table_names(&self) -> Result<Vec<String>> {
        let sql = match self.backend() {
            Backend::Sqlite => {
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            }
            Backend::Postgres => {
                "SELECT table_name::text AS name FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
            }
        };
        let mut names: Vec<String> =
            strings(self, sql, "name").await?.into_iter().filter(|n| !IGNORED_TABLES.contains(&n.as_str())).collect();
        // Byte order whatever the database's collation (which may ignore the underscores).
        names.sort();
        Ok(names)
    }

    /// Runs a DDL script (several statements separated by semicolons).
    pub async fn execute_script(&self, sql: &str) -> Result<()> {
        let db = self.db();
        for statement in split_statements(sql) {
            db.execute_unprepared(&statement).await.during(format!("running DDL: {statement}"))?;
        }
        Ok(())
    }
}

/// Splits on semicolons at line ends, dropping `--` comments (the DDL files contain no procedural code).
fn split_statements(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in sql.lines() {
        let line = line.split("--").next().unwrap_or("").trim_end();
        if line.trim().is_empty() {
            continue;
        }
        current.push_str(line);
        current.push('\n');
        if line.ends_with(';') {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.trim().is_empty() {
        out.push(current);
    }
    out
}

async fn rows(store: &Store, sql: &str) -> Result<Vec<sea_orm::QueryResult>> {
    store
        .db()
        .query_all_raw(Statement::from_string(store.db_backend(), sql.to_owned()))
        .await
        .during(format!("introspecting the schema: {sql}"))
}

async fn strings(store: &Store, sql: &str, column: &str) -> Result<Vec<String>> {
    rows(store, sql).await?.iter().map(|r| r.try_get::<String>("", column).during("reading introspection")).collect()
}

async fn describe_sqlite(store: &Store) -> Result<Vec<String>> {
    let mut lines = Vec::new();
    for table in store.table_names().await? {
        for r in rows(
            store,
            &format!("SELECT name, type, \"notnull\" AS nn, dflt_value, pk FROM pragma_table_info('{table}')"),
        )
        .await?
        {
            let name: String = r.try_get("", "name").during("reading columns")?;
            let ty: String = r.try_get("", "type").during("reading columns")?;
            let not_null: i32 = r.try_get("", "nn").during("reading columns")?;
            let pk: i32 = r.try_get("", "pk").during("reading columns")?;
            let default: Option<String> = r.try_get("", "dflt_value").during("reading columns")?;
            let null = if not_null != 0 || pk != 0 { "NOT NULL" } else { "NULL" };
            let default = default.map(|d| format!(" DEFAULT {}", d.to_lowercase())).unwrap_or_default();
            let pk = if pk != 0 { format!(" PK#{pk}") } else { String::new() };
            lines.push(format!("{table}.{name} {} {null}{default}{pk}", ty.to_lowercase()));
        }
        for r in rows(store, &format!("SELECT \"table\" AS target, \"from\" AS col, \"to\" AS target_col, on_delete FROM pragma_foreign_key_list('{table}')")).await? {
            let target: String = r.try_get("", "target").during("reading foreign keys")?;
            let col: String = r.try_get("", "col").during("reading foreign keys")?;
            let target_col: String = r.try_get("", "target_col").during("reading foreign keys")?;
            let on_delete: String = r.try_get("", "on_delete").during("reading foreign keys")?;
            lines.push(format!("{table} FOREIGN KEY ({col}) REFERENCES {target}({target_col}) ON DELETE {}", on_delete.to_uppercase()));
        }
        for r in
            rows(store, &format!("SELECT name, \"unique\" AS uniq, origin, partial FROM pragma_index_list('{table}')"))
                .await?
        {
            let name: String = r.try_get("", "name").during("reading indexes")?;
            let unique: i32 = r.try_get("", "uniq").during("reading indexes")?;
            let origin: String = r.try_get("", "origin").during("reading indexes")?;
            let partial: i32 = r.try_get("", "partial").during("reading indexes")?;
            let columns =
                strings(store, &format!("SELECT name FROM pragma_index_info('{name}') ORDER BY seqno"), "name").await?;
            // Automatic indexes are named by position; their origin (pk or unique constraint) and columns say it all.
            let shown = if name.starts_with("sqlite_autoindex_") { format!("({origin})") } else { name };
            let kind = if unique != 0 { "UNIQUE INDEX" } else { "INDEX" };
            let partial = if partial != 0 { " WHERE …" } else { "" };
            lines.push(format!("{table} {kind} {shown} ({}){partial}", columns.join(", ")));
        }
    }
    Ok(lines)
}

async fn describe_postgres(store: &Store) -> Result<Vec<String>> {
    let mut lines = Vec::new();
    let columns = rows(
        store,
        "SELECT table_name::text AS t, column_name::text AS c, data_type::text AS ty, is_nullable::text AS n, \
         column_default::text AS d, is_identity::text AS ident FROM information_schema.columns \
         WHERE table_schema = current_schema() AND table_name <> 'seaql_migrations'",
    )
    .await?;
    for r in columns {
        let get = |c: &str| r.try_get::<String>("", c).during("reading columns");
        let default: Option<String> = r.try_get("", "d").during("reading columns")?;
        let null = if get("n")? == "NO" { "NOT NULL" } else { "NULL" };
        let default = default.map(|d| format!(" DEFAULT {d}")).unwrap_or_default();
        let identity = if get("ident")? == "YES" { " IDENTITY" } else { "" };
        lines.push(format!("{}.{} {} {null}{default}{identity}", get("t")?, get("c")?, get("ty")?));
    }
    let constraints = rows(
        store,
        "SELECT rel.relname::text AS t, con.conname::text AS name, pg_get_constraintdef(con.oid)::text AS def \
         FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid \
         JOIN pg_namespace ns ON ns.oid = rel.relnamespace \
         WHERE ns.nspname = current_schema() AND rel.relname <> 'seaql_migrations'",
    )
    .await?;
    for r in constraints {
        let get = |c: &str| r.try_get::<String>("", c).during("reading constraints");
        lines.push(format!("{} CONSTRAINT {} {}", get("t")?, get("name")?, get("def")?));
    }
    let indexes = rows(
        store,
        "SELECT tablename::text AS t, indexname::text AS name, indexdef::text AS def FROM pg_indexes \
         WHERE schemaname = current_schema() AND tablename <> 'seaql_migrations'",
    )
    .await?;
    for r in indexes {
        let get = |c: &str| r.try_get::<String>("", c).during("reading indexes");
        lines.push(format!("{} {}", get("t")?, get("def")?));
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_split_into_statements_without_comments() {
        let sql = "-- a comment\nCREATE TABLE a (x int); -- trailing\n\nCREATE INDEX i\n  ON a (x);\n";
        assert_eq!(split_statements(sql), vec!["CREATE TABLE a (x int);\n", "CREATE INDEX i\n  ON a (x);\n"]);
    }
}
