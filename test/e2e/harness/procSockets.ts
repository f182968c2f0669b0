import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

export interface InetSocket {
  proto: 'tcp' | 'tcp6' | 'udp' | 'udp6';
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  /** Kernel state code from /proc/net (e.g. 01 established, 02 syn-sent, 0A listen). */
  state: string;
}

/** Socket inodes held by every thread of process `pid` (from /proc/<pid>/fd). */
function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    let target = '';
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue; // closed between readdir and readlink
    }
    const m = /^socket:\[(\d+)\]$/.exec(target);
    if (m) inodes.add(m[1]!);
  }
  return inodes;
}

function hexAddress(hex: string): string {
  if (hex.length === 8) return [3, 2, 1, 0].map((i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16)).join('.');
  return hex; // IPv6: raw hex is enough to tell loopback (…0100000000) from anything else
}

/**
 * Every TCP/UDP socket (IPv4 and IPv6) that process `pid` holds, read from /proc: what the whole process uses, not
 * only the sockets one library opened. Unix-domain sockets (IPC with VS Code) are not network and are left out.
 */
export function inetSocketsOf(pid: number, netPid: number = pid): InetSocket[] {
  const mine = socketInodes(pid);
  const out: InetSocket[] = [];
  for (const proto of ['tcp', 'tcp6', 'udp', 'udp6'] as const) {
    let table = '';
    try {
      table = readFileSync(`/proc/${netPid}/net/${proto}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of table.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || !mine.has(f[9]!)) continue;
      const [, localPortHex] = f[1]!.split(':');
      const [remoteHex, remotePortHex] = f[2]!.split(':');
      out.push({
        proto,
        localPort: parseInt(localPortHex!, 16),
        remoteAddress: hexAddress(remoteHex!),
        remotePort: parseInt(remotePortHex!, 16),
        state: f[3]!,
      });
    }
  }
  return out;
}
