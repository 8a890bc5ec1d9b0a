// Renders the Tonearm record icon to PNG without any dependencies (zlib + a tiny PNG encoder).
// Usage: node scripts/make-icons.mjs   → public/icons/icon-{192,512}.png and maskable variants.
import { deflateSync } from 'node:zlib';
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'icons');
mkdirSync(outDir, { recursive: true });

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
function png(size, pixel) {
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      const [r, g, b, a] = pixel(x, y);
      const o = y * (size * 4 + 1) + 1 + x * 4;
      raw[o] = r; raw[o + 1] = g; raw[o + 2] = b; raw[o + 3] = a;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; ihdr[9] = 6; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const BG = [11, 11, 16];
const VINYL = [20, 20, 28];
const GROOVE = [38, 38, 50];
const LABEL = [245, 158, 11];

const mix = (a, b, t) => a.map((v, i) => Math.round(v + (b[i] - v) * t));

/** Icon: dark tile, record (scale = fraction of the tile covered by the record). */
function render(size, { maskable }) {
  const c = size / 2;
  const recordR = size * (maskable ? 0.36 : 0.47);
  const ss = 4; // supersampling
  return png(size, (x, y) => {
    let acc = [0, 0, 0, 0];
    for (let sy = 0; sy < ss; sy++) {
      for (let sx = 0; sx < ss; sx++) {
        const px = x + (sx + 0.5) / ss - c;
        const py = y + (sy + 0.5) / ss - c;
        const r = Math.hypot(px, py) / recordR;
        let col;
        let alpha = 255;
        if (r > 1) {
          col = BG;
          // Non-maskable icon: rounded-square tile.
          if (!maskable) {
            const half = size / 2, rad = size * 0.22;
            const dx = Math.max(Math.abs(px) - (half - rad), 0);
            const dy = Math.max(Math.abs(py) - (half - rad), 0);
            if (Math.hypot(dx, dy) > rad) alpha = 0;
          }
        } else if (r < 0.05) col = VINYL;
        else if (r < 0.34) col = LABEL;
        else {
          const groove = Math.sin(r * 90) > 0.82 ? 1 : 0;
          const sheen = Math.max(0, Math.cos(Math.atan2(py, px) * 2 - 0.8)) * 0.12;
          col = mix(groove ? GROOVE : VINYL, [120, 120, 140], sheen);
        }
        acc = [acc[0] + col[0], acc[1] + col[1], acc[2] + col[2], acc[3] + alpha];
      }
    }
    const n = ss * ss;
    return acc.map((v) => Math.round(v / n));
  });
}

for (const size of [192, 512]) {
  writeFileSync(join(outDir, `icon-${size}.png`), render(size, { maskable: false }));
  writeFileSync(join(outDir, `maskable-${size}.png`), render(size, { maskable: true }));
}
console.log(`icons written to ${outDir}`);
