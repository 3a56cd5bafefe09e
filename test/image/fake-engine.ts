// The two Engine API calls whittle makes, answered from an archive a test wrote: enough of an engine
// to inspect through, over TLS, a unix socket or ssh.
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:http";
import { bytes, dockerSaveLegacy, layer } from "../helpers/image-archive.js";

/** The bytes of the one file in the image `app:1` the fake engine holds. */
export const APP_BYTES = 6000;

/** A `docker save` archive of `app:1`: one layer with one file of APP_BYTES. */
export async function appArchive(): Promise<Buffer> {
  return dockerSaveLegacy({ layers: [await layer([{ path: "usr/bin/python3", content: bytes(APP_BYTES, 1) }])] });
}

/**
 * Serves `app:1` from the archive; `endless:1` streams without end (for tests that stop reading);
 * anything else is the engine's 404. Every request is recorded.
 */
export function engineHandler(archive: Buffer, seen: IncomingMessage[] = []) {
  return (req: IncomingMessage, res: ServerResponse) => {
    seen.push(req);
    if (req.url === "/images/app:1/json") res.writeHead(200).end(JSON.stringify({ Size: APP_BYTES }));
    else if (req.url === "/images/app:1/get") res.writeHead(200).end(archive);
    else if (req.url === "/images/endless:1/get") {
      res.writeHead(200);
      const chunk = Buffer.alloc(64 * 1024);
      const more = () => {
        while (!res.destroyed && res.write(chunk));
      };
      res.on("drain", more);
      more();
    } else res.writeHead(404).end(JSON.stringify({ message: `No such image: ${req.url}` }));
  };
}

/** A fake engine on a unix socket, as dockerd listens on /var/run/docker.sock. */
export async function unixEngine(socketPath: string, archive: Buffer, seen?: IncomingMessage[]): Promise<Server> {
  const server = createServer(engineHandler(archive, seen));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, () => resolve());
  });
  return server;
}

export function closeServer(server: Server | undefined): Promise<void> {
  if (!server) return Promise.resolve();
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
