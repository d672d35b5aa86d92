#!/usr/bin/env bash
# Builds PostgreSQL's client tools (pg_dump, pg_restore) of one major version from Debian's own
# source package, for machines whose distribution ships an older client: pg_dump refuses to dump
# a server newer than itself, Debian 12 ships version 15, and the embedded server is 18.
#
#   deploy/build-pg-client.sh [major]      (default 18; about a minute on 2 cores)
#
# Installs into .tools/postgresql-<major>/ in this checkout (git-ignored), where
# `npm run admin -- backup|restore` looks first; PG_CLIENT_PREFIX overrides the place. Needs a
# C compiler, make, bison, flex and the OpenSSL and zlib headers (.ci/run installs them). On a
# server with a matching client from your distribution or from PostgreSQL's own packages, you do
# not need this: set PG_BIN_DIR to its bin directory, or let the CLI find it on PATH.
set -euo pipefail
MAJOR="${1:-18}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PREFIX="${PG_CLIENT_PREFIX:-$ROOT/.tools/postgresql-$MAJOR}"
if [ -x "$PREFIX/bin/pg_dump" ] && "$PREFIX/bin/pg_dump" --version | grep -q "PostgreSQL) $MAJOR\."; then
  echo "PostgreSQL $MAJOR client tools are already in $PREFIX/bin"
  exit 0
fi
for tool in cc make bison flex; do
  command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install build-essential bison flex libssl-dev zlib1g-dev" >&2; exit 1; }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Debian's source packages from the mirror this machine already uses; unstable carries
# the newest PostgreSQL majors (stable's apt lists stay untouched: all state lives in $work).
mirror="$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)"
[ -n "$mirror" ] || mirror="$(awk '$1 == "deb" { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)"
[ -n "$mirror" ] || { echo "cannot find the Debian mirror in /etc/apt" >&2; exit 1; }
mkdir -p "$work/lists/partial" "$work/cache/archives/partial"
printf 'Types: deb-src\nURIs: %s\nSuites: unstable\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$mirror" > "$work/src.sources"
apt_opts=(-o "Dir::Etc::SourceList=$work/src.sources" -o Dir::Etc::SourceParts=/dev/null -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache" -o APT::Sandbox::User=root)
echo "Fetching Debian's postgresql-$MAJOR source…"
apt-get "${apt_opts[@]}" -qq update
(cd "$work" && apt-get "${apt_opts[@]}" -qq source --download-only "postgresql-$MAJOR") || {
  echo "Debian has no postgresql-$MAJOR source package any more: install a PostgreSQL $MAJOR client another way and set PG_BIN_DIR" >&2; exit 1; }
tar -xf "$work"/postgresql-"$MAJOR"_*.orig.tar.* -C "$work"
src="$(find "$work" -maxdepth 1 -type d -name "postgresql-$MAJOR*" | head -1)"

echo "Building pg_dump and pg_restore into $PREFIX…"
cd "$src"
./configure --prefix="$PREFIX" --without-icu --without-readline --with-openssl --with-zlib >"$work/configure.log" 2>&1 || { tail -20 "$work/configure.log" >&2; exit 1; }
jobs="$(nproc 2>/dev/null || echo 2)"
{
  make -s -C src/backend generated-headers
  for dir in src/common src/port src/interfaces/libpq src/fe_utils src/bin/pg_dump; do make -s -j"$jobs" -C "$dir"; done
  make -s -C src/interfaces/libpq install
  make -s -C src/bin/pg_dump install
} >"$work/make.log" 2>&1 || { tail -30 "$work/make.log" >&2; exit 1; }
"$PREFIX/bin/pg_dump" --version
