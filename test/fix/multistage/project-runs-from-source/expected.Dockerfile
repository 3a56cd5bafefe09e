FROM python:3.11-bookworm AS builder
RUN apt-get update && apt-get install -y --no-install-recommends libxml2-dev libxslt1-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# A virtual environment at a fixed path, which the runtime stage copies whole. It has no pip of its own: the
# image's pip installs into it (--python), so the runtime receives only the application's packages.
RUN python -m venv --without-pip /opt/venv
COPY requirements.txt ./
RUN pip --python /opt/venv/bin/python install --no-cache-dir -r requirements.txt
COPY . .
RUN pip --python /opt/venv/bin/python install --no-cache-dir .

# Runtime stage: the virtual environment without the compilers and headers that built it.
FROM python:3.11-slim-bookworm
# System packages the application needs at run time; the build packages stay in the builder stage.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libxml2 libxslt1.1 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=builder /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY . .
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--worker-tmp-dir", "/dev/shm", "shop.wsgi"]
