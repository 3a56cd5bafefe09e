import { posix } from "node:path";
import type { Instruction, Word } from "../dockerfile/model.js";
import { stagesOf } from "../dockerfile/query.js";
import { findFlag, invocation } from "../shell/invocation.js";
import { pythonOp } from "../shell/python.js";
import { contextCopy } from "./lib/context-copy.js";
import { defineCheck, type CheckContext, type Fix, type Severity } from "./types.js";
import type { Span } from "../text/source.js";

/** Last words that make a secret-sounding name a reference to one (a path, a URL, a name, a setting). */
const REFERENCE_WORDS = new Set([
  "file", "files", "path", "dir", "directory", "url", "uri", "endpoint", "host", "hostname", "port", "name", "id", "type",
  "length", "len", "ttl", "expiry", "expires", "expiration", "lifetime", "timeout", "header", "algorithm", "algo",
  "enabled", "enable", "disabled", "required", "min", "max", "size", "version", "hint", "format", "env", "var", "mode",
  "policy", "provider", "backend", "location", "arn", "prefix", "count", "scope", "scopes", "field", "param", "user",
  "username", "mount", "source", "store", "manager", "rotation", "seconds", "minutes", "hours", "days", "refresh",
]);

/** Does an ARG/ENV name say it holds a secret? (`TOKEN_URL`, `SECRET_KEY_FILE`, `TOKENIZERS_PARALLELISM` do not.) */
export function secretName(name: string): boolean {
  const w = name.toLowerCase().split(/[_\-.]+/).filter(Boolean);
  if (w.length === 0 || w.includes("public") || REFERENCE_WORDS.has(w.at(-1)!)) return false;
  const joined = w.join("_");
  if (w.some((x) => /pass(word|wd|phrase)/.test(x) || x === "pass" || (x === "pwd" && w.length > 1))) return true;
  if (w.some((x) => x === "token" || x === "tokens" || /[a-z]token$/.test(x))) return true;
  if (w.some((x) => x === "secret" || x === "secrets" || /[a-z]secret$/.test(x))) return true;
  if (/(^|_)(api|private|access|secret|signing|encryption|ssh|deploy|master|license)_key(_|$)/.test(joined)) return true;
  if (w.some((x) => ["apikey", "privatekey", "accesskey", "secretkey"].includes(x))) return true;
  if (w.some((x) => x === "credential" || x === "credentials" || x === "creds")) return true;
  return w.at(-1) === "auth";
}

/** A value that only stands in for a secret at build time (Django's SECRET_KEY for collectstatic and the like). */
const PLACEHOLDER = /^(dummy|placeholder|changeme|change[-_]me|not[-_]?(a[-_])?secret|insecure|build|build[-_]?time|collectstatic|x+|fake|test|dev|unused|temp|tmp|example|sample|none|null|secret)$|dummy|placeholder|collectstatic|not[-_]?secret|^django-insecure/i;

