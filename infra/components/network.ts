import * as oci from '@pulumi/oci';
import * as pulumi from '@pulumi/pulumi';
import { anywhere, buildIngressRules, type IngressRule } from '../lib/ingress.ts';

/** Arguments of {@link Network}. */
export interface NetworkArgs {
  /** Compartment that owns every network resource. */
  compartmentId: pulumi.Input<string>;
  /** IPv4 range of the VCN, such as 10.0.0.0/16. */
  vcnCidr: pulumi.Input<string>;
  /** IPv4 range of the public subnet, inside the VCN range. */
  subnetCidr: pulumi.Input<string>;
  /** Ranges allowed to reach SSH; plain strings because each one becomes its own rule resource. */
  adminCidrs: readonly string[];
}

const tcp = '6';

/**
 * The host's network on Oracle Cloud: a VCN with one public subnet routed through an
 * internet gateway, and a network security group that admits HTTP and HTTPS from anywhere
 * and SSH only from the admin ranges. The subnet gets its own security list without
 * ingress rules, because the VCN's default list admits SSH from anywhere.
 */
export class Network extends pulumi.ComponentResource {
  public readonly vcnId: pulumi.Output<string>;
  public readonly subnetId: pulumi.Output<string>;
  public readonly securityGroupId: pulumi.Output<string>;
  /** The inbound rules as built, for outputs and review. */
  public readonly ingressRules: IngressRule[];

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super('chat:infra:Network', name, {}, opts);
    const parent = { parent: this };
    this.ingressRules = buildIngressRules(args.adminCidrs);

    const vcn = new oci.core.Vcn(
      `${name}-vcn`,
      {
        compartmentId: args.compartmentId,
        cidrBlocks: [args.vcnCidr],
        displayName: 'chat-vcn',
        dnsLabel: 'chat',
      },
      parent,
    );
    const gateway = new oci.core.InternetGateway(
      `${name}-internet-gateway`,
      { compartmentId: args.compartmentId, vcnId: vcn.id, enabled: true, displayName: 'chat-igw' },
      parent,
    );
    const routes = new oci.core.RouteTable(
      `${name}-route-table`,
      {
        compartmentId: args.compartmentId,
        vcnId: vcn.id,
        displayName: 'chat-public-routes',
        routeRules: [
          { destination: anywhere, destinationType: 'CIDR_BLOCK', networkEntityId: gateway.id },
        ],
      },
      parent,
    );

    const securityList = new oci.core.SecurityList(
      `${name}-security-list`,
      {
        compartmentId: args.compartmentId,
        vcnId: vcn.id,
        displayName: 'chat-egress-only',
        egressSecurityRules: [{ destination: anywhere, protocol: 'all', stateless: false }],
        ingressSecurityRules: [],
      },
      parent,
    );
    const subnet = new oci.core.Subnet(
      `${name}-subnet`,
      {
        compartmentId: args.compartmentId,
        vcnId: vcn.id,
        cidrBlock: args.subnetCidr,
        displayName: 'chat-public',
        dnsLabel: 'public',
        routeTableId: routes.id,
        securityListIds: [securityList.id],
        prohibitPublicIpOnVnic: false,
      },
      parent,
    );

    const group = new oci.core.NetworkSecurityGroup(
      `${name}-security-group`,
      { compartmentId: args.compartmentId, vcnId: vcn.id, displayName: 'chat-host' },
      parent,
    );
    for (const rule of this.ingressRules) {
      new oci.core.NetworkSecurityGroupSecurityRule(
        `${name}-ingress-${rule.key}`,
        {
          networkSecurityGroupId: group.id,
          direction: 'INGRESS',
          protocol: tcp,
          source: rule.source,
          sourceType: 'CIDR_BLOCK',
          stateless: false,
          description: rule.description,
          tcpOptions: { destinationPortRange: { min: rule.port, max: rule.port } },
        },
        parent,
      );
    }
    new oci.core.NetworkSecurityGroupSecurityRule(
      `${name}-egress-all`,
      {
        networkSecurityGroupId: group.id,
        direction: 'EGRESS',
        protocol: 'all',
        destination: anywhere,
        destinationType: 'CIDR_BLOCK',
        stateless: false,
        description: 'Package mirrors, image registries and ACME',
      },
      parent,
    );

    this.vcnId = vcn.id;
    this.subnetId = subnet.id;
    this.securityGroupId = group.id;
    this.registerOutputs({
      vcnId: this.vcnId,
      subnetId: this.subnetId,
      securityGroupId: this.securityGroupId,
    });
  }
}
