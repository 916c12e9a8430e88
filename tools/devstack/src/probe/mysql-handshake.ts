import net from 'node:net';

/** The first packet of a MySQL-protocol server: a handshake or an error. */
export type MysqlGreeting =
  | { kind: 'handshake'; protocolVersion: number; serverVersion: string }
  | { kind: 'error'; code: number; message: string };

/**
 * Parses the first packet a MySQL or MariaDB server sends after accepting a connection.
 *
 * Returns undefined when the bytes are incomplete, and null when they cannot be a MySQL
 * packet. The layout is a 3-byte little-endian payload length, a sequence number 0, then either
 * protocol version 10 with a NUL-terminated server version, or an error packet (0xff, a 2-byte
 * code, text) such as "Too many connections".
 */
export function parseMysqlGreeting(bytes: Buffer): MysqlGreeting | null | undefined {
  if (bytes.length < 5) return undefined;

  const payloadLength = bytes.readUIntLE(0, 3);
  const sequence = bytes[3];
  if (sequence !== 0 || payloadLength === 0 || payloadLength > 0xffff) return null;
  if (bytes.length < 4 + payloadLength) return undefined;

  const payload = bytes.subarray(4, 4 + payloadLength);
  const first = payload[0];
  if (first === 0xff && payload.length >= 3) {
    const text = payload
      .subarray(3)
      .toString('utf8')
      .replace(/^#[0-9A-Z]{5}/, '');
    return { kind: 'error', code: payload.readUInt16LE(1), message: text };
  }
  if (first !== 10) return null;

  const end = payload.indexOf(0, 1);
  if (end < 0) return null;
  const serverVersion = payload.subarray(1, end).toString('latin1');
  if (!/^[0-9]/.test(serverVersion)) return null;
  return { kind: 'handshake', protocolVersion: first, serverVersion };
}

/**
 * Connects to host:port and reads the server greeting without logging in.
 *
 * Resolves null when something accepted the connection but sent no MySQL greeting in time.
 * Rejects with the socket error (such as ECONNREFUSED) when the connection fails.
 */
export async function readMysqlGreeting(
  host: string,
  port: number,
  timeoutMs = 2_000,
): Promise<MysqlGreeting | null> {
  return await new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let received = Buffer.alloc(0);
    const finish = (result: MysqlGreeting | null) => {
      socket.destroy();
      resolve(result);
    };

    socket.setTimeout(timeoutMs, () => finish(null));
    socket.once('error', (error) => {
      socket.destroy();
      reject(error);
    });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const greeting = parseMysqlGreeting(received);
      if (greeting !== undefined) finish(greeting);
    });
    socket.once('end', () => finish(null));
  });
}
