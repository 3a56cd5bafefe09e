FROM python:3.12 AS builder
WORKDIR /src
# A virtual environment at a fixed path, which the runtime stage copies whole. It has no pip of its own: the
# image's pip installs into it (--python), so the runtime receives only the application's packages.
RUN python -m venv --without-pip /opt/venv
COPY requirements.lock ./
RUN pip --python /opt/venv/bin/python install --no-cache-dir -r requirements.lock
COPY pyproject.toml ./
COPY src/ ./src/
RUN pip --python /opt/venv/bin/python install --no-cache-dir --no-deps .

# Runtime stage: the virtual environment without the compilers and headers that built it.
FROM python:3.12-slim
WORKDIR /src
COPY --from=builder /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
RUN useradd --uid 10001 tool
USER tool
ENTRYPOINT ["inventory"]
CMD ["report"]
