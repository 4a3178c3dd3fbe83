// `docker exec` through the engine API: the output arrives multiplexed on one stream and is split here.
import { PassThrough } from "node:stream";
import type Docker from "dockerode";
import { TimeoutError } from "../../core/errors.ts";
import type { ExecResult } from "./target.ts";

export async function execInContainer(
  docker: Docker,
  container: Docker.Container,
  cmd: readonly string[],
  timeoutMs = 30_000,
): Promise<ExecResult> {
  const exec = await container.exec({ Cmd: [...cmd], AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const stdout = new PassThrough().on("data", (b: Buffer) => out.push(b));
  const stderr = new PassThrough().on("data", (b: Buffer) => err.push(b));
  docker.modem.demuxStream(stream, stdout, stderr);
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(() => {
        reject(
          new TimeoutError(`exec ${JSON.stringify(cmd.join(" "))} did not finish within ${timeoutMs} ms`),
        );
      }, timeoutMs);
      stream.once("end", resolve);
      stream.once("close", resolve);
      stream.once("error", reject);
    });
  } finally {
    clearTimeout(timer);
    (stream as { destroy?: () => void }).destroy?.();
  }
  const info = await exec.inspect();
  return {
    exitCode: info.ExitCode ?? -1,
    stdout: Buffer.concat(out).toString("utf8"),
    stderr: Buffer.concat(err).toString("utf8"),
  };
}
