#!/bin/sh
# Creates the app's database and user from MARIADB_DATABASE / MARIADB_USER / MARIADB_PASSWORD on
# every start (idempotent, and a changed password is applied), then execs the server so it is
# PID 1 and shuts down cleanly on SIGTERM. The SQL runs through --init-file, before the server
# accepts connections: nothing can connect before the user exists.
set -eu
: "${MARIADB_DATABASE:?set MARIADB_DATABASE}" "${MARIADB_USER:?set MARIADB_USER}" "${MARIADB_PASSWORD:?set MARIADB_PASSWORD}"

# A SQL string literal: backslashes doubled, single quotes doubled.
literal() { printf "'%s'" "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e "s/'/''/g")"; }
# An identifier: backticks doubled.
ident() { printf '`%s`' "$(printf '%s' "$1" | sed -e 's/`/``/g')"; }

db=$(ident "$MARIADB_DATABASE")
user=$(literal "$MARIADB_USER")
password=$(literal "$MARIADB_PASSWORD")
init=/run/mysqld/init.sql
umask 077
cat >"$init" <<SQL
CREATE DATABASE IF NOT EXISTS $db;
CREATE USER IF NOT EXISTS $user@'%' IDENTIFIED BY $password;
ALTER USER $user@'%' IDENTIFIED BY $password;
GRANT ALL PRIVILEGES ON $db.* TO $user@'%';
SQL
chown mysql:mysql "$init"
exec mariadbd --user=mysql --init-file="$init" "$@"
