import * as oci from '@pulumi/oci';
import * as pulumi from '@pulumi/pulumi';
import { InfraError } from '../lib/errors.ts';
import { type BootstrapSettings, renderCloudInit } from '../lib/host-bootstrap.ts';

/** Arguments of {@link Host}. */
export interface HostArgs {
  /** Compartment of the instance and its volume. */
  compartmentId: pulumi.Input<string>;
  /** Availability domain; absent picks the first one of the compartment. */
  availabilityDomain?: pulumi.Input<string>;
  /** Public subnet of the instance's VNIC. */
  subnetId: pulumi.Input<string>;
  /** Network security group of the instance's VNIC. */
  securityGroupId: pulumi.Input<string>;
  /** Ampere A1 OCPUs. */
  ocpus: pulumi.Input<number>;
  /** Memory in GB. */
  memoryGb: pulumi.Input<number>;
  /** Boot volume size in GB. */
  bootVolumeGb: pulumi.Input<number>;
  /** Data volume size in GB; Docker's images and named volumes live there. */
  dataVolumeGb: pulumi.Input<number>;
  /** OpenSSH public key installed for the login user. */
  sshPublicKey: pulumi.Input<string>;
  /** Image OCID to pin; absent looks up the newest Canonical Ubuntu 24.04 aarch64 image. */
  imageId?: pulumi.Input<string>;
  /** First-boot settings; plain because they are rendered into the user data. */
  bootstrap: BootstrapSettings;
}

/** The Ampere shape: flexible OCPU and memory, arm64. */
export const hostShape = 'VM.Standard.A1.Flex';

/**
 * One Ampere A1 Flex instance running Ubuntu 24.04 with Docker, and a block volume for data
 * attached through a consistent device path.
 *
 * A looked-up image is ignored on later updates, so a newer Ubuntu build does not replace
 * the host. Run `pulumi up --replace` on the instance to move to it.
 */
export class Host extends pulumi.ComponentResource {
  public readonly instanceId: pulumi.Output<string>;
  public readonly publicIp: pulumi.Output<string>;
  public readonly dataAttachmentId: pulumi.Output<string>;

  constructor(name: string, args: HostArgs, opts?: pulumi.ComponentResourceOptions) {
    super('chat:infra:Host', name, {}, opts);
    const parent = { parent: this };

    const availabilityDomain = args.availabilityDomain ?? firstAvailabilityDomain(args, this);
    const imageId = args.imageId ?? newestUbuntuImage(args, this);
    const userData = Buffer.from(renderCloudInit(args.bootstrap), 'utf8').toString('base64');

    const instance = new oci.core.Instance(
      `${name}-instance`,
      {
        compartmentId: args.compartmentId,
        availabilityDomain,
        displayName: 'chat-host',
        shape: hostShape,
        shapeConfig: { ocpus: args.ocpus, memoryInGbs: args.memoryGb },
        sourceDetails: {
          sourceType: 'image',
          sourceId: imageId,
          bootVolumeSizeInGbs: pulumi.output(args.bootVolumeGb).apply(String),
        },
        createVnicDetails: {
          subnetId: args.subnetId,
          assignPublicIp: 'true',
          nsgIds: [args.securityGroupId],
          hostnameLabel: 'chat',
        },
        metadata: { ssh_authorized_keys: args.sshPublicKey, user_data: userData },
        preserveBootVolume: false,
      },
      {
        ...parent,
        ...(args.imageId === undefined && { ignoreChanges: ['sourceDetails.sourceId'] }),
      },
    );

    const volume = new oci.core.Volume(
      `${name}-data-volume`,
      {
        compartmentId: args.compartmentId,
        availabilityDomain,
        displayName: 'chat-data',
        sizeInGbs: pulumi.output(args.dataVolumeGb).apply(String),
      },
      // The volume contains every database and bucket, so deleting it needs an explicit unprotect.
      { ...parent, protect: true },
    );
    const attachment = new oci.core.VolumeAttachment(
      `${name}-data-attachment`,
      {
        attachmentType: 'paravirtualized',
        instanceId: instance.id,
        volumeId: volume.id,
        device: args.bootstrap.dataDevice,
        displayName: 'chat-data',
      },
      parent,
    );

    this.instanceId = instance.id;
    this.publicIp = instance.publicIp;
    this.dataAttachmentId = attachment.id;
    this.registerOutputs({ instanceId: this.instanceId, publicIp: this.publicIp });
  }
}

function firstAvailabilityDomain(args: HostArgs, parent: pulumi.Resource) {
  return oci.identity
    .getAvailabilityDomainsOutput({ compartmentId: args.compartmentId }, { parent })
    .apply((result) => {
      const first = result.availabilityDomains[0]?.name;
      if (first === undefined) {
        throw new InfraError('CONFIG_INVALID', 'the compartment lists no availability domain');
      }
      return first;
    });
}

function newestUbuntuImage(args: HostArgs, parent: pulumi.Resource) {
  return oci.core
    .getImagesOutput(
      {
        compartmentId: args.compartmentId,
        operatingSystem: 'Canonical Ubuntu',
        operatingSystemVersion: '24.04',
        shape: hostShape,
        sortBy: 'TIMECREATED',
        sortOrder: 'DESC',
        // Excludes the Minimal and GPU builds, which share the operating system name.
        filters: [
          { name: 'display_name', values: ['^Canonical-Ubuntu-24\\.04-aarch64-'], regex: true },
        ],
      },
      { parent },
    )
    .apply((result) => {
      const image = result.images[0]?.id;
      if (image === undefined) {
        throw new InfraError(
          'IMAGE_NOT_FOUND',
          'no Canonical Ubuntu 24.04 aarch64 image for VM.Standard.A1.Flex in this region: set oci.imageId',
        );
      }
      return image;
    });
}
