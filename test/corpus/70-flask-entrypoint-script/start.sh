#!/bin/sh
set -e

echo "upgrading the database"
flask db upgrade

flask run --host 0.0.0.0 --port 5000
