FROM python:3.11 AS builder
WORKDIR /app
# A virtual environment at a fixed path, which the runtime stage copies whole. It has no pip of its own: the
# image's pip installs into it (--python), so the runtime receives only the application's packages.
RUN python -m venv --without-pip /opt/venv
COPY requirements.txt .
RUN pip --python /opt/venv/bin/python install --no-cache-dir -r requirements.txt

# Runtime stage: the virtual environment without the compilers and headers that built it.
FROM python:3.11-slim
WORKDIR /app
COPY --from=builder /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY . .
EXPOSE 5000
CMD ["gunicorn", "--bind", "0.0.0.0:5000", "--worker-tmp-dir", "/dev/shm", "app:app"]
