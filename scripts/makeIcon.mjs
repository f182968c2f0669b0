// Draws media/icon.png (128×128 RGBA): a terminal prompt ">_" inside a history arc with an arrow head, on a rounded
// teal square. Pure Node (node:zlib PNG encoder, 4×4 supersampling), so packaging needs no image tools.
// Usage: node scripts/makeIcon.mjs [out.png]
import { writeFileSync, mkdirSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SIZE = 128;
const SS = 4;

// --- geometry (signed distances in pixels, negative = inside) ---
function roundedRect(x, y, cx, cy, hw, hh, r) {
  const qx = Math.abs(x - cx) - hw + r;
  const qy = Math.abs(y - cy) - hh + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
}
function segment(x, y, ax, ay, bx, by, r) {
  const px = x - ax, py = y - ay, dx = bx - ax, dy = by - ay;
  const h = Math.max(0, Math.min(1, (px * dx + py * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - dx * h, py - dy * h) - r;
}
function arc(x, y, cx, cy, radius, width, fromDeg, toDeg) {
  // Ring segment between angles (degrees, 0 = +x, clockwise because y points down).
  let a = (Math.atan2(y - cy, x - cx) * 180) / Math.PI;
  if (a < 0) a += 360;
  const inside = fromDeg <= toDeg ? a >= fromDeg && a <= toDeg : a >= fromDeg || a <= toDeg;
  if (inside) return Math.abs(Math.hypot(x - cx, y - cy) - radius) - width / 2;
  const end = (deg) => [cx + radius * Math.cos((deg * Math.PI) / 180), cy + radius * Math.sin((deg * Math.PI) / 180)];
  const [ax, ay] = end(fromDeg);
  const [bx, by] = end(toDeg);
  return Math.min(Math.hypot(x - ax, y - ay), Math.hypot(x - bx, y - by)) - width / 2;
}
function triangle(x, y, p) {
  // Inside test for a triangle (returns -1 inside, 1 outside; edges are anti-aliased by supersampling).
  const s = (a, b) => (b[0] - a[0]) * (y - a[1]) - (b[1] - a[1]) * (x - a[0]);
  const d1 = s(p[0], p[1]), d2 = s(p[1], p[2]), d3 = s(p[2], p[0]);
  const neg = d1 < 0 || d2 < 0 || d3 < 0;
  const pos = d1 > 0 || d2 > 0 || d3 > 0;
  return neg && pos ? 1 : -1;
}

const C = 64;
const ringR = 40;
// Arrow head at the arc's start (counter-clockwise history arrow).
const startDeg = 200;
const sx = C + ringR * Math.cos((startDeg * Math.PI) / 180);
const sy = C + ringR * Math.sin((startDeg * Math.PI) / 180);
const head = [
  [sx - 11, sy - 2],
  [sx + 9, sy - 4],
  [sx - 1, sy + 13],
];

function shade(x, y) {
  // Returns [r,g,b,a] 0..1 for one sample.
  if (roundedRect(x, y, C, C, 62, 62, 26) > 0) return [0, 0, 0, 0];
  const t = (x + y) / (2 * SIZE);
  let col = [0.04 + 0.02 * t, 0.23 + 0.2 * t, 0.33 + 0.16 * t];
  const white = [0.96, 0.98, 1];
  const mint = [0.55, 0.93, 0.82];
  if (arc(x, y, C, C, ringR, 7, 230, 170) < 0 || triangle(x, y, head) < 0) col = mint;
  const chevron = Math.min(segment(x, y, 44, 48, 60, 64, 4.5), segment(x, y, 60, 64, 44, 80, 4.5));
  if (chevron < 0) col = white;
  if (segment(x, y, 67, 80, 86, 80, 4.5) < 0) col = white;
  return [...col, 1];
}

const rgba = Buffer.alloc(SIZE * SIZE * 4);
for (let py = 0; py < SIZE; py++) {
  for (let px = 0; px < SIZE; px++) {
    const acc = [0, 0, 0, 0];
    for (let j = 0; j < SS; j++) {
      for (let i = 0; i < SS; i++) {
        const s = shade(px + (i + 0.5) / SS, py + (j + 0.5) / SS);
        acc[0] += s[0] * s[3];
        acc[1] += s[1] * s[3];
        acc[2] += s[2] * s[3];
        acc[3] += s[3];
      }
    }
    const o = (py * SIZE + px) * 4;
    const a = acc[3] / (SS * SS);
    for (let k = 0; k < 3; k++) rgba[o + k] = a > 0 ? Math.round((acc[k] / acc[3]) * 255) : 0;
    rgba[o + 3] = Math.round(a * 255);
  }
}

// --- PNG encoding ---
const crcTable = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(SIZE, 0);
ihdr.writeUInt32BE(SIZE, 4);
ihdr[8] = 8; // bit depth
ihdr[9] = 6; // RGBA
const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let y = 0; y < SIZE; y++) rgba.copy(raw, y * (SIZE * 4 + 1) + 1, y * SIZE * 4, (y + 1) * SIZE * 4);
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);

const out = process.argv[2] ?? join(root, 'media', 'icon.png');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, png);
console.log(`wrote ${out} (${png.length} bytes)`);
