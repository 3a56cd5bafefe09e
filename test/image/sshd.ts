// A real OpenSSH server for tests of ssh:// engines: host and client keys made by ssh-keygen in a temp
// dir, sshd listening on 127.0.0.1 only, and a client configuration that trusts exactly that host key.
// ssh reads ~/.ssh/config from the passwd entry's home, not from $HOME, so the client configuration is
// handed over by an `ssh` wrapper first on PATH that adds `-F <config>` and runs the system ssh.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { delimiter, join } from "node:path";

const SSHD = "/usr/sbin/sshd";

/** Why an sshd cannot be started here, or undefined when it can. */
export function sshdMissing(): string | undefined {
  if (!existsSync(SSHD)) return `no ${SSHD} (Debian package openssh-server)`;
  for (const tool of ["ssh", "ssh-keygen"]) {
    if (spawnSync(tool, ["-V"]).error) return `no ${tool} on PATH (Debian package openssh-client)`;
  }
  if (process.getuid?.() !== 0) return "sshd needs root to run";
  return undefined;
}

export interface Sshd {
  port: number;
  dir: string;
  /** Puts the ssh wrapper first on this process's PATH; undone by stop(). */
  useClient(): void;
  stop(): Promise<void>;
}

export interface SshdOptions {
  /** Directories first on the PATH of the server's sessions: where the remote `docker` is found. */
  sessionPath: string[];
}

function keygen(path: string): void {
  const r = spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "whittle-test", "-f", path], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`ssh-keygen failed: ${r.stderr}`);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

export async function startSshd(options: SshdOptions): Promise<Sshd> {
  const dir = mkdtempSync(join(tmpdir(), "whittle-sshd-"));
  for (const key of ["host_key", "client_key", "stranger_key"]) keygen(join(dir, key));
  writeFileSync(join(dir, "authorized_keys"), readFileSync(join(dir, "client_key.pub")));
  const port = await freePort();
  const user = userInfo().username;
  writeFileSync(
    join(dir, "sshd_config"),
    [
      `Port ${port}`,
      "ListenAddress 127.0.0.1",
      `HostKey ${join(dir, "host_key")}`,
      `PidFile ${join(dir, "sshd.pid")}`,
      `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
      `AllowUsers ${user}`,
      "StrictModes no",
      "UsePAM no",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "PermitRootLogin prohibit-password",
      `SetEnv PATH=${[...options.sessionPath, "/usr/bin", "/bin"].join(":")}`,
      "",
    ].join("\n"),
  );
  const [type, key] = readFileSync(join(dir, "host_key.pub"), "utf8").split(" ");
  writeFileSync(join(dir, "known_hosts"), `[127.0.0.1]:${port} ${type} ${key}\n`);
  writeFileSync(join(dir, "empty_known_hosts"), "");
  // Three ways in: the trusted one (127.0.0.1), a host whose key is unknown, and a key sshd refuses.
  const client = (hostKeys: string, identity: string) =>
    [`  HostName 127.0.0.1`, `  IdentityFile ${join(dir, identity)}`, "  IdentitiesOnly yes", `  UserKnownHostsFile ${join(dir, hostKeys)}`,
      "  GlobalKnownHostsFile /dev/null", "  BatchMode yes"].join("\n");
  writeFileSync(
    join(dir, "ssh_config"),
    [`Host 127.0.0.1`, client("known_hosts", "client_key"), `Host unknown-host-key`, client("empty_known_hosts", "client_key"),
      `Host refused-key`, client("known_hosts", "stranger_key"), ""].join("\n"),
  );
  const bin = join(dir, "client-bin");
  mkdirSync(bin);
  const ssh = spawnSync("sh", ["-c", "command -v ssh"], { encoding: "utf8" }).stdout.trim();
  writeFileSync(join(bin, "ssh"), `#!/bin/sh\nexec ${ssh} -F ${join(dir, "ssh_config")} "$@"\n`);
  chmodSync(join(bin, "ssh"), 0o755);

  // sshd refuses to start without its privilege separation directory, which the system service
  // would normally create at boot.
  mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
  const child: ChildProcess = spawn(SSHD, ["-D", "-e", "-f", join(dir, "sshd_config")], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sshd did not start: ${log}`)), 10_000);
    child.stderr!.on("data", (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes("Server listening")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`sshd exited (${code}): ${log}`));
    });
  });

  const savedPath = process.env.PATH;
  return {
    port,
    dir,
    useClient() {
      process.env.PATH = `${bin}${delimiter}${savedPath}`;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        process.env.PATH = savedPath;
        const done = () => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once("exit", done);
        child.kill("SIGTERM");
      }),
  };
}
