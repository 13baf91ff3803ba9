#!/usr/bin/env bash
# Start a real WordPress (Debian bookworm's 6.1.x) on loopback only, filled
# with the WordPress Theme Unit Test data, and print its base URL on stdout.
#
# Idempotent: installs missing Debian packages, creates a private MariaDB
# instance (unix socket only, no TCP), installs WordPress, imports the WXR
# files, and starts `php -S 127.0.0.1:$WP_LOOPBACK_PORT`. Steps already done
# are skipped; a running instance is left running.
#
# Environment (all optional):
#   WP_LOOPBACK_PORT       port on 127.0.0.1 (default 8089)
#   WP_LOOPBACK_STATE      state dir (default ${TMPDIR:-/tmp}/wp-loopback-$PORT)
#   WP_LOOPBACK_WXR        colon-separated WXR files to import
#                          (default: data/themeunittestdata.wordpress.xml and
#                          data/64-block-test-data.xml and data/ssg-books.xml beside this script)
#   WP_LOOPBACK_PERMALINK  permalink structure (default /%year%/%monthnum%/%day%/%postname%/,
#                          the one the source site used, so rewritten links resolve)
#   WP_LOOPBACK_WORKERS    php -S worker processes (default 4)
#   WP_LOOPBACK_FRESH=1    wipe the state dir first (cold start)
#   WPL_REWRITE_LINKS=0    keep links to the source site in content as they are
#   WPL_THUMBNAILS=0       do not generate intermediate image sizes (faster)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PORT="${WP_LOOPBACK_PORT:-8089}"
HOST=127.0.0.1
BASE="http://$HOST:$PORT"
STATE="${WP_LOOPBACK_STATE:-${TMPDIR:-/tmp}/wp-loopback-$PORT}"
WXR="${WP_LOOPBACK_WXR:-$HERE/data/themeunittestdata.wordpress.xml:$HERE/data/64-block-test-data.xml:$HERE/data/ssg-books.xml}"
PERMALINK="${WP_LOOPBACK_PERMALINK:-/%year%/%monthnum%/%day%/%postname%/}"
WORKERS="${WP_LOOPBACK_WORKERS:-4}"
ADMIN_USER=admin
ADMIN_PASS=admin-password
DB_NAME=wordpress
DB_USER=wp
DB_PASS=wp-loopback

T0=$EPOCHREALTIME
log() { printf '[wp-loopback %6s s] %s\n' "$(awk -v a="$EPOCHREALTIME" -v b="$T0" 'BEGIN{printf "%.1f", a-b}')" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

case "$PORT" in ''|*[!0-9]*) die "WP_LOOPBACK_PORT must be a number" ;; esac

if [ "${WP_LOOPBACK_FRESH:-0}" = 1 ] && [ -d "$STATE" ]; then
    log "WP_LOOPBACK_FRESH=1: stopping and wiping $STATE"
    WP_LOOPBACK_STATE="$STATE" WP_LOOPBACK_PORT="$PORT" "$HERE/stop.sh" >&2 || true
    rm -rf "$STATE"
fi
mkdir -p "$STATE/run" "$STATE/log"
STATE="$(cd "$STATE" && pwd)"
SOCK="$STATE/run/mysql.sock"
[ "${#SOCK}" -lt 100 ] || die "state dir path too long for a unix socket: $SOCK"

# ---------------------------------------------------------------- packages
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
PKGS="php-cli php-mysql php-gd php-xml php-mbstring php-getid3 libjs-cropper libjs-underscore mariadb-server mariadb-client ca-certificates curl"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
    log "installing Debian packages:$missing"
    export DEBIAN_FRONTEND=noninteractive
    # mariadb-server's postinst must not start the system-wide server: on
    # Docker-like machines /usr/sbin/policy-rc.d already says so; we never use
    # the system instance anyway (we run our own, socket only, below).
    if ! $SUDO apt-get install -y -o DPkg::Lock::Timeout=300 --no-install-recommends $missing >"$STATE/log/apt.log" 2>&1; then
        $SUDO apt-get update -o DPkg::Lock::Timeout=300 >>"$STATE/log/apt.log" 2>&1
        $SUDO apt-get install -y -o DPkg::Lock::Timeout=300 --no-install-recommends $missing >>"$STATE/log/apt.log" 2>&1 \
            || die "apt-get install failed, see $STATE/log/apt.log"
    fi
    log "packages installed"
fi

