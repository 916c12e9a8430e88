import { isWorldCidr, validateAdminCidrs } from './cidr.ts';

/** One inbound TCP rule of the host's network security group. */
export interface IngressRule {
  /** Stable suffix of the rule's resource name. */
  key: string;
  /** Reason the port is open, shown in the OCI console. */
  description: string;
  /** Destination port on the host. */
  port: number;
  /** Source range in CIDR notation. */
  source: string;
}

/** The world as a source, allowed for HTTP and HTTPS only. */
export const anywhere = '0.0.0.0/0';

/**
 * Builds the complete inbound rule set: HTTP and HTTPS from anywhere, SSH from each admin
 * range and nothing else. Raises the errors of {@link validateAdminCidrs} for bad ranges.
 */
export function buildIngressRules(adminCidrs: readonly string[]): IngressRule[] {
  const sshSources = validateAdminCidrs(adminCidrs);
  const web: IngressRule[] = [
    {
      key: 'http',
      description: 'HTTP for ACME HTTP-01 challenges and the redirect to HTTPS',
      port: 80,
      source: anywhere,
    },
    {
      key: 'https',
      description: 'HTTPS for the chat gateway and media',
      port: 443,
      source: anywhere,
    },
  ];
  const ssh = sshSources.map((source) => ({
    key: `ssh-${source.replace(/[./]/g, '-')}`,
    description: `SSH for deployments from ${source}`,
    port: 22,
    source,
  }));
  return [...web, ...ssh];
}

/** A port range as OCI stores it: both ends inclusive, absent meaning every port. */
export interface PortRange {
  min?: number;
  max?: number;
}

/**
 * Returns true when a rule lets the whole internet reach port 22: a world source with a
 * TCP range that covers 22, or with all protocols.
 */
export function opensSshToWorld(source: string | undefined, protocol: string, range?: PortRange) {
  if (source === undefined || !isWorldCidr(source)) return false;
  if (protocol === 'all') return true;
  if (protocol !== '6') return false;
  const min = range?.min ?? 1;
  const max = range?.max ?? 65535;
  return min <= 22 && 22 <= max;
}
