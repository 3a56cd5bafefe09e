import gunicornWorkerTmp from "../../src/rules/gunicorn-worker-tmp.js";
import { ruleTester } from "../helpers/rule-tester.js";

const ENTRY = "FROM python:3.12-slim\nCOPY docker-entrypoint.sh /usr/local/bin/\nENTRYPOINT [\"docker-entrypoint.sh\"]\n";
const script = (body: string) => ({ "docker-entrypoint.sh": `#!/bin/sh\nset -e\n${body}` });

ruleTester(gunicornWorkerTmp, {
  valid: [
    { name: "flag given", code: "FROM python:3.12-slim\nCMD [\"gunicorn\", \"--worker-tmp-dir\", \"/dev/shm\", \"app:app\"]\n" },
    { name: "flag with =", code: "FROM python:3.12-slim\nCMD gunicorn --worker-tmp-dir=/dev/shm app:app\n" },
    { name: "another tmpfs chosen on purpose", code: "FROM python:3.12-slim\nCMD [\"gunicorn\", \"--worker-tmp-dir\", \"/run/gunicorn\", \"app:app\"]\n" },
    { name: "config file", code: "FROM python:3.12-slim\nCMD [\"gunicorn\", \"-c\", \"/etc/gunicorn.py\", \"app:app\"]\n" },
    { name: "config file, long form", code: "FROM python:3.12-slim\nCMD [\"gunicorn\", \"--config=python:app.gunicorn\", \"app:app\"]\n" },
    { name: "gunicorn.conf.py in the context", code: "FROM python:3.12-slim\nCOPY . .\nCMD [\"gunicorn\", \"app:app\"]\n", files: { "gunicorn.conf.py": "worker_tmp_dir = '/dev/shm'\n" } },
    { name: "GUNICORN_CMD_ARGS", code: "FROM python:3.12-slim\nENV GUNICORN_CMD_ARGS=\"--worker-tmp-dir /dev/shm --workers 3\"\nCMD [\"gunicorn\", \"app:app\"]\n" },
    { name: "gunicorn only in a builder stage", code: "FROM python:3.12-slim AS smoke\nCMD [\"gunicorn\", \"app:app\"]\nFROM python:3.12-slim\nCMD [\"uvicorn\", \"app:app\"]\n" },
    { name: "uvicorn is not gunicorn", code: "FROM python:3.12-slim\nCMD [\"uvicorn\", \"app:app\", \"--workers\", \"4\"]\n" },
    { name: "an entrypoint script that gives the flag", code: ENTRY, files: script("exec gunicorn --worker-tmp-dir /dev/shm app:app\n") },
    { name: "an entrypoint script that exports GUNICORN_CMD_ARGS with the flag", code: ENTRY, files: script("export GUNICORN_CMD_ARGS=\"--worker-tmp-dir /dev/shm\"\nexec gunicorn app:app\n") },
    { name: "an entrypoint script the context does not hold", code: ENTRY, files: { "app.py": "" } },
    { name: "an entrypoint script that hands over to CMD, which gives the flag", code: `${ENTRY}CMD ["gunicorn", "--worker-tmp-dir", "/dev/shm", "app:app"]\n`, files: script("exec \"$@\"\n") },
  ],
  invalid: [
    {
      name: "exec form",
      code: "FROM python:3.12-slim\nCMD [\"gunicorn\", \"--bind\", \"0.0.0.0:8000\", \"app:app\"]\n",
      errors: [{ line: 2, column: 6, endColumn: 16, message: "--worker-tmp-dir /dev/shm" }],
      output: "FROM python:3.12-slim\nCMD [\"gunicorn\", \"--worker-tmp-dir\", \"/dev/shm\", \"--bind\", \"0.0.0.0:8000\", \"app:app\"]\n",
    },
    {
      name: "shell form with continuation",
      code: "FROM python:3.12-slim\nCMD exec gunicorn \\\n    --bind 0.0.0.0:8000 app:app\n",
      errors: [{ line: 2, column: 10, endColumn: 18 }],
      output: "FROM python:3.12-slim\nCMD exec gunicorn --worker-tmp-dir /dev/shm \\\n    --bind 0.0.0.0:8000 app:app\n",
    },
    {
      name: "ENTRYPOINT [gunicorn] with CMD arguments: the flag stays in ENTRYPOINT",
      code: "FROM python:3.12-slim\nENTRYPOINT [\"gunicorn\"]\nCMD [\"app:app\"]\n",
      errors: [{ line: 2, column: 13 }],
      output: "FROM python:3.12-slim\nENTRYPOINT [\"gunicorn\", \"--worker-tmp-dir\", \"/dev/shm\"]\nCMD [\"app:app\"]\n",
    },
    {
      name: "python -m gunicorn behind an entrypoint script, uvicorn workers",
      code: "FROM python:3.12-slim AS base\nFROM base\nENTRYPOINT [\"/docker-entrypoint.sh\"]\nCMD [\"python\", \"-m\", \"gunicorn\", \"-k\", \"uvicorn.workers.UvicornWorker\", \"app:app\"]\n",
      errors: [{ line: 4, column: 22 }],
      output: "FROM python:3.12-slim AS base\nFROM base\nENTRYPOINT [\"/docker-entrypoint.sh\"]\nCMD [\"python\", \"-m\", \"gunicorn\", \"--worker-tmp-dir\", \"/dev/shm\", \"-k\", \"uvicorn.workers.UvicornWorker\", \"app:app\"]\n",
    },
    {
      name: "sh -c script in exec form",
      code: "FROM python:3.12-slim\nCMD [\"sh\", \"-c\", \"python manage.py migrate && exec gunicorn -b :$PORT site.wsgi\"]\n",
      errors: [{ line: 2, column: 52 }],
      output: "FROM python:3.12-slim\nCMD [\"sh\", \"-c\", \"python manage.py migrate && exec gunicorn --worker-tmp-dir /dev/shm -b :$PORT site.wsgi\"]\n",
    },
    {
      name: "GUNICORN_CMD_ARGS without the flag; poetry run; escape directive",
      code: "# escape=`\nFROM python:3.12-slim\nENV GUNICORN_CMD_ARGS=\"--workers 3\"\nCMD poetry run gunicorn `\n  app:app\n",
      errors: [{ line: 4, column: 16 }],
      output: "# escape=`\nFROM python:3.12-slim\nENV GUNICORN_CMD_ARGS=\"--workers 3\"\nCMD poetry run gunicorn --worker-tmp-dir /dev/shm `\n  app:app\n",
    },
    {
      name: "gunicorn exec-ed by an entrypoint script copied to /usr/local/bin: the fix edits the script",
      code: ENTRY,
      files: script("python manage.py migrate\nexec gunicorn --bind 0.0.0.0:8000 site.wsgi\n"),
      errors: [{ line: 3, column: 13, endColumn: 35, message: "docker-entrypoint.sh line 4 (exec gunicorn --bind 0.0.0.0:8000 site.wsgi): gunicorn keeps worker heartbeat files in /tmp" }],
      output: ENTRY,
      outputFiles: script("python manage.py migrate\nexec gunicorn --worker-tmp-dir /dev/shm --bind 0.0.0.0:8000 site.wsgi\n"),
    },
    {
      name: "a heredoc script: the fix edits the heredoc",
      code: "# syntax=docker/dockerfile:1\nFROM python:3.12-slim\nCOPY <<EOF /start.sh\nexec gunicorn app:app\nEOF\nCMD [\"sh\", \"/start.sh\"]\n",
      errors: [{ line: 6, column: 12, message: "start.sh line 1" }],
      output: "# syntax=docker/dockerfile:1\nFROM python:3.12-slim\nCOPY <<EOF /start.sh\nexec gunicorn --worker-tmp-dir /dev/shm app:app\nEOF\nCMD [\"sh\", \"/start.sh\"]\n",
    },
    {
      name: "sh start.sh in the working directory, gunicorn behind setpriv",
      code: "FROM python:3.12-slim\nWORKDIR /srv\nCOPY . .\nCMD [\"sh\", \"start.sh\"]\n",
      files: { "start.sh": "exec setpriv --reuid=app --regid=app --init-groups gunicorn -k uvicorn.workers.UvicornWorker main:app\n" },
      errors: [{ line: 4, column: 12, message: "start.sh line 1" }],
      output: "FROM python:3.12-slim\nWORKDIR /srv\nCOPY . .\nCMD [\"sh\", \"start.sh\"]\n",
      outputFiles: { "start.sh": "exec setpriv --reuid=app --regid=app --init-groups gunicorn --worker-tmp-dir /dev/shm -k uvicorn.workers.UvicornWorker main:app\n" },
    },
    {
      name: "gunicorn behind runuser in a Dockerfile CMD",
      code: "FROM python:3.12-slim\nCMD [\"runuser\", \"-u\", \"app\", \"--\", \"gunicorn\", \"app:app\"]\n",
      errors: [{ line: 2, column: 36 }],
      output: "FROM python:3.12-slim\nCMD [\"runuser\", \"-u\", \"app\", \"--\", \"gunicorn\", \"--worker-tmp-dir\", \"/dev/shm\", \"app:app\"]\n",
    },
  ],
});
