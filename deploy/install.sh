#!/usr/bin/env bash
# Install or upgrade the production services on one Debian host (docs/operations-deploy.md).
#
#   sudo deploy/install.sh        run from the checkout (default /opt/ogi-warehouse)
#
# First run: creates the service user and data directories, copies deploy/warehouse.env.example
# to /etc/ogi-warehouse/warehouse.env and stops there, for you to set the PostgreSQL password and
# paths. Every later run (an upgrade too): the virtualenv from requirements.lock and the dbt
# manifest, deploy/dagster.yaml into $DAGSTER_HOME, `dagster instance migrate`, the two systemd
# units, then (re)starts them. It never touches the warehouse, the landing files or the database's
# contents beyond Dagster's schema migration.
set -euo pipefail

APP_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SERVICE_USER="${SERVICE_USER:-ogi}"
ENV_FILE="/etc/ogi-warehouse/warehouse.env"
UNITS=(ogi-dagster-webserver.service ogi-dagster-daemon.service)
UNIT_DIR=/etc/systemd/system

[[ $EUID -eq 0 ]] || { echo "install.sh: run as root (it creates a user and systemd units)" >&2; exit 1; }

as_service_user() {  # a command as the service user, in the checkout, with the services' environment
  runuser -u "$SERVICE_USER" -- bash -c 'set -a && . "$1" && set +a && cd "$2" && shift 2 && exec "$@"' \
    _ "$ENV_FILE" "$APP_DIR" "$@"
}

if ! id "$SERVICE_USER" >/dev/null 2>&1; then
  useradd --system --user-group --create-home --home-dir /var/lib/ogi-warehouse --shell /usr/sbin/nologin "$SERVICE_USER"
fi

if [[ ! -f $ENV_FILE ]]; then
  install -d -m 0750 -o root -g "$SERVICE_USER" "$(dirname "$ENV_FILE")"
  install -m 0640 -o root -g "$SERVICE_USER" "$APP_DIR/deploy/warehouse.env.example" "$ENV_FILE"
  echo "install.sh: wrote $ENV_FILE: set PGPASSWORD (and the paths), then run deploy/install.sh again"
  exit 0
fi
if grep -qx 'PGPASSWORD=change-me' "$ENV_FILE"; then
  echo "install.sh: $ENV_FILE still has PGPASSWORD=change-me: set the dagster role's password first" >&2
  exit 1
fi

# The directories the environment file names, owned by the service user
# shellcheck disable=SC1090
env_value() { (set -a && . "$ENV_FILE" && printenv "$1"); }
DAGSTER_HOME="$(env_value DAGSTER_HOME)"
for dir in "$DAGSTER_HOME" "$(env_value WAREHOUSE_LANDING_DIR)" "$(env_value WAREHOUSE_PUBLISH_DIR)" \
  "$(dirname "$(env_value WAREHOUSE_PATH)")"; do
  install -d -m 0750 -o "$SERVICE_USER" -g "$SERVICE_USER" "$dir"
done

# Stop the services before the code and the schema change under them (a run in progress stops too)
for unit in "${UNITS[@]}"; do
  systemctl stop "$unit" 2>/dev/null || true
done

# The instance: deploy/dagster.yaml as it is (every host-specific value comes from the environment).
# First, so that make and ogi-dagster find a dagster.yaml they did not write, and leave it alone.
install -m 0640 -o "$SERVICE_USER" -g "$SERVICE_USER" "$APP_DIR/deploy/dagster.yaml" "$DAGSTER_HOME/dagster.yaml"

# The virtualenv from requirements.lock and the dbt manifest, as the service user (make manifest);
# dbt writes dbt/target and dbt/logs in the checkout, so the service user owns it
chown -R "$SERVICE_USER:$SERVICE_USER" "$APP_DIR"
as_service_user make manifest

# Dagster's tables in PostgreSQL: created on the first run, migrated after a Dagster upgrade
as_service_user .venv/bin/dagster instance migrate

for unit in "${UNITS[@]}"; do
  sed -e "s|/opt/ogi-warehouse|$APP_DIR|g" -e "s|^User=ogi$|User=$SERVICE_USER|" \
    -e "s|^Group=ogi$|Group=$SERVICE_USER|" "$APP_DIR/deploy/$unit" >"$UNIT_DIR/$unit"
done
systemctl daemon-reload
systemctl enable --now "${UNITS[@]}"
systemctl --no-pager --lines=0 status "${UNITS[@]}"
