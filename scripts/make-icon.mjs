// Draws media/icon.png (128×128, the extension's icon): a small agent graph (a start node fanning
// out to two agents that join into one) on a rounded dark square. Pure Node: the pixels are
// rasterised here with 4×4 supersampling and written as a PNG with zlib; no image tools needed.
//   node scripts/make-icon.mjs [out.png]
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const SIZE = 128;
const SS = 4; // Samples per pixel per axis.
const out = process.argv[2] ?? 'media/icon.png';

const BG = [30, 42, 58];
const EDGE = [148, 170, 196];
const NODES = [
  { x: 64, y: 28, r: 14, color: [122, 162, 247] }, // start
  { x: 32, y: 72, r: 14, color: [158, 206, 106] }, // agent
  { x: 96, y: 72, r: 14, color: [224, 175, 104] }, // agent
  { x: 64, y: 106, r: 12, color: [247, 118, 142] }, // join / end
];
const EDGES = [
  [0, 1],
  [0, 2],
  [1, 3],
  [2, 3],
];

function inRoundedSquare(x, y) {
  const r = 26;
  const cx = Math.min(Math.max(x, r), SIZE - r);
  const cy = Math.min(Math.max(y, r), SIZE - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

function distToSegment(px, py, ax, ay, bx, by) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** Colour of one sample point, or null when transparent. */
function sample(x, y) {
  if (!inRoundedSquare(x, y)) return null;
  for (const n of NODES) {
    const d = Math.hypot(x - n.x, y - n.y);
    if (d <= n.r - 3) return n.color;
    if (d <= n.r) return [236, 240, 246];
  }
  for (const [a, b] of EDGES) {
    const p = NODES[a];
    const q = NODES[b];
    if (distToSegment(x, y, p.x, p.y, q.x, q.y) <= 3) return EDGE;
  }
  return BG;
}

const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let y = 0; y < SIZE; y++) {
  raw[y * (SIZE * 4 + 1)] = 0; // Filter: none.
  for (let x = 0; x < SIZE; x++) {
    let r = 0;
    let g = 0;
    let b = 0;
    let a = 0;
    for (let sy = 0; sy < SS; sy++) {
      for (let sx = 0; sx < SS; sx++) {
        const c = sample(x + (sx + 0.5) / SS, y + (sy + 0.5) / SS);
        if (!c) continue;
        r += c[0];
        g += c[1];
        b += c[2];
        a++;
      }
    }
    const o = y * (SIZE * 4 + 1) + 1 + x * 4;
    if (a > 0) {
      raw[o] = Math.round(r / a);
      raw[o + 1] = Math.round(g / a);
      raw[o + 2] = Math.round(b / a);
    }
    raw[o + 3] = Math.round((a / (SS * SS)) * 255);
  }
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
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
ihdr[8] = 8; // Bit depth.
ihdr[9] = 6; // Colour type: RGBA.
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(out, png);
console.log(`wrote ${out} (${png.length} bytes)`);
