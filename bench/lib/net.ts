/** Ports and source addresses for the load, all on 127.0.0.0/8. */
import net from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

// Each load run takes fresh source addresses: sockets closed by an earlier run linger in
// TIME_WAIT for a minute and hold their ports on the addresses they used.
let block = (process.pid % 150) * 4;

/**
 * Source addresses for `readers` connections, at most `perAddress` (ports) on each. Each
 * socket binds its source address before connecting, and the kernel looks for a free port
 * for each bind among those already bound to that address (it prefers even ones, about
 * 14k): at 10k per address that search was half the load process's connect time and the
 * limit of the connect and reconnect-storm figures. At 1k per address it is a few tries.
 */
export function sourceAddresses(readers: number, perAddress = 1_000): string[] {
  const k = Math.max(1, Math.ceil(readers / perAddress));
  const out: string[] = [];
  for (let j = 0; j < k; j++) {
    block++;
    out.push(`127.${100 + Math.floor(block / 250) % 150}.${block % 250}.${1 + (j % 250)}`);
  }
  return out;
}
