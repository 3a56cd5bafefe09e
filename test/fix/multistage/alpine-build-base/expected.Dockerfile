FROM python:3.12-alpine3.20 AS builder
RUN apk add --no-cache build-base postgresql-dev
WORKDIR /app
# A virtual environment at a fixed path, which the runtime stage copies whole. It has no pip of its own: the
# image's pip installs into it (--python), so the runtime receives only the application's packages.
RUN python -m venv --without-pip /opt/venv
COPY requirements.txt ./
RUN pip --python /opt/venv/bin/python install --no-cache-dir -r requirements.txt

# Runtime stage: the virtual environment without the compilers and headers that built it.
FROM python:3.12-alpine3.20
# System packages the application needs at run time; the build packages stay in the builder stage.
RUN apk add --no-cache libpq
WORKDIR /app
COPY --from=builder /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY app/ ./app/
RUN addgroup -S app && adduser -S -G app app
USER app
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--worker-tmp-dir", "/dev/shm", "app.wsgi:application"]
