# escape=`
# Backtick continuations, comments inside a RUN, an indented instruction.
FROM python:3.11-slim-bookworm AS builder

# Build packages
RUN apt-get update && `
    apt-get install -y --no-install-recommends `
        gcc `
        # the headers psycopg2 compiles against
        libpq-dev && `
    rm -rf /var/lib/apt/lists/*

WORKDIR /app
# A virtual environment at a fixed path, which the runtime stage copies whole. It has no pip of its own: the
# image's pip installs into it (--python), so the runtime receives only the application's packages.
RUN python -m venv --without-pip /opt/venv
    # an indented instruction keeps its indentation
    COPY requirements.txt .
RUN pip --python /opt/venv/bin/python install --no-cache-dir `
      -r requirements.txt

# Runtime stage: the virtual environment without the compilers and headers that built it.
FROM python:3.11-slim-bookworm
# System packages the application needs at run time; the build packages stay in the builder stage.
RUN apt-get update `
 && apt-get install -y --no-install-recommends libpq5 `
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY --from=builder /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

COPY . .
CMD ["python", "-m", "app"]
# end of file
