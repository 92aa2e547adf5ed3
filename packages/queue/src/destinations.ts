/**
 * Which destinations the queue may call: by default any http(s) URL except the server's own management
 * API and metrics (a published message must not be a way to reach them); optionally not private or
 * loopback addresses (literal IPs and `localhost`; names are not resolved here).
 */
export interface DestinationPolicy {
  /** Origins (`http://host:port`) of this server, whose admin paths are refused. */
  selfOrigins: () => string[];
  denyPrivate: boolean;
}

const ADMIN_PATHS = ['/v2/redis', '/metrics'];

export function destinationChecker(policy: DestinationPolicy): (url: string) => string | undefined {
  return (text) => {
    let u: URL;
    try {
      u = new URL(text);
    } catch {
      return `invalid destination url: ${text}`;
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'destination must be an http(s) URL';
    if (policy.selfOrigins().includes(u.origin) && ADMIN_PATHS.some((p) => u.pathname.startsWith(p)))
      return "destination refused: the server's own management API";
    if (policy.denyPrivate && isPrivateHost(u.hostname))
      return `destination refused: ${u.hostname} is a private address`;
    return undefined;
  };
}

export function isPrivateHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost') || h === '::1' || h === '::') return true;
  if (h.startsWith('fc') || h.startsWith('fd') || h.startsWith('fe80:')) return true;
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(h);
  if (m === null) return false;
  const [a, b] = [Number(m[1]), Number(m[2])];
  return (
    a === 10 ||
    a === 127 ||
    a === 0 ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 100 && b >= 64 && b <= 127)
  );
}
