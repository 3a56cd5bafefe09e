import django
import psycopg2
from django.http import JsonResponse


def health(request):
    return JsonResponse({"status": "ok", "django": django.get_version(), "psycopg2": psycopg2.__version__.split()[0]})
