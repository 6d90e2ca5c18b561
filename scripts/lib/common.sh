# Shared by the scripts in scripts/: locate the repository, install what a
# fresh Debian machine lacks, and run commands as the PostgreSQL server user.
# Source it; it defines functions and sets `repo`.

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

say() { printf '%s\n' "$*" >&2; }
die() { printf '%s: %s\n' "$(basename "$0")" "$*" >&2; exit 2; }

# The directory of PostgreSQL's server programs (initdb, pg_ctl, postgres).
pg_bindir() {
    local dir
    if command -v pg_config >/dev/null 2>&1; then
        dir=$(pg_config --bindir 2>/dev/null || true)
        if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then printf '%s\n' "$dir"; return 0; fi
    fi
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then printf '%s\n' "$dir"; return 0; fi
    return 1
}

# Installs Debian packages that are missing; nothing when all are there.
# Usage: ensure_packages PACKAGE...
ensure_packages() {
    local missing=() package
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    say "installing ${missing[*]} (apt-get)"
    local sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    if printf '%s\n' "${missing[@]}" | grep -qx 'postgresql'; then
        # Our scripts run a private cluster; keep Debian from creating and starting its own.
        "${sudo[@]}" mkdir -p /etc/postgresql-common
        if [ ! -f /etc/postgresql-common/createcluster.conf ]; then
            echo 'create_main_cluster = false' | "${sudo[@]}" tee /etc/postgresql-common/createcluster.conf >/dev/null
        fi
    fi
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# What building and testing tprm needs from Debian.
ensure_base_packages() {
    ensure_packages pkg-config libpq-dev postgresql postgresql-contrib
}

# Python with venv, for test tools from PyPI (schemathesis).
ensure_python() {
    command -v python3 >/dev/null 2>&1 || ensure_packages python3
    python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || ensure_packages python3-venv
}

# Fails with a clear message when there is no Swift toolchain.
ensure_swift() {
    command -v swift >/dev/null 2>&1 || die "no Swift toolchain on PATH: install Swift 6 (swift.org/install) and try again"
}

# Runs a command as the PostgreSQL server's user: Debian's `postgres` when we are root
# (PostgreSQL refuses to run as root), ourselves otherwise.
as_server_user() {
    if [ "$(id -u)" -eq 0 ]; then
        # From /, since the server user may not be allowed into the caller's directory.
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}
