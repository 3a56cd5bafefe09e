ARG PYTHON_VERSION=3.11
FROM python:${PYTHON_VERSION} AS builder
ARG PIP_INDEX_URL
ARG PIP_EXTRA_INDEX_URL
ARG BUILD_JOBS=2
WORKDIR /app
# A virtual environment at a fixed path, which the runtime stage copies whole. It has no pip of its own: the
# image's pip installs into it (--python), so the runtime receives only the application's packages.
RUN python -m venv --without-pip /opt/venv
COPY requirements.txt .
RUN MAKEFLAGS="-j$BUILD_JOBS" pip --python /opt/venv/bin/python install --no-cache-dir -r requirements.txt

# Runtime stage: the virtual environment without the compilers and headers that built it.
FROM python:${PYTHON_VERSION}-slim
ARG APP_VERSION=dev
LABEL org.opencontainers.image.version=$APP_VERSION
WORKDIR /app
COPY --from=builder /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY . .
ENV APP_VERSION=$APP_VERSION
CMD ["python", "app.py"]
