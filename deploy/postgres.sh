#!/usr/bin/env bash
# A local PostgreSQL 15 with pgvector for cyberbrief: installed if missing, its data directory
# under the checkout (.postgres/), listening on 127.0.0.1 at a free port.
#   deploy/postgres.sh start    install if needed, initialise once, start; print the URL
#   deploy/postgres.sh url      the URL of the running server
#   deploy/postgres.sh running  exit 0 when the server is running
#   deploy/postgres.sh stop     stop the server (the data stays)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"

# As root the server runs as postgres, which must reach the data directory: a checkout it
# cannot enter (under /root, say) keeps its data in /var/tmp instead, one folder per checkout.
locate() {
  DATA="$ROOT/.postgres"
  if [ "$(id -u)" = 0 ] && id postgres >/dev/null 2>&1 \
      && ! runuser -u postgres -- test -x "$ROOT" 2>/dev/null; then
    DATA="/var/tmp/cyberbrief-postgres-$(echo "$ROOT" | md5sum | cut -c1-12)"
  fi
  CLUSTER="$DATA/cluster"
}
locate
PG_BIN=/usr/lib/postgresql/15/bin
PGVECTOR=0.8.0
PACKAGES=(postgresql-15 postgresql-server-dev-15)
USER_NAME=cyberbrief
DATABASE=cyberbrief

say() { echo "postgres.sh: $*" >&2; }

# Run a command as root: directly, through password-less sudo, or not at all (print it).
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo "$@"
  else
    say "this needs root; run it yourself, then run this again:"
    echo "    sudo $*" >&2
    exit 1
  fi
}

# The cluster runs as the postgres user when we are root (initdb refuses root), else as us.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

install_packages() {
  local missing=()
  for package in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$package")
  done
  [ ${#missing[@]} = 0 ] && return
  say "installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
}

# pgvector from Debian's trixie source package, through a sources list of its own: the
# system's package lists and packages are left as they are. Builds in about 15 s.
install_pgvector() {
  [ -f /usr/share/postgresql/15/extension/vector.control ] && return
  say "building pgvector $PGVECTOR from Debian's source package"
  local work
  work="$(mktemp -d)"
  mkdir -p "$work/lists/partial" "$work/src"
  echo "deb-src http://deb.debian.org/debian trixie main" >"$work/sources.list"
  local apt=(apt-get -qq -o "Dir::Etc::SourceList=$work/sources.list"
    -o Dir::Etc::SourceParts=/dev/null -o "Dir::State::Lists=$work/lists"
    -o APT::Sandbox::User=root)
  "${apt[@]}" update
  (cd "$work/src" && "${apt[@]}" source --download-only "pgvector=$PGVECTOR-1" >/dev/null)
  tar -xzf "$work/src/pgvector_$PGVECTOR.orig.tar.gz" -C "$work/src"
  make -s -C "$work/src/pgvector-$PGVECTOR" PG_CONFIG="$PG_BIN/pg_config" >/dev/null
  as_root make -s -C "$work/src/pgvector-$PGVECTOR" PG_CONFIG="$PG_BIN/pg_config" install \
    >/dev/null
  rm -rf "$work"
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

port() { cat "$DATA/port"; }

url() { echo "postgresql://$USER_NAME@127.0.0.1:$(port)/$DATABASE"; }

running() { [ -f "$DATA/port" ] && "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$(port)"; }

initialise() {
  [ -f "$CLUSTER/PG_VERSION" ] && return
  mkdir -p "$DATA"
  [ "$(id -u)" = 0 ] && chown postgres "$DATA"
  as_owner "$PG_BIN/initdb" -D "$CLUSTER" -U "$USER_NAME" --auth=trust -E UTF8 \
    --locale=C.UTF-8 >/dev/null
}

start() {
  install_packages
  install_pgvector
  locate  # the postgres user may be new
  initialise
  if running; then url; return; fi
  free_port >"$DATA/port"
  # Only 127.0.0.1, and the socket inside the data directory (no /var/run/postgresql needed).
  as_owner "$PG_BIN/pg_ctl" -D "$CLUSTER" -l "$DATA/server.log" -w -t 60 start \
    -o "-p $(port) -c listen_addresses=127.0.0.1 -k $DATA -c max_connections=200" >/dev/null \
    || { say "the server did not start; its log:"; tail -20 "$DATA/server.log" >&2; exit 1; }
  "$PG_BIN/psql" -q -h 127.0.0.1 -p "$(port)" -U "$USER_NAME" -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'" | grep -q 1 \
    || "$PG_BIN/createdb" -h 127.0.0.1 -p "$(port)" -U "$USER_NAME" "$DATABASE"
  "$PG_BIN/psql" -q -h 127.0.0.1 -p "$(port)" -U "$USER_NAME" -d "$DATABASE" \
    -c "CREATE EXTENSION IF NOT EXISTS vector" >/dev/null
  url
}

stop() {
  [ -f "$CLUSTER/postmaster.pid" ] || return 0
  as_owner "$PG_BIN/pg_ctl" -D "$CLUSTER" -m fast -w stop >/dev/null
}

case "${1:-}" in
  start) start ;;
  url) running && url ;;
  running) running ;;
  stop) stop ;;
  *) echo "usage: $0 start|url|running|stop" >&2; exit 2 ;;
esac
