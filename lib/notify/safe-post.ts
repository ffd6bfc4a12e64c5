/**
 * The one way a webhook leaves Opsdeck. A webhook URL is typed by an admin but points anywhere, so
 * the request must not become a way to reach what only the Opsdeck host can reach:
 * - the host name is resolved here and every address checked; private, loopback, link-local and
 *   unique-local ones are refused unless the webhook allows them (an admin ticked it), and the
 *   connection goes to the addresses checked, not to a second lookup (DNS rebinding);
 * - redirects are not followed (a 3xx is a failure), since a public URL could redirect inward;
 * - the response is read up to MAX_RESPONSE_BYTES, then the connection is dropped.
 */
import dns from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';

export const MAX_RESPONSE_BYTES = 64 * 1024;

const PRIVATE = new net.BlockList();
for (const [net4, bits] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) PRIVATE.addSubnet(net4, bits, 'ipv4');
for (const [net6, bits] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96]] as const) PRIVATE.addSubnet(net6, bits, 'ipv6');

/** True for an address a public webhook receiver cannot have (IPv4-mapped IPv6 counts as its IPv4). */
export function isPrivateAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 0) return true; // not an address at all: never trusted
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return PRIVATE.check(mapped[1], 'ipv4');
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export interface PostResult {
  status: number;
  body: string;
}

export class WebhookRefused extends Error {}

async function addressesOf(hostname: string): Promise<{ address: string; family: number }[]> {
  const bare = hostname.replace(/^\[|\]$/g, '');
  if (net.isIP(bare)) return [{ address: bare, family: net.isIP(bare) }];
  return dns.lookup(bare, { all: true, verbatim: true });
}

/**
 * POSTs `body` as JSON. Throws WebhookRefused (a sentence without the URL's path, which may hold a
 * token) for a refused address, a redirect or an oversized answer; other errors are the network's.
 */
export async function safePost(url: string, body: string, opts: { allowPrivate: boolean; timeoutMs: number }): Promise<PostResult> {
  const u = new URL(url);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new WebhookRefused('only http:// and https:// webhooks are sent');
  const signal = AbortSignal.timeout(opts.timeoutMs);
  const addresses = await addressesOf(u.hostname);
  if (addresses.length === 0) throw new WebhookRefused(`${u.hostname} has no address`);
  const inside = addresses.find((a) => isPrivateAddress(a.address));
  if (inside && !opts.allowPrivate) {
    throw new WebhookRefused(`${u.hostname} resolves to a private address (${inside.address}); an admin must tick "allow private address" on this webhook to send there`);
  }
  const client = u.protocol === 'https:' ? https : http;
  return new Promise<PostResult>((resolve, reject) => {
    const req = client.request(
      {
        method: 'POST',
        host: u.hostname.replace(/^\[|\]$/g, ''),
        port: u.port || undefined,
        path: `${u.pathname}${u.search}`,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        signal,
        // Connect to the addresses checked above, never to a fresh (possibly different) answer.
        lookup: ((_host: string, o: { all?: boolean }, cb: (...args: unknown[]) => void) => {
          if (o?.all) cb(null, addresses);
          else cb(null, addresses[0].address, addresses[0].family);
        }) as unknown as typeof dns.lookup as never,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400) {
          res.destroy();
          return reject(new WebhookRefused(`the receiver answered with a redirect (HTTP ${status}), which is not followed`));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_RESPONSE_BYTES) {
            res.destroy();
            reject(new WebhookRefused(`the receiver's answer is larger than ${MAX_RESPONSE_BYTES / 1024} KiB; it was cut off`));
          } else chunks.push(c);
        });
        res.on('end', () => resolve({ status, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
