SECRET_KEY = "x"
STATIC_ROOT = "static"
