import nonInteractiveInstall from "../../src/rules/non-interactive-install.js";
import { ruleTester } from "../helpers/rule-tester.js";

ruleTester(nonInteractiveInstall, {
  valid: [
    { name: "apt-get -y", code: "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n" },
    { name: "bundled -qy and --yes", code: "FROM debian:bookworm-slim\nRUN apt-get -qy install curl && apt-get --yes purge curl\n" },
    { name: "-qq implies -y", code: "FROM debian:bookworm-slim\nRUN apt-get install -qq curl\n" },
    { name: "assume-yes configured earlier", code: "FROM debian:bookworm-slim\nRUN echo 'APT::Get::Assume-Yes \"true\";' > /etc/apt/apt.conf.d/90yes\nRUN apt-get install curl\n" },
    { name: "-o option", code: "FROM debian:bookworm-slim\nRUN apt-get -o APT::Get::Assume-Yes=true install curl\n" },
    { name: "yes pipe", code: "FROM debian:bookworm-slim\nRUN yes | apt-get install curl\n" },
    { name: "dnf -y and yum --assumeyes", code: "FROM rockylinux:9\nRUN dnf -y install python3 && yum --assumeyes remove vim\n" },
    { name: "dnf --setopt", code: "FROM fedora:40\nRUN dnf --setopt=assumeyes=True install gcc\n" },
    { name: "zypper global -n", code: "FROM opensuse/leap:15.6\nRUN zypper -n in python3\n" },
    { name: "zypper in -y", code: "FROM opensuse/leap:15.6\nRUN zypper --non-interactive install python3 && zypper in --no-confirm gcc\n" },
    { name: "apk and microdnf never ask", code: "FROM alpine:3.20\nRUN apk add curl\nFROM registry.access.redhat.com/ubi9/ubi-minimal\nRUN microdnf install python3\n" },
    { name: "apt-get update and clean do not prompt", code: "FROM debian:bookworm-slim\nRUN apt-get update && apt-get clean\n" },
  ],
  invalid: [
    {
      name: "apt-get install",
      code: "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install --no-install-recommends curl\n",
      errors: [{ line: 2, column: 23, endColumn: 38, message: "add -y" }],
      output: "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n",
    },
    {
      name: "DEBIAN_FRONTEND does not answer; continuation; a stage that is not built",
      code: "FROM debian:bookworm-slim AS tools\nRUN DEBIAN_FRONTEND=noninteractive \\\n    apt install \\\n    git\nFROM debian:bookworm-slim\n",
      errors: [{ line: 3, column: 5 }],
      output: "FROM debian:bookworm-slim AS tools\nRUN DEBIAN_FRONTEND=noninteractive \\\n    apt install -y \\\n    git\nFROM debian:bookworm-slim\n",
    },
    {
      name: "yum, dnf and zypper",
      code: "FROM centos:7\nRUN yum install python3\nFROM fedora:40\nRUN sudo dnf upgrade\nFROM opensuse/leap:15.6\nRUN zypper in python3\n",
      errors: [{ line: 2, column: 5 }, { line: 4, column: 10 }, { line: 6, column: 5 }],
      output: "FROM centos:7\nRUN yum install -y python3\nFROM fedora:40\nRUN sudo dnf upgrade -y\nFROM opensuse/leap:15.6\nRUN zypper in -y python3\n",
    },
    {
      name: "heredoc",
      code: "FROM debian:bookworm-slim\nRUN <<EOF\nset -e\napt-get update\napt-get remove python3\nEOF\n",
      errors: [{ line: 5, column: 1 }],
      output: "FROM debian:bookworm-slim\nRUN <<EOF\nset -e\napt-get update\napt-get remove -y python3\nEOF\n",
    },
    {
      name: "escape directive; --force-yes is not --yes",
      code: "# escape=`\nFROM debian:bookworm-slim\nRUN apt-get install --force-yes `\n    curl\n",
      errors: [{ line: 3, column: 5 }],
      output: "# escape=`\nFROM debian:bookworm-slim\nRUN apt-get install -y --force-yes `\n    curl\n",
    },
    {
      name: "single -q is not enough",
      code: "FROM debian:bookworm-slim\nRUN apt-get -q install curl\n",
      errors: [{ line: 2, column: 5 }],
      output: "FROM debian:bookworm-slim\nRUN apt-get -q install -y curl\n",
    },
  ],
});
