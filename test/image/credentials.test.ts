import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { dockerCredentials } from "../../src/image/sources/credentials.js";

describe("registry credentials from the Docker config", () => {
  const dir = mkdtempSync(join(tmpdir(), "whittle-creds-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const bin = join(dir, "bin");
  mkdirSync(bin);
  /** A credential helper: a real program on PATH that speaks the helpers' protocol (`get`, server on stdin). */
  const helper = (name: string, body: string) => {
    const file = join(bin, `docker-credential-${name}`);
    writeFileSync(file, `#!/bin/sh\n[ "$1" = get ] || exit 3\nserver=$(cat)\n${body}\n`);
    chmodSync(file, 0o755);
  };
  helper("keychain", 'printf \'{"ServerURL":"%s","Username":"user-for-%s","Secret":"s3cret"}\' "$server" "$server"');
  helper("empty", 'echo "credentials not found in native keychain"; exit 1');
  helper("broken", 'echo "keychain locked" >&2; exit 1');
  helper("azure", 'printf \'{"ServerURL":"%s","Username":"<token>","Secret":"refresh"}\' "$server"');
  const env = (config: object) => {
    const home = mkdtempSync(join(dir, "config-"));
    writeFileSync(join(home, "config.json"), JSON.stringify(config));
    return { DOCKER_CONFIG: home, PATH: `${bin}:/usr/bin:/bin` };
  };

  it("reads auths: user and password, or the base64 auth field", () => {
    const e = env({ auths: { "https://r.example": { username: "ci", password: "pw" }, "q.example:5000": { auth: Buffer.from("bot:tok:en").toString("base64") } } });
    assert.deepEqual(dockerCredentials("r.example", e), { username: "ci", password: "pw" });
    assert.deepEqual(dockerCredentials("q.example:5000", e), { username: "bot", password: "tok:en" });
    assert.equal(dockerCredentials("other.example", e), undefined);
  });

  it("asks the host's credential helper before auths, and the default store for other hosts", () => {
    const e = env({ credsStore: "keychain", credHelpers: { "r.example": "keychain" }, auths: { "r.example": { username: "stale", password: "x" } } });
    assert.deepEqual(dockerCredentials("r.example", e), { username: "user-for-r.example", password: "s3cret" });
    // Docker Hub's credentials are filed under its v1 index address.
    assert.deepEqual(dockerCredentials("registry-1.docker.io", e), { username: "user-for-https://index.docker.io/v1/", password: "s3cret" });
  });

  it("a helper holding nothing for the server means anonymous access", () => {
    assert.equal(dockerCredentials("r.example", env({ credsStore: "empty" })), undefined);
  });

  it("an identity token (a helper's <token> user, or auths' identitytoken) is kept as one, for the OAuth2 exchange", () => {
    assert.deepEqual(dockerCredentials("r.example", env({ credsStore: "azure" })), { identityToken: "refresh" });
    assert.deepEqual(dockerCredentials("acr.example", env({ auths: { "acr.example": { identitytoken: "rt-1" } } })), { identityToken: "rt-1" });
  });

  it("says which helper failed or is missing", () => {
    assert.throws(() => dockerCredentials("r.example", env({ credsStore: "broken" })), /docker-credential-broken get r\.example failed: keychain locked/);
    assert.throws(() => dockerCredentials("r.example", env({ credHelpers: { "r.example": "desktop" } })), /names the credential helper "desktop" but docker-credential-desktop is not on PATH/);
    assert.throws(() => dockerCredentials("r.example", env({ credsStore: "../evil" })), /not a credential helper name/);
  });
});