const URL_CREDENTIALS = /\b[a-z][a-z0-9+.-]*:\/\/([^\s/@:'"]+):([^\s/@'"]+)@/i;
const URL_TOKEN = /\b[a-z][a-z0-9+.-]*:\/\/((ghp|gho|ghs|ghu|github_pat|glpat|pypi)[-_][^\s/@:'"]+|[A-Za-z0-9_-]{30,})@/;

const SECRET_FILE = /^(\.env(\..+)?|id_(rsa|dsa|ecdsa|ed25519)|\.netrc|_netrc|\.pypirc|\.git-credentials|\.ssh|\.aws|\.gnupg|credentials(\.json)?|secrets?|.*service[-_]?account.*\.json|.*\.(key|p12|pfx|jks|keystore))$/i;
const TEMPLATE = /\.(example|sample|template|dist|defaults?|tpl|pub)$/i;

const SUGGESTION: Fix = {
  kind: "suggestion",
  description: "pass secrets with RUN --mount=type=secret (as a file, or env=NAME), never ARG, ENV or a copied file",
  edits: [],
};

interface Reporter {
  (at: Span | Word | Instruction, message: string, severity: Severity, instruction: Instruction): void;
}

/** The span of a substring of a word, when the raw text holds it verbatim; else the whole word. */
function within(word: { span: Span; raw?: string }, raw: string, needle: string): Span {
  const i = raw.indexOf(needle);
  return i >= 0 ? { start: word.span.start + i, end: word.span.start + i + needle.length } : word.span;
}

function checkUrl(report: Reporter, ins: Instruction, at: { span: Span }, raw: string, text: string): boolean {
  const cred = URL_CREDENTIALS.exec(text);
  // `user:${TOKEN}@` takes the value from the environment (a secret mount can provide it): the ARG/ENV check covers it.
  if (cred && !cred[2].startsWith("$")) {
    report(within(at, raw, `${cred[1]}:${cred[2]}@`), `credentials inside a URL (${cred[1]}:***@): they are stored in the image history and the build cache`, "error", ins);
    return true;
  }
  const token = URL_TOKEN.exec(text);
  if (token) {
    report(within(at, raw, `${token[1]}@`), "an access token inside a URL: it is stored in the image history and the build cache", "error", ins);
    return true;
  }
  return false;
}

function checkProperty(ctx: CheckContext, report: Reporter, ins: Instruction): void {
  for (const p of ins.properties) {
    const value = p.value ?? "";
    const raw = p.valueSpan ? ctx.file.source.slice(p.valueSpan) : "";
    if (p.valueSpan && checkUrl(report, ins, { span: p.valueSpan }, raw, value)) continue;
    const name = p.name.toUpperCase();
    if (name === "PYTHONHTTPSVERIFY" && value.trim() === "0") {
      report(p.span, "PYTHONHTTPSVERIFY=0 turns off TLS certificate checks for Python's HTTPS clients: anyone on the path can serve code", "warning", ins);
      continue;
    }
    if (name === "GIT_SSL_NO_VERIFY" && value !== "") {
      report(p.span, "GIT_SSL_NO_VERIFY turns off certificate checks for every git fetch (git honours any value)", "warning", ins);
      continue;
    }
    if ((name === "PIP_TRUSTED_HOST" || name === "UV_INSECURE_HOST") && value !== "") {
      report(p.span, `${p.name} lets pip download over unverified connections from ${value}: a man in the middle can serve any package`, "warning", ins);
      continue;
    }
    if (!secretName(p.name)) continue;
    if (ins.keyword === "ENV" && p.value !== null && value === "") continue;
    // Numbers and switches are settings about secrets (TOKEN_EXPIRY=3600, VERIFY_TOKEN=false), not secrets.
    if (/^(\d+|true|false|yes|no|on|off)$/i.test(value)) continue;
    const placeholder = value !== "" && !value.includes("$") && PLACEHOLDER.test(value);
    let message: string;
    if (ins.keyword === "ARG") {
      message =
        `ARG ${p.name} looks like a secret: build-arg values are recorded in the image metadata (docker history) and the build cache` +
        (p.value ? ", and this default sits in the Dockerfile itself" : "");
    } else if (placeholder) {
      message =
        `ENV ${p.name} looks like a secret and "${value}" like a build-time placeholder (e.g. for collectstatic): it stays in the ` +
        `image configuration and is the value the app runs with if none is given at run time; set it only on the RUN that needs it`;
    } else {
      message = `ENV ${p.name} puts a secret into the image configuration: anyone who pulls the image reads it with docker inspect; give it to the container at run time`;
    }
    report(p.nameSpan, message, "warning", ins);
  }
}

/** pip/uv flags and config, poetry credentials, git settings that weaken or leak authentication. */
function checkRun(report: Reporter, ins: Instruction): void {
  for (const cmd of ins.shell?.commands ?? []) {
    for (const w of cmd.words) checkUrl(report, ins, w, w.raw, w.text);
    for (const a of cmd.assignments) {
      if (a.name === "PYTHONHTTPSVERIFY" && a.value === "0") report(a.span, "PYTHONHTTPSVERIFY=0 turns off TLS certificate checks for this step", "warning", ins);
      if (a.name === "GIT_SSL_NO_VERIFY" && a.value !== "") report(a.span, "GIT_SSL_NO_VERIFY turns off certificate checks for this git fetch", "warning", ins);
    }
    const op = pythonOp(cmd);
    if (op && (op.tool === "pip" || op.tool === "uv-pip" || op.tool === "uv")) {
      const insecure = findFlag(op.args, "--trusted-host", "--allow-insecure-host");
      if (insecure) report(insecure, `${insecure.text.split("=")[0]} lets ${op.tool === "pip" ? "pip" : "uv"} download without verifying the certificate: a man in the middle can serve any package`, "warning", ins);
      const [sub, key, ...rest] = op.targets;
      if (op.tool === "pip" && op.action === "config" && sub?.text === "set" && key && /(^|\.)trusted-host$/.test(key.text)) {
        report(key, `pip config set ${key.text} disables certificate checks for ${rest[0]?.text ?? "that host"} in every later pip run`, "warning", ins);
      }
    }
    if (op?.tool === "poetry" && op.action === "config") {
      const [key, user, pass] = op.targets;
      if (key && /^(http-basic|pypi-token)\./.test(key.text)) {
        const secret = key.text.startsWith("pypi-token") ? user : pass;
        const literal = secret !== undefined && secret.literal;
        report(
          key,
          `poetry config ${key.text} writes ${literal ? "this literal credential" : "the credential"} to poetry's auth.toml in the layer: use POETRY_HTTP_BASIC_* variables from a secret mount on the RUN that installs`,
          literal ? "error" : "warning",
          ins,
        );
      }
    }
    const inv = invocation(cmd);
    if (inv.tool === "git") {
      const args = inv.args.map((a) => a.text);
      const i = args.findIndex((a) => /^http(\..*)?\.sslverify(=false)?$/i.test(a));
      if (i >= 0 && (/=false$/i.test(args[i]) || args[i + 1]?.toLowerCase() === "false")) {
        report(inv.args[i], "git's http.sslVerify=false turns off certificate checks for git fetches", "warning", ins);
      }
    }
  }
}

function hasIndexCredentials(text: string | undefined): boolean {
  return text !== undefined && (URL_CREDENTIALS.test(text) || /_auth(Token)?\s*=/.test(text));
}

function checkCopy(ctx: CheckContext, report: Reporter, ins: Instruction): void {
  if (ins.keyword === "ADD") for (const w of ins.args) checkUrl(report, ins, w, w.raw, w.text);
  const copy = contextCopy(ins, ctx.project);
  if (!copy) return;
  for (const s of copy.sources) {
    const base = posix.basename(s.path);
    if (s.kind === "all" || TEMPLATE.test(base)) continue;
    // only key and index-config files are read, and only those
    const text = () => (s.directory ? undefined : ctx.project.read(s.path));
    if (SECRET_FILE.test(base)) {
      report(s.word, `${ins.keyword} ${s.word.text} puts a secret file into a layer: it stays there even if a later step deletes it`, "warning", ins);
    } else if (/\.pem$/i.test(base) && text()?.includes("PRIVATE KEY")) {
      report(s.word, `${s.word.text} holds a private key: copied into a layer, it ships with the image`, "warning", ins);
    } else if (/^(pip\.conf|pip\.ini|\.npmrc|\.pip)$/i.test(base) && hasIndexCredentials(text())) {
      report(s.word, `${s.word.text} holds index credentials: copied into a layer, they ship with the image`, "error", ins);
    }
  }
}

export default defineCheck({
  meta: {
    id: "secrets-in-build",
    title: "Secrets or disabled verification in the build",
    category: "security",
    severity: "warning",
    fix: "suggestion",
    buildkit: ["SecretsUsedInArgOrEnv"],
    docs:
      "Whatever a build is given through ARG or ENV, a URL or a copied file stays readable: ENV values sit in the image " +
      "configuration (docker inspect), build-arg values in the history of every RUN that follows them and in the build " +
      "cache, URLs in the RUN command line that `docker history` prints, and copied files (.env, id_rsa, .netrc, .pypirc, " +
      "*.key) in their layer even when a later step deletes them. Give secrets to the one RUN that needs them with " +
      "`RUN --mount=type=secret,id=pypi,env=PIP_INDEX_URL` (or as a file), and runtime secrets to the container when it " +
      "starts. Credentials inside a URL are an error; names that look like secrets (password, token, secret, api/private/" +
      "access keys, credentials) are warnings, except references to one (`*_FILE`, `*_PATH`, `*_URL`, `*_NAME`...). A " +
      "Django SECRET_KEY set to a placeholder for collectstatic is still reported: it ships, and becomes the real key when " +
      "the deployment forgets to set one. Also reported: verification turned off (`--trusted-host`, PIP_TRUSTED_HOST, " +
      "`pip config set global.trusted-host`, PYTHONHTTPSVERIFY=0, GIT_SSL_NO_VERIFY, http.sslVerify=false), which lets " +
      "anyone on the network path serve the packages the image installs.",
  },
  check(ctx) {
    const report: Reporter = (at, message, severity, instruction) => ctx.report(at, { message, severity, fix: SUGGESTION, instruction });
    const instructions = [...ctx.file.globalArgs, ...stagesOf(ctx.file, "built").flatMap((s) => s.instructions)];
    for (const ins of instructions) {
      if (ins.keyword === "ARG" || ins.keyword === "ENV") checkProperty(ctx, report, ins);
      else if (ins.keyword === "RUN") checkRun(report, ins);
      else if (ins.keyword === "COPY" || ins.keyword === "ADD") checkCopy(ctx, report, ins);
    }
  },
});
