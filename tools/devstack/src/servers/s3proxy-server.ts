import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { findJava } from '../java/executables.ts';
import { ensureJars } from '../java/jars.ts';
import { checkS3 } from '../probe/s3.ts';
import type { DevstackLogger, S3Settings } from '../types.ts';
import type { ServerPaths, ServerSetup } from './server-process.ts';

/** Options of a local S3Proxy instance. */
export interface S3ProxyServerOptions {
  port: number;
  accessKeyId: string;
  secretAccessKey: string;
}

/** Escapes a value for a Java `.properties` file, where backslashes start escape sequences. */
export function escapePropertyValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/^ /, '\\ ').replace(/\n/g, '\\n');
}

/**
 * Renders the S3Proxy configuration: objects stored as files under `objectsDir`, AWS
 * signature V2 or V4 (including presigned query-string URLs), and CORS open to every origin
 * so browsers can upload with presigned PUT URLs.
 */
export function renderS3ProxyProperties(options: S3ProxyServerOptions, objectsDir: string): string {
  const entries: [string, string][] = [
    ['s3proxy.endpoint', `http://127.0.0.1:${options.port}`],
    ['s3proxy.authorization', 'aws-v2-or-v4'],
    ['s3proxy.identity', options.accessKeyId],
    ['s3proxy.credential', options.secretAccessKey],
    ['s3proxy.cors-allow-all', 'true'],
    ['jclouds.provider', 'filesystem'],
    ['jclouds.filesystem.basedir', objectsDir],
  ];
  return `${entries.map(([key, value]) => `${key}=${escapePropertyValue(value)}`).join('\n')}\n`;
}

/** Keeps S3Proxy at INFO. Its default logback setup prints every Jetty DEBUG line. */
export const s3proxyLogbackXml = `<configuration>
  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="STDOUT"/></root>
</configuration>
`;

/** Returns the client settings for an S3Proxy instance. */
export function s3proxySettings(
  options: S3ProxyServerOptions,
  bucket: string,
  region: string,
): S3Settings {
  return {
    endpoint: `http://127.0.0.1:${options.port}`,
    region,
    accessKeyId: options.accessKeyId,
    secretAccessKey: options.secretAccessKey,
    bucket,
  };
}

/** Describes an S3Proxy instance whose objects live in `paths.instanceDir/objects`. */
export function s3proxyServerSetup(
  options: S3ProxyServerOptions,
  paths: ServerPaths,
  log: DevstackLogger,
): ServerSetup {
  const objectsDir = path.join(paths.instanceDir, 'objects');
  const propertiesFile = path.join(paths.instanceDir, 's3proxy.properties');
  const logbackFile = path.join(paths.instanceDir, 'logback.xml');
  const settings = s3proxySettings(options, 'unused', 'us-east-1');
  let jarsDir: string | undefined;
  return {
    name: 's3proxy',
    paths,
    async prepare(signal) {
      jarsDir = await ensureJars('s3proxy', {
        cacheDir: paths.cacheDir,
        logDir: paths.logDir,
        log,
        signal,
      });
      await mkdir(objectsDir, { recursive: true });
      await writeFile(propertiesFile, renderS3ProxyProperties(options, objectsDir), {
        mode: 0o600,
      });
      await writeFile(logbackFile, s3proxyLogbackXml);
    },
    async launchSpec() {
      if (jarsDir === undefined) throw new Error('s3proxy: prepare() must run before launchSpec()');
      return {
        name: 's3proxy',
        command: await findJava(),
        args: [
          '-Xms64m',
          '-Xmx256m',
          '-XX:+UseSerialGC',
          `-Dlogback.configurationFile=${logbackFile}`,
          '-cp',
          path.join(jarsDir, '*'),
          'org.gaul.s3proxy.Main',
          '--properties',
          propertiesFile,
        ],
        cwd: paths.instanceDir,
        logFile: paths.logFile,
        pidFile: paths.pidFile,
        address: settings.endpoint,
        isReady: async () => (await checkS3(settings, 2_000)).status === 'ok',
        readyTimeoutMs: 60_000,
      };
    },
  };
}
