import * as docker from '@pulumi/docker';
import type * as pulumi from '@pulumi/pulumi';
import { buildContainerArgs, type ContainerSpec } from '../lib/container-spec.ts';
import { InfraError, type InfraErrorCode } from '../lib/errors.ts';

/**
 * Pulls an image for the given platform. Containers run the returned image id, so a tag
 * that is moved to another build upstream does not change a running deployment.
 */
export function pullImage(
  name: string,
  reference: string,
  platform: string,
  parent: pulumi.Resource,
): docker.RemoteImage {
  return new docker.RemoteImage(name, { name: reference, platform, keepLocally: true }, { parent });
}

/**
 * Creates a named volume. Volumes are retained when the resource is deleted or replaced,
 * because they hold the platform's data; remove them by hand with `docker volume rm`.
 */
export function createVolume(
  name: string,
  volumeName: string,
  role: string,
  parent: pulumi.Resource,
): docker.Volume {
  return new docker.Volume(
    name,
    { name: volumeName, labels: [{ label: 'chat.platform/role', value: role }] },
    { parent, retainOnDelete: true },
  );
}

/**
 * Creates a container from a spec, with the standard restart, logging, memory and health
 * settings, and its secret properties stored as secrets.
 */
export function createContainer(
  name: string,
  spec: ContainerSpec,
  options: { parent: pulumi.Resource; dependsOn?: pulumi.Input<pulumi.Resource>[] },
): docker.Container {
  const { args, additionalSecretOutputs } = buildContainerArgs(spec);
  return new docker.Container(name, args, {
    parent: options.parent,
    ...(options.dependsOn && { dependsOn: options.dependsOn }),
    ...(additionalSecretOutputs.length > 0 && { additionalSecretOutputs }),
    // Docker identifies a container by name, so a replacement must remove the old one first.
    deleteBeforeReplace: true,
  });
}

/** Where a platform image comes from: a registry, or a build from this repository. */
export type AppImageSource =
  | { kind: 'registry'; reference: string }
  | {
      kind: 'build';
      /** Local tag of the built image. */
      imageName: string;
      /** Absolute path of the build context, the repository root. */
      context: string;
      /** Dockerfile path relative to the context. */
      dockerfile: string;
      /** Build arguments such as `SERVICE`. */
      buildArgs: Record<string, string>;
    };

/**
 * Provides a platform image and returns the id containers should run. Registry images are
 * pulled for the platform; local builds use BuildKit and are never pushed.
 */
export function provideAppImage(
  name: string,
  source: AppImageSource,
  platform: string,
  parent: pulumi.Resource,
): pulumi.Output<string> {
  if (source.kind === 'registry')
    return pullImage(name, source.reference, platform, parent).imageId;

  const image = new docker.Image(
    name,
    {
      imageName: source.imageName,
      skipPush: true,
      buildOnPreview: false,
      build: {
        context: source.context,
        dockerfile: source.dockerfile,
        platform,
        args: source.buildArgs,
        builderVersion: 'BuilderBuildKit',
      },
    },
    { parent },
  );
  // For an image that is not pushed, repoDigest is the local image id.
  return image.repoDigest;
}

/**
 * Returns the job once it exited with status 0; raises `errorCode` for any other status,
 * which fails the deployment before anything that depends on the job starts. While a
 * preview runs the exit code is unknown, and so is the result.
 */
export function whenSucceeded(
  job: docker.Container,
  container: string,
  errorCode: InfraErrorCode = 'ONE_SHOT_FAILED',
): pulumi.Output<docker.Container> {
  return job.exitCode.apply((exitCode) => {
    assertJobSucceeded(container, exitCode, errorCode);
    return job;
  });
}

/** Raises `errorCode` unless the exit code is 0; the message points at the job's logs. */
export function assertJobSucceeded(
  container: string,
  exitCode: number | undefined,
  errorCode: InfraErrorCode,
): void {
  if (exitCode === 0) return;
  throw new InfraError(
    errorCode,
    `${container} exited with status ${exitCode ?? 'unknown'}: read its output with \`docker logs ${container}\` or in Grafana`,
  );
}
