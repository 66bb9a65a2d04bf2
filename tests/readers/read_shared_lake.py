"""Reads every table of shared cinepicks areas with the analysts' engines, and checks it against the manifest.

For each area (a prefix of the bucket holding `_current.json`), each Parquet file of the current version is read
by Apache Spark (pyspark, local mode, through s3a) and by DuckDB (through httpfs), from the object store and
from a local copy of the same version (a machine's mirror): row counts, column names in order and column type
families must be the manifest's. Used by tests/object_storage.rs; prints "N tables checked".

Usage: read_shared_lake.py --endpoint http://127.0.0.1:PORT --bucket B --area PREFIX --mirror DIR [--area ...]
Credentials: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (default "test", moto's). The s3a jars' folder comes from
CINEPICKS_SPARK_JARS (scripts/spark.sh prints it).
"""

import argparse
import json
import os
import sys
from pathlib import Path
from urllib.parse import urlparse

import boto3
import duckdb
import duckdb_extension_httpfs
from pyspark.sql import SparkSession


def family(arrow_type: str) -> str:
    """The manifest's Arrow type (as arrow-rs prints it) reduced to what every engine agrees on."""
    if arrow_type.startswith(("List", "LargeList", "FixedSizeList")):
        return "list"
    if arrow_type in ("Utf8", "LargeUtf8", "Utf8View"):
        return "string"
    if arrow_type.startswith(("Int", "UInt")):
        return "integer"
    if arrow_type.startswith(("Float", "Decimal")):
        return "number"
    if arrow_type.startswith("Timestamp"):
        return "timestamp"
    for prefix, name in (("Boolean", "boolean"), ("Date", "date"), ("Struct", "struct")):
        if arrow_type.startswith(prefix):
            return name
    return arrow_type


def spark_family(spark_type) -> str:
    name = spark_type.typeName()
    if name == "decimal":
        # Spark reads UInt64 as decimal(20,0).
        return "integer" if spark_type.scale == 0 else "number"
    return {
        "string": "string",
        "byte": "integer",
        "short": "integer",
        "integer": "integer",
        "long": "integer",
        "float": "number",
        "double": "number",
        "boolean": "boolean",
        "date": "date",
        "timestamp": "timestamp",
        "timestamp_ntz": "timestamp",
        "array": "list",
        "struct": "struct",
    }.get(name, name)


def duckdb_family(duck_type: str) -> str:
    if duck_type.endswith("]"):
        return "list"
    base = duck_type.split("(")[0]
    if base in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT"):
        return "integer"
    if base in ("FLOAT", "DOUBLE", "DECIMAL"):
        return "number"
    if base.startswith("TIMESTAMP"):
        return "timestamp"
    return {"VARCHAR": "string", "BOOLEAN": "boolean", "DATE": "date", "STRUCT": "struct"}.get(base, base)


def expected(table: dict) -> list:
    return [(c["name"], family(c["type"])) for c in table["columns"]]


def spark_session(endpoint: str) -> SparkSession:
    jars_dir = os.environ.get("CINEPICKS_SPARK_JARS")
    if not jars_dir:
        sys.exit("CINEPICKS_SPARK_JARS is not set: run scripts/spark.sh and export the folder it prints")
    jars = ",".join(str(p) for p in sorted(Path(jars_dir).glob("*.jar")))
    s3a = "spark.hadoop.fs.s3a."
    builder = (
        SparkSession.builder.master("local[1]")
        .appName("cinepicks-shared-lake")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.jars", jars)
        .config(s3a + "impl", "org.apache.hadoop.fs.s3a.S3AFileSystem")
        .config(s3a + "endpoint", endpoint)
        .config(s3a + "endpoint.region", os.environ.get("AWS_REGION", "us-east-1"))
        .config(s3a + "path.style.access", "true")
        .config(s3a + "connection.ssl.enabled", str(urlparse(endpoint).scheme == "https").lower())
        .config(s3a + "aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider")
        .config(s3a + "access.key", os.environ.get("AWS_ACCESS_KEY_ID", "test"))
        .config(s3a + "secret.key", os.environ.get("AWS_SECRET_ACCESS_KEY", "test"))
    )
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def duckdb_connection(endpoint: str):
    # httpfs from its PyPI package: DuckDB would otherwise download it from extensions.duckdb.org.
    con = duckdb.connect(config={"autoinstall_known_extensions": False})
    extension = next(Path(duckdb_extension_httpfs.__file__).parent.rglob("httpfs.duckdb_extension"))
    con.sql(f"LOAD '{extension}'")
    url = urlparse(endpoint)
    con.sql(
        f"""CREATE SECRET shared_lake (TYPE s3, KEY_ID '{os.environ.get("AWS_ACCESS_KEY_ID", "test")}',
            SECRET '{os.environ.get("AWS_SECRET_ACCESS_KEY", "test")}', REGION '{os.environ.get("AWS_REGION", "us-east-1")}',
            ENDPOINT '{url.netloc}', URL_STYLE 'path', USE_SSL {str(url.scheme == "https").lower()})"""
    )
    return con


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--bucket", required=True)
    parser.add_argument("--area", action="append", required=True, help="prefix of an area in the bucket")
    parser.add_argument("--mirror", action="append", required=True, help="local copy of the area's current version")
    args = parser.parse_args()
    if len(args.area) != len(args.mirror):
        sys.exit("give one --mirror per --area")

    s3 = boto3.client(
        "s3",
        endpoint_url=args.endpoint,
        aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", "test"),
        aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "test"),
        region_name=os.environ.get("AWS_REGION", "us-east-1"),
    )
    spark = spark_session(args.endpoint)
    con = duckdb_connection(args.endpoint)
    problems, checked = [], 0
    for area, mirror in zip(args.area, args.mirror):
        manifest = json.loads(s3.get_object(Bucket=args.bucket, Key=f"{area}/_current.json")["Body"].read())
        if Path(mirror).name != manifest["version"]:
            problems.append(f"{area}: the mirror {mirror} is not the current version {manifest['version']}")
        for file, entry in sorted(manifest["files"].items()):
            table = entry.get("table")
            if table is None:
                continue
            want = expected(table)
            places = {
                "store": (f"s3a://{args.bucket}/{area}/{manifest['prefix']}/{file}",
                          f"s3://{args.bucket}/{area}/{manifest['prefix']}/{file}"),
                "mirror": ((Path(mirror) / file).resolve().as_uri(), str(Path(mirror) / file)),
            }
            for place, (spark_url, duck_url) in places.items():
                frame = spark.read.parquet(spark_url)
                seen = {
                    "spark": (frame.count(), [(f.name, spark_family(f.dataType)) for f in frame.schema.fields]),
                    "duckdb": (
                        con.sql(f"SELECT count(*) FROM read_parquet('{duck_url}')").fetchone()[0],
                        [(name, duckdb_family(kind)) for name, kind, *_ in
                         con.sql(f"DESCRIBE SELECT * FROM read_parquet('{duck_url}')").fetchall()],
                    ),
                }
                for engine, (rows, columns) in seen.items():
                    if rows != table["rows"]:
                        problems.append(f"{area}/{file} ({engine}, {place}): {rows} rows, manifest {table['rows']}")
                    if columns != want:
                        problems.append(f"{area}/{file} ({engine}, {place}): columns {columns}, manifest {want}")
            checked += 1
            print(f"{area}/{file}: {table['rows']} rows, {len(want)} columns: same in Spark and DuckDB, store and mirror")
    spark.stop()
    for problem in problems:
        print("MISMATCH", problem)
    print(f"{checked} tables checked")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
