#!/bin/sh
# Run once by the postgres image, on an empty data volume, as the cluster superuser
# (POSTGRES_USER): it creates the two roles the portal uses (docs/operations.md,
# "Database roles"). The passwords come from the environment and have no default.
#
#   portal_owner  owns the database and its tables; only `migrate` connects as it.
#   portal_app    what web, worker and beat connect as: not a superuser, owns nothing;
#                 `manage.py grant_app_role` (run by migrate) gives it its rights.
set -eu
: "${PORTAL_DB_OWNER_PASSWORD:?set PORTAL_DB_OWNER_PASSWORD}"
: "${PORTAL_DB_APP_PASSWORD:?set PORTAL_DB_APP_PASSWORD}"

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v owner_password="$PORTAL_DB_OWNER_PASSWORD" \
    -v app_password="$PORTAL_DB_APP_PASSWORD" \
    -v db="$POSTGRES_DB" <<'SQL'
CREATE ROLE portal_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'owner_password';
CREATE ROLE portal_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD :'app_password';
ALTER DATABASE :"db" OWNER TO portal_owner;
ALTER SCHEMA public OWNER TO portal_owner;
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO portal_app;
SQL
