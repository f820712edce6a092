import { type ChildProcess, fork } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';

export interface NodeWasiSpec {
  name: string;
  bytes: Uint8Array;
  args: string[];
  /** Guest path → host directory. */
  preopens?: Record<string, string>;
}

export interface NodeWasiRequest extends NodeWasiSpec {
  id: number;
}

export interface NodeWasiReply {
  id: number;
  ms: number;
  exitCode: number;
}

/**
 * Node's own node:wasi, the reference for P3b and P4. It runs in a child process started with
 * --no-turbo-fast-api-calls (node:wasi needs it with memory-heavy guests) whose stdout is
 * /dev/null; the child times instantiate + _start on a module it compiled beforehand.
 */
export class NodeWasi {
  private readonly child: ChildProcess;
  private next = 0;

  constructor() {
    const devNull = openSync('/dev/null', 'w');
    this.child = fork(new URL('./node-wasi-child.ts', import.meta.url), {
      execArgv: ['--no-turbo-fast-api-calls', '--no-warnings', '--import', 'tsx'],
      stdio: ['ignore', devNull, 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    closeSync(devNull);
  }

  /** Time of one run in ms; throws unless the guest exits with 0. */
  run(spec: NodeWasiSpec): Promise<number> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      const onMessage = (reply: NodeWasiReply) => {
        if (reply.id !== id) return;
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
        if (reply.exitCode === 0) resolve(reply.ms);
        else reject(new Error(`node:wasi: ${spec.name} exited with ${reply.exitCode}`));
      };
      const onExit = (code: number | null) => reject(new Error(`the node:wasi child exited with ${code}`));
      this.child.on('message', onMessage);
      this.child.once('exit', onExit);
      this.child.send({ id, ...spec } satisfies NodeWasiRequest);
    });
  }

  close(): void {
    this.child.disconnect();
  }
}
