import aptRecommends from "../../src/rules/apt-recommends.js";
import { ruleTester } from "../helpers/rule-tester.js";

ruleTester(aptRecommends, {
  valid: [
    { name: "flag given", code: "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n" },
    { name: "flag after the packages", code: "FROM debian:bookworm-slim\nRUN apt-get install -y curl --no-install-recommends\n" },
    { name: "-o APT::Install-Recommends=false", code: "FROM debian:bookworm-slim\nRUN apt-get -o APT::Install-Recommends=false install -y curl\n" },
    { name: "--option=APT::Install-Recommends=0", code: "FROM debian:bookworm-slim\nRUN apt-get install --option=APT::Install-Recommends=0 -y curl\n" },
    {
      name: "apt.conf written earlier in the stage",
      code: "FROM debian:bookworm-slim\nRUN echo 'APT::Install-Recommends \"0\";' > /etc/apt/apt.conf.d/99norecommends\nRUN apt-get install -y curl\n",
    },
    {
      name: "apt.conf written in a parent stage",
      code: "FROM debian:bookworm-slim AS base\nRUN printf 'APT::Install-Recommends \"false\";\\n' > /etc/apt/apt.conf.d/01norecommend\nFROM base\nRUN apt-get install -y curl\n",
    },
    {
      name: "apt.conf copied from the context",
      code: "FROM debian:bookworm-slim\nCOPY apt.conf /etc/apt/apt.conf.d/01norecommend\nRUN apt-get install -y curl\n",
      files: { "apt.conf": "APT::Install-Recommends \"0\";\n" },
    },
    { name: "builder stage never ships", code: "FROM debian:bookworm AS build\nRUN apt-get install -y gcc\nFROM debian:bookworm-slim\nCOPY --from=build /out /out\n" },
    { name: "not an install", code: "FROM debian:bookworm-slim\nRUN apt-get purge -y curl && apt-get autoremove -y\n" },
    { name: "heredoc with the flag", code: "FROM debian:bookworm-slim\nRUN <<EOF\napt-get install -y --no-install-recommends curl\nEOF\n" },
  ],
  invalid: [
    {
      name: "plain install",
      code: "FROM debian:bookworm-slim\nRUN apt-get install -y curl\n",
      errors: [{ line: 2, column: 5, endColumn: 20, message: "--no-install-recommends" }],
      output: "FROM debian:bookworm-slim\nRUN apt-get install --no-install-recommends -y curl\n",
    },
    {
      name: "apt install over continuation lines",
      code: "FROM ubuntu:22.04\nRUN apt update \\\n    && apt install -y \\\n       python3 python3-pip\n",
      errors: [{ line: 3, column: 8, endColumn: 19 }],
      output: "FROM ubuntu:22.04\nRUN apt update \\\n    && apt install --no-install-recommends -y \\\n       python3 python3-pip\n",
    },
    {
      name: "-o for another option",
      code: "FROM debian:bookworm-slim\nRUN apt-get -o Acquire::Retries=3 install -y curl\n",
      errors: [{ line: 2 }],
      output: "FROM debian:bookworm-slim\nRUN apt-get -o Acquire::Retries=3 install --no-install-recommends -y curl\n",
    },
    {
      name: "heredoc",
      code: "FROM debian:bookworm-slim\nRUN <<EOF\nset -e\napt-get install -y curl\nEOF\n",
      errors: [{ line: 4, column: 1 }],
      output: "FROM debian:bookworm-slim\nRUN <<EOF\nset -e\napt-get install --no-install-recommends -y curl\nEOF\n",
    },
    {
      name: "backtick escape",
      code: "# escape=`\nFROM debian:bookworm-slim\nRUN apt-get install -y `\n    curl\n",
      errors: [{ line: 3, column: 5 }],
      output: "# escape=`\nFROM debian:bookworm-slim\nRUN apt-get install --no-install-recommends -y `\n    curl\n",
    },
    {
      name: "sh -c string and sudo",
      code: "FROM debian:bookworm-slim\nUSER app\nRUN sh -c 'sudo apt-get install -y curl'\n",
      errors: [{ line: 3, column: 17 }],
      output: "FROM debian:bookworm-slim\nUSER app\nRUN sh -c 'sudo apt-get install --no-install-recommends -y curl'\n",
    },
    {
      name: "a configuration file that sets something else does not count",
      code: "FROM debian:bookworm-slim\nCOPY proxy.conf /etc/apt/apt.conf.d/01proxy\nRUN apt-get install -y curl\n",
      files: { "proxy.conf": "Acquire::http::Proxy \"http://proxy:3128\";\n" },
      errors: [{ line: 3 }],
      output: "FROM debian:bookworm-slim\nCOPY proxy.conf /etc/apt/apt.conf.d/01proxy\nRUN apt-get install --no-install-recommends -y curl\n",
    },
    {
      name: "shipped parent stage",
      code: "FROM debian:bookworm-slim AS base\nRUN apt-get install -y libpq5\nFROM base\nCMD [\"app\"]\n",
      errors: [{ line: 2 }],
      output: "FROM debian:bookworm-slim AS base\nRUN apt-get install --no-install-recommends -y libpq5\nFROM base\nCMD [\"app\"]\n",
    },
  ],
});
