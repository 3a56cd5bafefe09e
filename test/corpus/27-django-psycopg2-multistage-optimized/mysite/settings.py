STATIC_ROOT = "/srv/mysite/static"
INSTALLED_APPS = ["django.contrib.staticfiles"]
STATIC_URL = "static/"
