#!/bin/sh
set -eu

# Volumes arrive owned by root: hand the uploads directory to the app user.
chown -R catalog:catalog /srv/uploads

gosu catalog python manage.py migrate --noinput

exec gosu catalog gunicorn catalog.wsgi \
    --bind 0.0.0.0:8000 \
    --workers 3 \
    --worker-tmp-dir /dev/shm
