#!/usr/bin/env bash
# Starts a private PostgreSQL server for the tests (once; a no-op when it
# already runs) and prints its URL as the only line on stdout:
#
#   export TEST_DATABASE_URL=$(scripts/test-postgres.sh)
#
# The cluster lives in target/pg (data in target/pg/data, log in
# target/pg/log, unix socket in target/pg/run), listens on 127.0.0.1 only,
# port 54329 (LEKRADAR_TEST_PG_PORT to change it), and trusts every local
# connection: it is reachable from this machine only and holds test data
# only. It runs with fsync off (a crash may lose it; `rm -rf target/pg`
# and run this again). Installs PostgreSQL with apt-get when missing.
# Stop it with: scripts/test-postgres.sh --stop (scripts/test stops it at
# its end when it started it).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

# Progress to stderr; stdout is kept for the URL.
exec 3>&1 1>&2

port=${LEKRADAR_TEST_PG_PORT:-54329}
pg=$root/target/pg
data=$pg/data
sock=$pg/run
log=$pg/log
db=lekradar_test
url="postgres://postgres@127.0.0.1:$port/$db"

say() { echo "test-postgres: $*" >&2; }
die() { say "$*"; exit 1; }

[[ $port =~ ^[0-9]+$ ]] && ((port > 0 && port < 65536)) ||
    die "LEKRADAR_TEST_PG_PORT=$port is not a port number"

# The newest installed server binaries.
find_bindir() {
    local dir
    for dir in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -t/ -k5,5 -V -r); do
        if [[ -x $dir/initdb && -x $dir/pg_ctl && -x $dir/postgres ]]; then
            echo "$dir"
            return 0
        fi
    done
    return 1
}

if ! bindir=$(find_bindir); then
    say "no PostgreSQL server found under /usr/lib/postgresql; installing it with apt-get"
    if [[ $(id -u) -eq 0 ]]; then
        sudo=()
    elif command -v sudo >/dev/null; then
        sudo=(sudo)
    else
        die "install PostgreSQL (apt-get install postgresql) and run this again"
    fi
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq postgresql >&2
    bindir=$(find_bindir) || die "apt-get installed postgresql, but no server binaries are under /usr/lib/postgresql/*/bin"
fi
psql=$bindir/psql
[[ -x $psql ]] || psql=$(command -v psql) || die "psql not found (install postgresql-client)"

# initdb and the server refuse to run as root: as root, the cluster belongs
# to the postgres system user.
if [[ $(id -u) -eq 0 ]]; then
    if ! id postgres >/dev/null 2>&1; then
        say "creating the system user postgres"
        useradd --system --user-group --no-create-home --shell /usr/sbin/nologin postgres
    fi
    as_pg() { runuser -u postgres -- "$@"; }
else
    as_pg() { "$@"; }
fi

mkdir -p "$pg"
if [[ $(id -u) -eq 0 ]]; then
    chown postgres: "$pg"
    # The postgres user must be able to reach target/pg.
    as_pg test -x "$pg" ||
        die "user postgres cannot enter $pg; make the directories above it searchable (chmod o+x) or run as a non-root user"
fi
as_pg mkdir -p "$sock"

# One run at a time (two test runs starting together).
if command -v flock >/dev/null; then
    exec 9<"$pg"
    flock 9
fi

pg_q() { "$psql" -X -q -h 127.0.0.1 -p "$port" -U postgres -d "$1" -tA -v ON_ERROR_STOP=1 -c "$2"; }

# Ours when the server on the port serves our data directory.
ours_running() {
    local dir
    dir=$(pg_q postgres "SHOW data_directory" 2>/dev/null) || return 1
    [[ $dir -ef $data ]]
}

# `--stop`: stops our server (pg_ctl, by its postmaster.pid) if it runs;
# scripts/test does at its end when it started it.
if [[ ${1:-} == --stop ]]; then
    if ours_running; then
        say "stopping the test server (pid $(head -n 1 "$data/postmaster.pid" 2>/dev/null))"
        as_pg "$bindir/pg_ctl" -D "$data" -m fast -w -t 60 stop >&2 3>&- 9>&- || true
    fi
    exit 0
