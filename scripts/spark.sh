#!/usr/bin/env bash
# Sets up, once, what Spark needs to read the shared lake on S3 in the tests, and prints the folder of its jars:
# a Java 17 runtime (Debian's) and the s3a connector (hadoop-aws 3.3.1 and the AWS SDK bundle it was built
# against, which pyspark 3.5's Hadoop 3.3 client accepts). Spark would fetch those from Maven Central, which
# cannot be reached here: they are taken from a PyPI source archive that ships them, and checked by SHA-256.
# CINEPICKS_SPARK_JARS overrides the folder.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
jars="${CINEPICKS_SPARK_JARS:-$HOME/.cache/cinepicks/spark-jars}"
archive="sagemaker_pyspark-1.4.5"
declare -A sha256=(
  [hadoop-aws-3.3.1.jar]=6be50ad8a8b445d2802381b085b2a3ede5c29d353450a6a21f16b2fefa962b6e
  [aws-java-sdk-bundle-1.11.901.jar]=b87175b32a16544cc1b37cf40390eb375833e62bed67f8ce6cde4b7ad6429ead
)

if ! command -v java >/dev/null 2>&1; then
  echo "installing a Java 17 runtime for Spark" >&2
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq openjdk-17-jre-headless >/dev/null
fi

present() {
  for jar in "${!sha256[@]}"; do
    echo "${sha256[$jar]}  $jars/$jar" | sha256sum --check --status 2>/dev/null || return 1
  done
}

if ! present; then
  echo "fetching the s3a jars for Spark into $jars" >&2
  pip="$("$root/scripts/python-env.sh")/bin/pip"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  "$pip" download --quiet --disable-pip-version-check --no-deps --no-binary :all: "${archive/_pyspark-/_pyspark==}" -d "$work" >&2
  members=()
  for jar in "${!sha256[@]}"; do members+=("$archive/deps/jars/$jar"); done
  tar -xzf "$work/$archive.tar.gz" -C "$work" "${members[@]}"
  mkdir -p "$jars"
  for jar in "${!sha256[@]}"; do mv "$work/$archive/deps/jars/$jar" "$jars/$jar"; done
  present || { echo "the s3a jars do not have their expected SHA-256" >&2; exit 1; }
fi
echo "$jars"
