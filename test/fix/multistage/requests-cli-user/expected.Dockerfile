FROM python:3.12-bookworm AS builder
ENV PATH=/root/.local/bin:$PATH
# A virtual environment at a fixed path, which the runtime stage copies whole. It has no pip of its own: the
# image's pip installs into it (--python), so the runtime receives only the application's packages.
RUN python -m venv --without-pip /opt/venv
COPY requirements.txt /tmp/
RUN pip --python /opt/venv/bin/python install \
      --no-cache-dir \
      -r /tmp/requirements.txt

# Runtime stage: the virtual environment without the compilers and headers that built it.
FROM python:3.12-slim-bookworm
ENV PATH=/root/.local/bin:$PATH
COPY --from=builder /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY fetch.py /opt/fetch/
ENTRYPOINT ["python", "/opt/fetch/fetch.py"]