fi

# Servers of ours whose data directory was deleted under them (rm -rf
# target while the server ran): postmasters whose working directory is gone.
orphans() {
    local proc ppid
    for proc in /proc/[0-9]*; do
        [[ $(cat "$proc/comm" 2>/dev/null) == postgres ]] || continue
        [[ $(readlink "$proc/cwd" 2>/dev/null) == "$data (deleted)" ]] || continue
        ppid=$(awk '{print $4}' "$proc/stat" 2>/dev/null) || continue
        [[ $(cat "/proc/$ppid/comm" 2>/dev/null) == postgres ]] && continue
        echo "${proc#/proc/}"
    done
}

if ! ours_running; then
    for pid in $(orphans); do
        say "stopping the test server (pid $pid) whose data directory was deleted"
        kill -INT "$pid" 2>/dev/null || true
        for _ in $(seq 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
        kill -KILL "$pid" 2>/dev/null || true
    done
    if "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -t 2; then
        die "port $port already has a PostgreSQL server that is not ours ($data); set LEKRADAR_TEST_PG_PORT to a free port"
    fi

    if [[ -d $data && ! -s $data/PG_VERSION ]]; then
        say "removing the incomplete cluster in $data (an interrupted initdb)"
        rm -rf "$data"
    fi
    if [[ -s $data/PG_VERSION ]]; then
        major=$("$bindir/postgres" --version | sed -E 's/^[^0-9]*([0-9]+).*/\1/')
        if [[ $(cat "$data/PG_VERSION") != "$major" ]]; then
            say "the cluster in $data is from PostgreSQL $(cat "$data/PG_VERSION"), the server is $major; recreating it (test data only)"
            rm -rf "$data"
        fi
    fi
    if [[ ! -d $data ]]; then
        say "creating a test cluster in $data ($("$bindir/postgres" --version))"
        as_pg "$bindir/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C --no-sync >"$pg/initdb.log" 2>&1 ||
            { cat "$pg/initdb.log" >&2; die "initdb failed"; }
    fi

    # A server of ours still running on another port (LEKRADAR_TEST_PG_PORT
    # changed since), starting up or shutting down: stop it. A postmaster.pid
    # whose process is gone (or now another program) is stale: remove it.
    if [[ -f $data/postmaster.pid ]]; then
        pid=$(head -n 1 "$data/postmaster.pid")
        if [[ $pid =~ ^[0-9]+$ ]] && [[ $(cat "/proc/$pid/comm" 2>/dev/null) == postgres ]] &&
            [[ /proc/$pid/cwd -ef $data ]]; then
            say "stopping the test server (pid $pid) to restart it on port $port"
            as_pg "$bindir/pg_ctl" -D "$data" -m fast -w -t 60 stop >&2 || true
        else
            say "removing the stale $data/postmaster.pid of a server that is gone"
            rm -f "$data/postmaster.pid"
        fi
    fi
    rm -f "$sock"/.s.PGSQL.*
    # A unix socket path has at most 107 bytes; the tests use TCP anyway.
    sockets=$sock
    if ((${#sock} + 20 > 107)); then
        say "$sock is too long a path for a unix socket; the test server listens on TCP only"
        sockets=
    fi

    say "starting the test server on 127.0.0.1:$port (log: ${log#"$root"/})"
    if ! as_pg "$bindir/pg_ctl" -D "$data" -l "$log" -w -t 60 \
        -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories='$sockets' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >&2 3>&- 9>&-; then
        tail -n 20 "$log" >&2 || true
        die "the test server did not start; see ${log#"$root"/}"
    fi
    ours_running || die "the test server started but does not answer on 127.0.0.1:$port; see ${log#"$root"/}"
fi

if [[ -z $(pg_q postgres "SELECT 1 FROM pg_database WHERE datname = '$db'") ]]; then
    say "creating database $db"
    pg_q postgres "CREATE DATABASE $db" >/dev/null
fi

echo "$url" >&3
