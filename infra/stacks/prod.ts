import * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';
import { Host } from '../components/host.ts';
import { HostReadiness } from '../components/host-readiness.ts';
import { Network } from '../components/network.ts';
import { Platform } from '../components/platform.ts';
import type { LoadedConfig } from '../config/load.ts';
import { InfraError } from '../lib/errors.ts';
import type { BootstrapSettings } from '../lib/host-bootstrap.ts';
import { dockerSshOptions, writePrivateKeyFile } from '../lib/ssh-access.ts';
import type { StackOutputs } from './outputs.ts';
import { registryAuth } from './registry-auth.ts';
import { deployVercelWebApp } from './web-app.ts';

/**
 * Deploys the prod stack: network and an Ampere host on Oracle Cloud, then the platform on
 * the host's Docker engine over SSH, then the web app on Vercel when configured.
 */
export function deployProd(config: LoadedConfig, repositoryRoot: string): StackOutputs {
  const { settings, secrets, stack } = config;
  const oci = settings.oci;
  const privateKey = secrets.sshPrivateKey;
  if (oci === undefined || privateKey === undefined) {
    throw new InfraError(
      'CONFIG_INVALID',
      'the oci stack needs the oci settings and sshPrivateKey',
    );
  }
  const bootstrap: BootstrapSettings = {
    sshUser: oci.sshUser,
    dataDevice: '/dev/oracleoci/oraclevdb',
    dataMountPoint: '/srv/chat',
  };

  const network = new Network('network', {
    compartmentId: oci.compartmentId,
    vcnCidr: oci.vcnCidr,
    subnetCidr: oci.subnetCidr,
    adminCidrs: oci.adminCidrs,
  });
  const host = new Host('host', {
    compartmentId: oci.compartmentId,
    ...(oci.availabilityDomain !== undefined && { availabilityDomain: oci.availabilityDomain }),
    subnetId: network.subnetId,
    securityGroupId: network.securityGroupId,
    ocpus: oci.ocpus,
    memoryGb: oci.memoryGb,
    bootVolumeGb: oci.bootVolumeGb,
    dataVolumeGb: oci.dataVolumeGb,
    sshPublicKey: oci.sshPublicKey,
    ...(oci.imageId !== undefined && { imageId: oci.imageId }),
    bootstrap,
  });
  const readiness = new HostReadiness('host-readiness', {
    host: host.publicIp,
    user: oci.sshUser,
    privateKey,
    triggers: [host.instanceId, host.dataAttachmentId],
    bootstrap,
  });

  // The Docker CLI behind the provider reads the key from a file. The options name that
  // file with ~, so plans do not depend on the machine that runs them.
  const keyWritten = privateKey.apply((key) => writePrivateKeyFile(stack, key));
  const auth = registryAuth(settings, secrets);
  const engine = new docker.Provider(
    'host-docker',
    {
      host: pulumi.interpolate`ssh://${oci.sshUser}@${host.publicIp}`,
      sshOpts: pulumi.unsecret(keyWritten).apply(() => dockerSshOptions(stack)),
      ...(auth && { registryAuth: auth }),
    },
    { dependsOn: [readiness] },
  );

  const platform = new Platform(
    'platform',
    { stack, settings, secrets, repositoryRoot },
    { providers: [engine] },
  );

  return {
    gatewayUrl: platform.gatewayUrl,
    mediaUrl: platform.mediaUrl,
    grafanaUrl: platform.grafanaUrl,
    webUrl: deployVercelWebApp(config, platform.gatewayUrl, platform.webUrl ?? 'none'),
    publicIp: host.publicIp,
    imageTag: settings.images.tag,
  };
}
