import { spawn } from "node:child_process";
import { Duplex } from "node:stream";
import { InputError } from "../../errors.js";

/** Where `ssh://[user@]host[:port][/socket]` leads: the arguments the system ssh client gets, nothing more. */
export interface SshTarget {
  user?: string;
  host: string;
  port?: number;
  /** The remote engine's socket, when the address names one (a rootless engine's /run/user/1000/docker.sock). */
  socket?: string;
}

/**
 * Parses an ssh:// engine address as the docker CLI does: a user but no password, a host, a port, an
 * optional path to the remote engine's unix socket, and no query or fragment.
 */
export function parseSshUrl(value: string, where: string): SshTarget {
  const bad = (why: string) => new InputError(`${where}: ${why}`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw bad("not a valid ssh:// address (use ssh://[user@]host[:port])");
  }
  if (url.protocol !== "ssh:") throw bad("not an ssh:// address");
  if (url.password) {
    // Never repeat the password in a message that may end up in a CI log.
    const hidden = where.replace(`:${url.password}@`, ":***@");
    throw new InputError(`${hidden}: a password in the address is not supported; use a key (ssh-agent or IdentityFile in ~/.ssh/config)`);
  }
  if (url.search) throw bad(`a query ("${url.search}") is not supported; use ssh://[user@]host[:port][/socket]`);
  if (url.hash) throw bad(`a fragment ("${url.hash}") is not supported; use ssh://[user@]host[:port][/socket]`);
  // IPv6 literals keep their brackets in the URL; ssh wants the bare address.
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (!host) throw bad("no host name; use ssh://[user@]host[:port][/socket]");
  const target: SshTarget = { host };
  if (url.username) target.user = decodeURIComponent(url.username);
  if (url.port) target.port = Number(url.port);
  if (url.pathname && url.pathname !== "/") target.socket = decodeURIComponent(url.pathname);
  return target;
}

/**
 * The ssh command line of docker's connection helper: `-T` (no terminal, so no login shell and no
 * line discipline in the byte stream), `--` so a host can never be read as an option, and the remote
 * command that bridges stdio to the remote engine (`--host unix://SOCKET` first when the address names a
 * socket). Nothing else: the user's ~/.ssh/config decides keys, host-key checking, proxies and timeouts.
 */
export function sshArgs(target: SshTarget): string[] {
  const args: string[] = [];
  if (target.user !== undefined) args.push("-l", target.user);
  if (target.port !== undefined) args.push("-p", String(target.port));
  const socket = target.socket === undefined ? [] : ["--host", remoteWord(`unix://${target.socket}`)];
  return [...args, "-T", "--", target.host, "docker", ...socket, "system", "dial-stdio"];
}

/** ssh hands the remote command to the remote user's shell: a socket path with spaces or quotes must stay one word. */
function remoteWord(word: string): string {
  return /^[\w./:@%+=-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

/** Keeps the tail of ssh's stderr: its last line says why a connection failed. */
const STDERR_KEEP = 4096;

/**
 * A byte stream to the remote engine through one `ssh ... docker system dial-stdio` process, for
 * node:http's `createConnection`. The process is killed when the stream is destroyed (the response
 * ended or failed). When ssh exits unsuccessfully, the stream fails with one line naming the endpoint
 * and ssh's last stderr line, rather than the "socket hang up" an early end would otherwise be.
 */
export function sshConnection(target: SshTarget, display: string): Duplex {
  const child = spawn("ssh", sshArgs(target), { stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  const fail = (why: string) => new InputError(`cannot reach the Docker engine at ${display}: ${why}`);

  const conn = new Duplex({
    read() {
      child.stdout.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      // A write to a dead ssh fails with EPIPE; its exit status and stderr, reported on close, say why.
      child.stdin.write(chunk, () => callback());
    },
    final(callback) {
      child.stdin.end(() => callback());
    },
    destroy(err, callback) {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      callback(err);
    },
  });

  child.stdin.on("error", () => undefined);
  child.stdout.on("data", (chunk: Buffer) => {
    if (!conn.push(chunk)) child.stdout.pause();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString("utf8")).slice(-STDERR_KEEP);
  });
  child.on("error", (err: NodeJS.ErrnoException) => {
    conn.destroy(fail(err.code === "ENOENT" ? "no ssh client found (install OpenSSH's ssh client)" : `ssh: ${err.code ?? err.message}`));
  });
  // "close" comes after the exit and after stdout and stderr ended, so the whole stderr is here.
  child.on("close", (code, signal) => {
    if (conn.destroyed) return;
    if (code === 0) return void conn.push(null);
    const last = lastLine(stderr);
    const status = code !== null ? `ssh exited with status ${code}` : `ssh was killed by ${signal}`;
    conn.destroy(fail(last ? `${status}: ${last}` : status));
  });
  return conn;
}

function lastLine(text: string): string {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  return lines[lines.length - 1] ?? "";
}
