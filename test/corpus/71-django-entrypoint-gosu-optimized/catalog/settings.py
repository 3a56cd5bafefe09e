import os

SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
DEBUG = False
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "localhost").split(",")
INSTALLED_APPS = ["django.contrib.contenttypes"]
ROOT_URLCONF = "catalog.urls"
MEDIA_ROOT = "/srv/uploads"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "/srv/uploads/db.sqlite3"}}