# ---------------------------------------------------------------- WordPress code
# A private copy of Debian's /usr/share/wordpress, so that we own wp-config.php
# and wp-content/ (uploads) and touch nothing under /etc or /usr. The package
# itself is only downloaded and unpacked (not installed), because installing it
# pulls in apache2, which would listen on all interfaces on a machine with an
# init system.
ROOT="$STATE/root"
DOCROOT="$ROOT/usr/share/wordpress"
if [ ! -f "$DOCROOT/wp-settings.php" ]; then
    rm -rf "$ROOT"
    mkdir -p "$ROOT/usr/share"
    if [ -f /usr/share/wordpress/wp-settings.php ] && [ -d /usr/share/wordpress/wp-content/themes/twentytwentythree ]; then
        log "copying the installed /usr/share/wordpress"
        cp -a /usr/share/wordpress "$ROOT/usr/share/wordpress"
    else
        log "downloading and unpacking Debian's wordpress package"
        mkdir -p "$STATE/debs"
        chmod 777 "$STATE/debs" 2>/dev/null || true
        ( cd "$STATE/debs" && apt-get download wordpress wordpress-theme-twentytwentythree >"$STATE/log/apt-download.log" 2>&1 ) \
            || { $SUDO apt-get update -o DPkg::Lock::Timeout=300 >>"$STATE/log/apt-download.log" 2>&1;
                 ( cd "$STATE/debs" && apt-get download wordpress wordpress-theme-twentytwentythree >>"$STATE/log/apt-download.log" 2>&1 ); } \
            || die "apt-get download failed, see $STATE/log/apt-download.log"
        for deb in "$STATE"/debs/*.deb; do dpkg-deb -x "$deb" "$STATE/pkgroot"; done
        mv "$STATE/pkgroot/usr/share/wordpress" "$DOCROOT"
        rm -rf "$STATE/pkgroot" "$STATE/debs"
    fi
    # The package's relative symlinks (../../../php/getid3, ../../javascript/...)
    # must keep resolving to the system copies.
    ln -sfn /usr/share/php "$ROOT/usr/share/php"
    ln -sfn /usr/share/javascript "$ROOT/usr/share/javascript"
    rm -f "$DOCROOT/.htaccess" "$DOCROOT/wp-config.php"
    mkdir -p "$DOCROOT/wp-content/uploads" "$DOCROOT/wp-content/mu-plugins"
fi
DOCROOT="$(cd "$DOCROOT" && pwd)"

if [ ! -f "$STATE/salts.php" ]; then
    php -r 'foreach (["AUTH_KEY","SECURE_AUTH_KEY","LOGGED_IN_KEY","NONCE_KEY","AUTH_SALT","SECURE_AUTH_SALT","LOGGED_IN_SALT","NONCE_SALT"] as $k) printf("define(%s, %s);\n", var_export($k, true), var_export(bin2hex(random_bytes(32)), true));' > "$STATE/salts.php"
fi
cat > "$DOCROOT/wp-config.php" <<EOF
<?php
// Written by wp-loopback start.sh. Private MariaDB over a unix socket only.
define( 'DB_NAME', '$DB_NAME' );
define( 'DB_USER', '$DB_USER' );
define( 'DB_PASSWORD', '$DB_PASS' );
define( 'DB_HOST', 'localhost:$SOCK' );
define( 'DB_CHARSET', 'utf8mb4' );
define( 'DB_COLLATE', '' );
$(sed 's/^/ /' "$STATE/salts.php")
\$table_prefix = 'wp_';
define( 'WP_HOME', '$BASE' );
define( 'WP_SITEURL', '$BASE' );
define( 'WP_ENVIRONMENT_TYPE', 'local' );   // application passwords over plain http
define( 'WP_DEBUG', false );
define( 'WP_DEBUG_LOG', '$STATE/log/wp-debug.log' );
define( 'DISABLE_WP_CRON', true );          // no loopback HTTP calls to wp-cron.php
define( 'WP_HTTP_BLOCK_EXTERNAL', true );   // no outgoing HTTP (oEmbed, updates, ...)
define( 'AUTOMATIC_UPDATER_DISABLED', true );
define( 'WP_AUTO_UPDATE_CORE', false );
define( 'FS_METHOD', 'direct' );
if ( ! defined( 'ABSPATH' ) ) {
    define( 'ABSPATH', __DIR__ . '/' );
}
require_once ABSPATH . 'wp-settings.php';
EOF
cp "$HERE/php/mu-plugin.php" "$DOCROOT/wp-content/mu-plugins/wp-loopback.php"

# ---------------------------------------------------------------- MariaDB
DATADIR="$STATE/mysql"
MYSQL=(mariadb --no-defaults --socket="$SOCK" -uroot)
mariadb_running() {
    local pid
    [ -f "$STATE/run/mariadb.pid" ] || return 1
    pid=$(cat "$STATE/run/mariadb.pid" 2>/dev/null) || return 1
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q -- "--datadir=$DATADIR"
}
if [ ! -d "$DATADIR/mysql" ]; then
    log "initialising MariaDB data dir"
    rm -rf "$DATADIR"
    mariadb-install-db --no-defaults --user="$(id -un)" --datadir="$DATADIR" \
        --auth-root-authentication-method=socket --skip-test-db \
        --innodb-log-file-size=16M >"$STATE/log/mariadb-install.log" 2>&1 \
        || die "mariadb-install-db failed, see $STATE/log/mariadb-install.log"
fi
if ! mariadb_running; then
    log "starting MariaDB (socket only, no TCP)"
    setsid /usr/sbin/mariadbd --no-defaults --user="$(id -un)" --datadir="$DATADIR" \
        --socket="$SOCK" --pid-file="$STATE/run/mariadb.pid" --skip-networking \
        --log-error="$STATE/log/mariadb.err" --innodb-log-file-size=16M \
        --innodb-buffer-pool-size=128M --character-set-server=utf8mb4 \
        --collation-server=utf8mb4_unicode_ci </dev/null >/dev/null 2>&1 &
    for _ in $(seq 1 300); do
        "${MYSQL[@]}" -e 'SELECT 1' >/dev/null 2>&1 && break
        sleep 0.1
    done
    "${MYSQL[@]}" -e 'SELECT 1' >/dev/null 2>&1 || die "MariaDB did not come up, see $STATE/log/mariadb.err"
fi

# ---------------------------------------------------------------- install + import
if [ ! -f "$STATE/imported" ]; then
    log "creating database and installing WordPress"
    "${MYSQL[@]}" <<EOF
DROP DATABASE IF EXISTS \`$DB_NAME\`;
CREATE DATABASE \`$DB_NAME\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASS';
GRANT ALL PRIVILEGES ON \`$DB_NAME\`.* TO '$DB_USER'@'localhost';
FLUSH PRIVILEGES;
EOF
    rm -rf "$DOCROOT/wp-content/uploads" && mkdir -p "$DOCROOT/wp-content/uploads"
    php "$HERE/php/wp-install.php" "$DOCROOT" "$BASE" "$PERMALINK" "$ADMIN_USER" "$ADMIN_PASS" \
        >"$STATE/install.out" 2>"$STATE/log/install.log" || { cat "$STATE/log/install.log" >&2; die "wp-install.php failed"; }
    IFS=: read -r -a wxr_files <<<"$WXR"
    for f in "${wxr_files[@]}"; do [ -f "$f" ] || die "WXR file not found: $f"; done
    log "importing ${#wxr_files[@]} WXR file(s)"
    php "$HERE/php/import-wxr.php" "$DOCROOT" "$BASE" "${wxr_files[@]}" \
        >"$STATE/import.out" 2>"$STATE/log/import.log" || { tail -20 "$STATE/log/import.log" >&2; die "import-wxr.php failed"; }
    sed 's/^/    /' "$STATE/import.out" >&2
    touch "$STATE/imported"
fi

# ---------------------------------------------------------------- web server
php_running() {
    local pid
    [ -f "$STATE/run/php-server.pid" ] || return 1
    pid=$(cat "$STATE/run/php-server.pid" 2>/dev/null) || return 1
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q -- "-S $HOST:$PORT"
}
if ! php_running; then
    if curl -s -o /dev/null --max-time 2 "$BASE/"; then
        die "something else already answers on $BASE (not started by this script)"
    fi
    log "starting php -S $HOST:$PORT ($WORKERS workers)"
    # setsid: the server and its workers get their own process group, which
    # stop.sh signals as a whole.
    PHP_CLI_SERVER_WORKERS="$WORKERS" setsid php -d memory_limit=256M -d upload_max_filesize=64M -d post_max_size=64M \
        -S "$HOST:$PORT" -t "$DOCROOT" "$HERE/php/router.php" \
        </dev/null >>"$STATE/log/php-server.log" 2>&1 &
    echo $! > "$STATE/run/php-server.pid"
fi
for _ in $(seq 1 100); do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$BASE/wp-json/" || true)
    [ "$code" = 200 ] && break
    sleep 0.1
done
[ "$code" = 200 ] || die "WordPress does not answer on $BASE/wp-json/ (HTTP $code), see $STATE/log/php-server.log"

APP_PASS=$(sed -n 's/^application password: //p' "$STATE/install.out" 2>/dev/null || true)
cat > "$STATE/env" <<EOF
WP_BASE_URL=$BASE
WP_ADMIN_USER=$ADMIN_USER
WP_ADMIN_PASSWORD=$ADMIN_PASS
WP_APP_PASSWORD='$APP_PASS'
WP_DOCROOT=$DOCROOT
WP_STATE=$STATE
EOF
log "ready: $BASE (REST: $BASE/wp-json/wp/v2/ ; admin: $ADMIN_USER / $ADMIN_PASS ; app password in $STATE/env)"
echo "$BASE"
