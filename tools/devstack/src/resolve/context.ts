import path from 'node:path';
import type { DockerDetection } from '../containers/docker.ts';
import type { EnvironmentSettings } from '../environment.ts';
import type { RunLayout } from '../layout.ts';
import type { ServerPaths } from '../servers/server-process.ts';
import type { RunState, StateRecorder } from '../state.ts';
import type { DevstackLogger, ResolveMode, UsualPorts } from '../types.ts';

/** Everything one resolve call shares between its services. */
export interface ResolveContext {
  mode: ResolveMode;
  layout: RunLayout;
  log: DevstackLogger;
  env: EnvironmentSettings;
  ports: UsualPorts;
  /** The state of the run before this call, to tell what an earlier `up` started. */
  previous: RunState | undefined;
  recorder: StateRecorder;
  /** Detects a Docker engine once per call and logs the result once. */
  docker: () => Promise<DockerDetection>;
  signal?: AbortSignal;
}

/** Returns where a server started by this run keeps its data, log and pid file. */
export function serverPaths(layout: RunLayout, server: string): ServerPaths {
  return {
    instanceDir: path.join(layout.dataDir, server),
    logFile: path.join(layout.logDir, `${server}.log`),
    pidFile: path.join(layout.pidDir, `${server}.pid`),
    cacheDir: layout.cacheDir,
    logDir: layout.logDir,
  };
}
