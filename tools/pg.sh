#!/bin/sh
# pg.sh start|stop|crash|status - the private PostgreSQL cluster of this checkout.
# crash stops it as a power cut would (pg_ctl stop -m immediate: no
# checkpoint, what was not flushed to the WAL is lost); the fault tests use it.
#
# The cluster lives in var/pg (data in data/, Unix socket in run/, no TCP).
# As root the server runs as the `postgres` user; when `postgres` cannot
# reach var/pg (a clone under a private folder) the cluster goes into a
# folder made with mktemp -d and owned by postgres.  Either way two files in
# var/ say where it is:
#   var/pghost   the socket directory (what sbyt uses as host= by default)
#   var/pgbase   the folder holding data/, run/ and server.log
# The bootstrap superuser has the invoking user's name and local trust
# authentication; the database `sbyt` is created on first start.
# SBYT_VAR puts var/ elsewhere (a second cluster: tests/t/0860) and
# SBYT_PG_SHARED_BUFFERS sizes a small one.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
var=${SBYT_VAR:-$top/var}
mkdir -p "$var"

pgbin=""
for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n -r); do
	[ -x "$d/initdb" ] && { pgbin=$d; break; }
done
[ -n "$pgbin" ] || pgbin=$(dirname "$(command -v initdb)")
me=$(id -un)

as_pg() {
	if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

base() {
	if [ -f "$var/pgbase" ] && [ -d "$(cat "$var/pgbase")" ]; then
		cat "$var/pgbase"; return
	fi
	b="$var/pg"
	mkdir -p "$b"
	if [ "$(id -u)" = 0 ]; then
		chown postgres "$b"
		if ! runuser -u postgres -- test -w "$b" 2>/dev/null; then
			rmdir "$b" 2>/dev/null || true
			b=$(mktemp -d /tmp/sbyt-pg.XXXXXX)
			chown postgres "$b"
		fi
	fi
	echo "$b" > "$var/pgbase"
	echo "$b"
}

start() {
	b=$(base)
	data="$b/data"; run="$b/run"
	echo "$run" > "$var/pghost"
	if [ ! -f "$data/PG_VERSION" ]; then
		as_pg mkdir -p "$data" "$run"
		as_pg "$pgbin/initdb" -D "$data" -U "$me" -A trust -E UTF8 \
			--locale=C.UTF-8 >"$var/initdb.log" 2>&1 || {
			cat "$var/initdb.log" >&2; exit 1; }
	fi
	# The settings of sbyt's cluster live in sbyt.conf, rewritten at every
	# start: a cluster made by an older checkout gets them too (restarted
	# when they changed).  shared_buffers holds a million accounts' tables
	# and indexes; max_wal_size and checkpoint_timeout keep checkpoints (and
	# the full-page images after each) rare: `make bench` at a million
	# accounts writes some 13 GB of WAL with its floors, and one checkpoint
	# starts about a minute in (at 32GB none did, and the cycle took the
	# same 50 s).
	# deadlock_timeout is also how long a job's lock or ANALYZE waits
	# before autovacuum, working on the same table, is cancelled: after
	# bill and docs wrote their million rows, autovacuum is vacuuming them
	# when the next job starts, and docs waited 1 s on obligation and 1 s
	# on payment, limit 1 s on the month's documents.
	grep -q "^include_if_exists = 'sbyt.conf'" "$data/postgresql.conf" ||
		echo "include_if_exists = 'sbyt.conf'" >>"$data/postgresql.conf"
	cat >"$data/sbyt.conf.new" <<CONF
listen_addresses = ''
unix_socket_directories = '$run'
shared_buffers = ${SBYT_PG_SHARED_BUFFERS:-2GB}
max_wal_size = 8GB
checkpoint_timeout = 30min
synchronous_commit = off
deadlock_timeout = 100ms
max_connections = 60
CONF
	changed=0
	cmp -s "$data/sbyt.conf.new" "$data/sbyt.conf" 2>/dev/null || changed=1
	mv "$data/sbyt.conf.new" "$data/sbyt.conf"
	chown "$(stat -c %U "$data")" "$data/sbyt.conf" 2>/dev/null || true
	if as_pg "$pgbin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
		# Restart it when its settings changed, or when a package upgrade
		# replaced the server's binary under it (its libraries no longer
		# match).
		pid=$(head -1 "$data/postmaster.pid" 2>/dev/null || true)
		if [ "$changed" = 1 ] || { [ -n "$pid" ] &&
			readlink "/proc/$pid/exe" 2>/dev/null | grep -q '(deleted)'; }; then
			as_pg "$pgbin/pg_ctl" -D "$data" -m fast -w restart -l "$b/server.log" >/dev/null
		fi
	else
		as_pg "$pgbin/pg_ctl" -D "$data" -l "$b/server.log" -w -t 60 start >/dev/null || {
			tail -20 "$b/server.log" >&2; exit 1; }
	fi
	if ! psql -X -q -h "$run" -d postgres -tAc "select 1 from pg_database where datname='sbyt'" | grep -q 1; then
		createdb -h "$run" sbyt
	fi
	echo "pg: private cluster running, socket in $run" >&2
}

stop() {
	[ -f "$var/pgbase" ] || return 0
	b=$(cat "$var/pgbase")
	[ -f "$b/data/PG_VERSION" ] || return 0
	as_pg "$pgbin/pg_ctl" -D "$b/data" -m fast -w stop >/dev/null 2>&1 || true
}

crash() {
	b=$(cat "$var/pgbase")
	as_pg "$pgbin/pg_ctl" -D "$b/data" -m immediate -w stop >/dev/null
}

case "${1:-status}" in
start) start ;;
stop) stop ;;
crash) crash ;;
status) b=$(base); as_pg "$pgbin/pg_ctl" -D "$b/data" status ;;
*) echo "usage: pg.sh start|stop|crash|status" >&2; exit 64 ;;
esac
