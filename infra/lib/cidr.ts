import { InfraError } from './errors.ts';

/** An IPv4 range in CIDR notation, with its network address as an unsigned 32-bit number. */
export interface Ipv4Cidr {
  /** Network address, host bits all zero. */
  network: number;
  /** Prefix length, 0 to 32. */
  prefix: number;
  /** Canonical text form, such as `203.0.113.0/24`. */
  text: string;
}

/**
 * The shortest prefix accepted for SSH sources. A /7 or wider range covers tens of millions
 * of addresses, which is the world for practical purposes, and splitting 0.0.0.0/0 into
 * two /1 ranges must not get past the check.
 */
export const minimumSshPrefix = 8;

const octetPattern = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** Parses `a.b.c.d/n`, rejecting host bits, IPv6 and malformed input with `CIDR_INVALID`. */
export function parseIpv4Cidr(input: string): Ipv4Cidr {
  const trimmed = input.trim();
  if (trimmed.includes(':')) {
    throw new InfraError(
      'CIDR_INVALID',
      `"${input}" is an IPv6 range, but the network is IPv4 only: use an IPv4 CIDR such as 203.0.113.7/32`,
    );
  }

  const match = /^([\d.]+)\/(\d{1,2})$/.exec(trimmed);
  const octets = match?.[1]?.split('.') ?? [];
  const prefix = Number(match?.[2]);
  const valid =
    match !== null &&
    octets.length === 4 &&
    octets.every((octet) => octetPattern.test(octet)) &&
    prefix >= 0 &&
    prefix <= 32;
  if (!valid) {
    throw new InfraError(
      'CIDR_INVALID',
      `"${input}" is not an IPv4 CIDR: expected a.b.c.d/n with n from 0 to 32`,
    );
  }

  const address = octets.reduce((value, octet) => value * 256 + Number(octet), 0);
  const network = applyMask(address, prefix);
  if (network !== address) {
    const suggestion = `${formatAddress(network)}/${prefix}`;
    throw new InfraError(
      'CIDR_INVALID',
      `"${input}" has host bits set: did you mean ${suggestion}?`,
    );
  }
  return { network, prefix, text: `${formatAddress(network)}/${prefix}` };
}

/** Returns true when the range is the whole address space of IPv4 or IPv6. */
export function isWorldCidr(input: string): boolean {
  const trimmed = input.trim();
  return /\/0+$/.test(trimmed) || trimmed === '0.0.0.0' || trimmed === '::';
}

/** Returns true when `inner` lies entirely inside `outer`. */
export function cidrContains(outer: Ipv4Cidr, inner: Ipv4Cidr): boolean {
  return inner.prefix >= outer.prefix && applyMask(inner.network, outer.prefix) === outer.network;
}

/**
 * Validates the ranges allowed to reach SSH and returns them in canonical form, sorted and
 * without duplicates.
 *
 * Raises `SSH_OPEN_TO_WORLD` for 0.0.0.0/0 and any range shorter than {@link minimumSshPrefix},
 * `CIDR_INVALID` for malformed input and `CONFIG_INVALID` for an empty list, because the
 * deployment itself reaches the host over SSH.
 */
export function validateAdminCidrs(inputs: readonly string[]): string[] {
  if (inputs.length === 0) {
    throw new InfraError(
      'CONFIG_INVALID',
      'adminCidrs is empty: add the public IPv4 range of the machine that runs `pulumi up`, such as 203.0.113.7/32',
    );
  }

  const parsed = inputs.map((input) => {
    if (isWorldCidr(input)) {
      throw new InfraError(
        'SSH_OPEN_TO_WORLD',
        `adminCidrs contains "${input}", which opens SSH to the whole internet: list only the ranges operators connect from`,
      );
    }
    const cidr = parseIpv4Cidr(input);
    if (cidr.prefix < minimumSshPrefix) {
      throw new InfraError(
        'SSH_OPEN_TO_WORLD',
        `adminCidrs contains "${input}", a /${cidr.prefix} range: SSH sources must be /${minimumSshPrefix} or narrower`,
      );
    }
    return cidr;
  });

  const unique = new Map(parsed.map((cidr) => [cidr.text, cidr]));
  return [...unique.values()]
    .sort((a, b) => a.network - b.network || a.prefix - b.prefix)
    .map((cidr) => cidr.text);
}

function applyMask(address: number, prefix: number): number {
  if (prefix === 0) return 0;
  const mask = (0xffffffff << (32 - prefix)) >>> 0;
  return (address & mask) >>> 0;
}

function formatAddress(value: number): string {
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 0xff).join('.');
}
