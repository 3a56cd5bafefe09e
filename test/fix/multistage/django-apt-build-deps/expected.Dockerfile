# Django served by gunicorn; psycopg2 compiles against libpq.
FROM python:3.11-slim-bookworm AS builder

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1
ARG PIP_INDEX_URL

# Compilers and headers for psycopg2, gettext for the translations
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libpq-dev gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /srv/app
# A virtual environment at a fixed path, which the runtime stage copies whole. It has no pip of its own: the
# image's pip installs into it (--python), so the runtime receives only the application's packages.
RUN python -m venv --without-pip /opt/venv
COPY requirements.txt ./
RUN pip --python /opt/venv/bin/python install --no-cache-dir -r requirements.txt

# Runtime stage: the virtual environment without the compilers and headers that built it.
FROM python:3.11-slim-bookworm

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1
# System packages the application needs at run time; the build packages stay in the builder stage.
RUN apt-get update \
 && apt-get install -y --no-install-recommends gettext libpq5 \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /srv/app
COPY --from=builder /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY . .
RUN python manage.py collectstatic --noinput
RUN useradd --uid 10001 --create-home web
USER web
EXPOSE 8000
HEALTHCHECK CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health/')"]
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--worker-tmp-dir", "/dev/shm", "mysite.wsgi"]
