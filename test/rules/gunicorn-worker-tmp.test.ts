import gunicornWorkerTmp from "../../src/rules/gunicorn-worker-tmp.js";
import { ruleTester } from "../helpers/rule-tester.js";

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
  ],
});
